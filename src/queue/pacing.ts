import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { PacingPolicy } from "../domain/pacing.js";

export interface Pacer {
  /**
   * Reserves the next free slot to send to `chatId` and says in how many ms it comes (0: now).
   * The slot is the caller's: it sends then without asking again, so the waiting messages of a
   * busy chat wake one per slot instead of all together.
   */
  reserveChatSlot(chatId: string): Promise<number>;
  /** Takes a slot of the channel-wide budget now, or says how many ms to wait before asking again. */
  takeGlobalSlot(): Promise<number>;
}

/**
 * GCRA with reservation, on Redis time so every process agrees: the earliest time at or after now
 * within the burst tolerance of the chat's theoretical arrival time (TAT) is taken, and the TAT
 * moves one interval past it. Returns the ms until the slot.
 */
const RESERVE_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, tat - tolerance)
local next = math.max(tat, slot) + interval
redis.call('SET', KEYS[1], next, 'PX', next - now + tolerance + 1000)
return slot - now
`;

export function createPacer(redis: Redis, keyPrefix: string, policy: PacingPolicy): Pacer {
  const global = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${keyPrefix}:pace:global`,
    points: policy.globalPerSecond,
    duration: 1,
  });
  const interval = Math.ceil(1000 / policy.perChatPerSecond);
  const tolerance = policy.perChatBurst * interval;
  return {
    async reserveChatSlot(chatId) {
      const wait = await redis.eval(RESERVE_SLOT, 1, `${keyPrefix}:pace:chat:${chatId}`, interval, tolerance);
      return Number(wait);
    },
    async takeGlobalSlot() {
      try {
        await global.consume("all");
        return 0;
      } catch (error) {
        if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
        throw error;
      }
    },
  };
}
