import type { Redis } from "ioredis";
import type { ChatAddress } from "../domain/order.js";

/**
 * A chat reads its messages in the order they were written: a message waits while an older one
 * to the same chat, written at most this long before it, is still pending. Older than that, the
 * older one is stuck (retrying, or waiting for the sweeper) and holding the chat would only hide
 * the newer one too.
 */
export const IN_ORDER_WINDOW_MS = 30_000;

/**
 * Which messages each chat was written, by when: lets the outbound worker ask "is an older one to
 * this chat still on its way?" with one Redis read and `_id` lookups, never a scan of the outbox
 * (FerretDB 1.x on SQLite reads the whole collection for any filter but `_id`). An index only: the
 * outbox says whether a message is still pending, so an entry Redis lost only loosens the order
 * of one chat's messages, never loses one.
 */
export interface ChatOrder {
  /** Notes a stored message before its job is queued. */
  written(message: {
    readonly _id: string;
    readonly to: ChatAddress;
    readonly createdAt: Date;
  }): Promise<void>;
  /** Ids of the messages to `to` written at or after `since` and before `before`, oldest first. */
  writtenBetween(to: ChatAddress, since: Date, before: Date): Promise<string[]>;
  /** Drops a message that is no longer pending. */
  forget(to: ChatAddress, id: string): Promise<void>;
}

export function createChatOrder(redis: Redis, prefix: string): ChatOrder {
  // Nobody asks further back than the window: older entries go as new ones are written.
  const keepMs = IN_ORDER_WINDOW_MS;
  const key = (to: ChatAddress) => `${prefix}:order:${to.channel}:${to.chatId}`;
  return {
    async written({ _id, to, createdAt }) {
      const now = Date.now();
      await redis
        .multi()
        .zadd(key(to), createdAt.getTime(), _id)
        .zremrangebyscore(key(to), "-inf", now - keepMs)
        .pexpire(key(to), keepMs)
        .exec();
    },
    writtenBetween(to, since, before) {
      return redis.zrangebyscore(key(to), since.getTime(), `(${before.getTime()}`);
    },
    async forget(to, id) {
      await redis.zrem(key(to), id);
    },
  };
}
