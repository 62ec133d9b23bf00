import type { Redis } from "ioredis";
import { BurstyRateLimiter, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** How fast a channel may be written to; shared by every process through Redis. */
export interface PacingPolicy {
  /** Messages per second across all chats (Telegram: about 30). */
  readonly globalPerSecond: number;
  /** Sustained messages per second to one chat (Telegram: about 1). */
  readonly perChatPerSecond: number;
  /** Extra messages one chat may get in a short burst, refilled every `burstWindowSeconds`. */
  readonly perChatBurst: number;
  readonly burstWindowSeconds: number;
}

export const TELEGRAM_PACING: PacingPolicy = {
  globalPerSecond: 30,
  perChatPerSecond: 1,
  perChatBurst: 3,
  burstWindowSeconds: 10,
};

/**
 * WhatsApp has no published limits and bans accounts that look like spam: stay well below what a
 * busy person could type (a few messages a second in all, about one a second per chat).
 */
export const WHATSAPP_PACING: PacingPolicy = {
  globalPerSecond: 5,
  perChatPerSecond: 1,
  perChatBurst: 2,
  burstWindowSeconds: 10,
};

export interface Pacer {
  /** Takes a slot to send to `chatId` now, or says how many ms to wait before asking again. */
  reserve(chatId: string): Promise<number>;
}

export function createPacer(redis: Redis, keyPrefix: string, policy: PacingPolicy): Pacer {
  const global = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${keyPrefix}:pace:global`,
    points: policy.globalPerSecond,
    duration: 1,
  });
  const perChat = new BurstyRateLimiter(
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:pace:chat`,
      points: policy.perChatPerSecond,
      duration: 1,
    }),
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:pace:burst`,
      points: policy.perChatBurst,
      duration: policy.burstWindowSeconds,
    }),
  );
  const waitFor = async (take: () => Promise<unknown>): Promise<number> => {
    try {
      await take();
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
      throw error;
    }
  };
  return {
    async reserve(chatId) {
      const chatWait = await waitFor(() => perChat.consume(chatId));
      if (chatWait > 0) return chatWait;
      return waitFor(() => global.consume("all"));
    },
  };
}
