/** The pacer's Redis scripts, directly: the channel-wide budget, the chat's pace as sent, flood-wait holds. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPacer, type Pacer } from "../../src/queue/pacing.js";
import { clearPrefix, REDIS_URL } from "../helpers/shop.js";

let redis: Redis;
let prefix: string;
let pacer: Pacer;

beforeEach(() => {
  prefix = `t-${randomBytes(4).toString("hex")}`;
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  pacer = createPacer(redis, prefix, { globalPerSecond: 10, perChatPerSecond: 1, perChatBurst: 2 });
});

afterEach(async () => {
  redis.disconnect();
  await clearPrefix(prefix);
});

describe("pacer", () => {
  it("spaces the channel-wide budget evenly, so no sliding second holds more than it", async () => {
    expect(await pacer.takeGlobalSlot()).toBe(0);
    const wait = await pacer.takeGlobalSlot();
    // 10 a second: the next slot is a tenth of a second after the first, not in the same window.
    expect(wait).toBeGreaterThan(50);
    expect(wait).toBeLessThanOrEqual(100);
  });

  it("lets a chat's sends through up to its burst, then one per interval", async () => {
    const chat = "601";
    for (let i = 0; i < 3; i++) expect(await pacer.takeChatSend(chat)).toBe(0);
    const wait = await pacer.takeChatSend(chat);
    expect(wait).toBeGreaterThan(900);
    expect(wait).toBeLessThanOrEqual(1000);
    expect(await pacer.takeChatSend("602")).toBe(0);
  });

  it("holds a chat for a flood wait, then gives slots one interval apart with no burst", async () => {
    const chat = "603";
    expect(await pacer.chatHeldFor(chat)).toBe(0);
    // A slot reserved before the flood wait stays before every slot reserved after it.
    expect(await pacer.reserveChatSlot(chat)).toBe(0);
    await pacer.holdChat(chat, 3_000);
    const held = await pacer.chatHeldFor(chat);
    expect(held).toBeGreaterThan(2_900);
    expect(held).toBeLessThanOrEqual(3_000);
    const first = await pacer.reserveChatSlot(chat);
    const second = await pacer.reserveChatSlot(chat);
    expect(first).toBeGreaterThanOrEqual(2_950);
    expect(second - first).toBeGreaterThanOrEqual(990);
    // A shorter hold never cuts a longer one short.
    await pacer.holdChat(chat, 500);
    expect(await pacer.chatHeldFor(chat)).toBeGreaterThan(2_500);
  });
});
