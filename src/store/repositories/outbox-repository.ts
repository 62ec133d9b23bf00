import { DuplicateKeyError } from "../../domain/errors.js";
import type { Collection, OutboxMessage, OutboxRepository } from "../types.js";

export function createOutboxRepository(outbox: Collection<OutboxMessage>): OutboxRepository {
  return {
    // The id is deterministic, so a retried step writing the same message gets the first copy.
    async put(message) {
      const stored: OutboxMessage = { ...message, status: "pending", sentCount: 0 };
      try {
        await outbox.insertOne(stored);
        return stored;
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        const existing = await outbox.findOne({ _id: message._id });
        if (existing === null) throw error;
        return existing;
      }
    },
    findById: (id) => outbox.findOne({ _id: id }),
    // Progress only moves forward, so a slow retry cannot make a message resend replies.
    async recordProgress(id, sentCount) {
      await outbox.findOneAndUpdate(
        { _id: id, status: "pending", sentCount: { $lt: sentCount } },
        { $set: { sentCount } },
      );
    },
    async markSent(id, at) {
      await outbox.findOneAndUpdate({ _id: id, status: "pending" }, { $set: { status: "sent", sentAt: at } });
    },
    // Sent and failed are final: a late failure must not undo a send, nor the reverse.
    async markFailed(id, at, error) {
      await outbox.findOneAndUpdate(
        { _id: id, status: "pending" },
        { $set: { status: "failed", failedAt: at, error } },
      );
    },
    listPending: (before, limit) =>
      outbox.find({ status: "pending", createdAt: { $lt: before } }, { sort: { createdAt: 1 }, limit }),
    listPendingDigest: (to, group, limit) =>
      outbox.find(
        { status: "pending", "to.channel": to.channel, "to.chatId": to.chatId, "digest.group": group },
        { sort: { createdAt: 1 }, limit },
      ),
  };
}
