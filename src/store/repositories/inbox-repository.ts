import { DuplicateKeyError } from "../../domain/errors.js";
import type { InboxEvent } from "../../domain/inbox.js";
import type { Collection, InboxRepository } from "../types.js";

export function createInboxRepository(inbox: Collection<InboxEvent>): InboxRepository {
  return {
    async record(event) {
      try {
        await inbox.insertOne(event);
        return { recorded: true, event };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        const stored = await inbox.findOne({ provider: event.provider, eventKey: event.eventKey });
        return { recorded: false, event: stored ?? event };
      }
    },
    findById: (id) => inbox.findOne({ _id: id }),
    async finish(id, status, note) {
      const update = { $set: { status, processedAt: new Date(), ...(note ? { note } : {}) } };
      return (await inbox.findOneAndUpdate({ _id: id, status: "received" }, update)) !== null;
    },
    listReceived: (before, limit) =>
      inbox.find({ status: "received", receivedAt: { $lt: before } }, { sort: { receivedAt: 1 }, limit }),
  };
}
