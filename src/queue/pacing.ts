import type { Redis } from "ioredis";
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
  /**
   * Records a send to `chatId` now if it keeps the chat's pace as sent, or says how many ms to
   * wait: a job that woke late for its reserved slot must not bunch with the next one.
   */
  takeChatSend(chatId: string): Promise<number>;
  /**
   * The channel answered a flood wait for `chatId`: nothing goes to that chat for `ms`, not even
   * in slots reserved before, and its slots resume one interval apart (no burst) afterwards.
   */
  holdChat(chatId: string, ms: number): Promise<void>;
  /** How many ms the chat is still held by a flood wait (0: not held). */
  chatHeldFor(chatId: string): Promise<number>;
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

/**
 * Holds a chat until now + ms: the hold key lives that long (never shortened), and new slots
 * start after both the hold and every slot already reserved (each is before TAT − tolerance),
 * one interval apart: no burst right after a flood wait.
 */
const HOLD_CHAT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local hold = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[2]) < hold then redis.call('SET', KEYS[2], '1', 'PX', hold) end
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now + hold + tolerance)
redis.call('SET', KEYS[1], tat, 'PX', tat - now + tolerance + 1000)
return 0
`;

/**
 * GCRA without reservation: a send now if it conforms (the TAT is at most `tolerance` ahead),
 * else the ms until it does. Unlike a fixed one-second window, no sliding second ever holds more
 * than the budget, also across a window's edge.
 */
const TAKE_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if tat - now > tolerance then return tat - tolerance - now end
redis.call('SET', KEYS[1], tat + interval, 'PX', tat + interval - now + 1000)
return 0
`;

export function createPacer(redis: Redis, keyPrefix: string, policy: PacingPolicy): Pacer {
  const interval = Math.ceil(1000 / policy.perChatPerSecond);
  const tolerance = policy.perChatBurst * interval;
  // Rounded up, so a second never holds more than globalPerSecond slots.
  const globalInterval = Math.ceil(1000 / policy.globalPerSecond);
  return {
    async reserveChatSlot(chatId) {
      const wait = await redis.eval(RESERVE_SLOT, 1, `${keyPrefix}:pace:chat:${chatId}`, interval, tolerance);
      return Number(wait);
    },
    async holdChat(chatId, ms) {
      const keys = [`${keyPrefix}:pace:chat:${chatId}`, `${keyPrefix}:pace:hold:${chatId}`];
      await redis.eval(HOLD_CHAT, 2, ...keys, Math.ceil(ms), tolerance);
    },
    async chatHeldFor(chatId) {
      return Math.max(0, await redis.pttl(`${keyPrefix}:pace:hold:${chatId}`));
    },
    async takeGlobalSlot() {
      return Number(await redis.eval(TAKE_SLOT, 1, `${keyPrefix}:pace:global`, globalInterval, 0));
    },
    async takeChatSend(chatId) {
      return Number(await redis.eval(TAKE_SLOT, 1, `${keyPrefix}:pace:sent:${chatId}`, interval, tolerance));
    },
  };
}
