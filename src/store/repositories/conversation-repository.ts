import { DuplicateKeyError } from "../../domain/errors.js";
import type { ChatAddress } from "../../domain/order.js";
import type { ConversationDocument } from "../documents.js";
import type { Collection, ConversationRepository } from "../types.js";

function conversationId(tenantId: string, chat: ChatAddress): string {
  return `${tenantId}:${chat.channel}:${chat.chatId}`;
}

/**
 * Optimistic concurrency: `version` is the compare-and-set token. The first save inserts
 * (the unique index lets one of two first writers in); later saves match the version read.
 */
export function createConversationRepository(
  conversations: Collection<ConversationDocument>,
): ConversationRepository {
  return {
    async load(tenantId, chat) {
      const found = await conversations.findOne({ _id: conversationId(tenantId, chat) });
      return found === null ? null : { state: found.state, version: found.version };
    },
    async save(tenantId, chat, state, expectedVersion) {
      const _id = conversationId(tenantId, chat);
      const updatedAt = new Date();
      if (expectedVersion === 0) {
        try {
          await conversations.insertOne({
            _id,
            tenantId,
            channel: chat.channel,
            chatId: chat.chatId,
            state,
            version: 1,
            updatedAt,
          });
          return true;
        } catch (error) {
          if (error instanceof DuplicateKeyError) return false;
          throw error;
        }
      }
      const saved = await conversations.findOneAndUpdate(
        { _id, version: expectedVersion },
        { $set: { state, updatedAt }, $inc: { version: 1 } },
      );
      return saved !== null;
    },
  };
}
