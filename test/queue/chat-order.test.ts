/** The chats' order index against real Redis: what the outbound worker asks before a send. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ChatOrder, createChatOrder, IN_ORDER_WINDOW_MS } from "../../src/queue/chat-order.js";
import { clearPrefix, REDIS_URL } from "../helpers/shop.js";

let redis: Redis;
let prefix: string;
let order: ChatOrder;
const chat = { channel: "telegram" as const, chatId: "100" };
/** One "now" per test file run, so that every `ago` in a test measures from the same instant. */
const now = Date.now();
const ago = (ms: number) => new Date(now - ms);

beforeEach(() => {
  prefix = `t-${randomBytes(4).toString("hex")}`;
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  order = createChatOrder(redis, prefix);
});

afterEach(async () => {
  await clearPrefix(prefix);
  redis.disconnect();
});

describe("chat order", () => {
  it("names a chat's messages written in [since, before), oldest first, and no other chat's", async () => {
    await order.written({ _id: "ob_b", to: chat, createdAt: ago(2_000) });
    await order.written({ _id: "ob_a", to: chat, createdAt: ago(3_000) });
    await order.written({ _id: "ob_c", to: chat, createdAt: ago(1_000) });
    await order.written({
      _id: "ob_other",
      to: { channel: "whatsapp", chatId: "100" },
      createdAt: ago(2_500),
    });
    expect(await order.writtenBetween(chat, ago(10_000), ago(1_000))).toEqual(["ob_a", "ob_b"]);
    expect(await order.writtenBetween(chat, ago(2_500), new Date())).toEqual(["ob_b", "ob_c"]);
  });

  it("forgets a message on request, and drops what is older than the window as others are written", async () => {
    await order.written({ _id: "ob_old", to: chat, createdAt: ago(IN_ORDER_WINDOW_MS + 5_000) });
    await order.written({ _id: "ob_kept", to: chat, createdAt: ago(2_000) });
    await order.written({ _id: "ob_gone", to: chat, createdAt: ago(1_000) });
    await order.forget(chat, "ob_gone");
    expect(await order.writtenBetween(chat, ago(10 * IN_ORDER_WINDOW_MS), new Date())).toEqual(["ob_kept"]);
    // The key lives no longer than the window: a quiet chat leaves nothing behind.
    expect(await redis.pttl(`${prefix}:order:telegram:100`)).toBeLessThanOrEqual(IN_ORDER_WINDOW_MS);
  });
});
