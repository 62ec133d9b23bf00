/**
 * The inbound router directly, with real Redis deduplication and the real outbox: a message is
 * handled once; merchant commands reach the merchant handler only from a merchant's chat; a
 * shopper's attempt at one changes nothing and gets a polite refusal.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInboundDedupe } from "../../src/bot/inbound-dedupe.js";
import type { ChannelAdapter, InboundContent, InboundMessage, Reply } from "../../src/domain/channel.js";
import { StoreUnavailableError } from "../../src/domain/errors.js";
import { createLogger } from "../../src/log/index.js";
import { createChatOrder } from "../../src/queue/chat-order.js";
import { createOutbox, outboxId } from "../../src/queue/outbox.js";
import { createQueues, type Queues } from "../../src/queue/queues.js";
import { createInboundRouter, type InboundRouter } from "../../src/shop/inbound-router.js";
import { MERCHANT_HELP } from "../../src/shop/merchant-messages.js";
import { createStore } from "../../src/store/index.js";
import type { Store } from "../../src/store/types.js";
import { clearPrefix, REDIS_URL } from "../helpers/shop.js";

const tenantId = "t1";
const merchant = { channel: "telegram" as const, chatId: "900" };
const shopper = { channel: "telegram" as const, chatId: "100" };
const logger = createLogger({ level: "silent" });

let prefix: string;
let redis: Redis;
let store: Store;
let queues: Queues;
let router: InboundRouter;
let toConversations: InboundMessage[];
let toMerchantCommands: InboundMessage[];
let sentDirectly: { chatId: string; reply: Reply }[];
let failing: Error | undefined;
/** How many more times the dialogue fails with `failing`; unset: every time. */
let failuresLeft: number | undefined;
let channelDown: boolean;

beforeEach(async () => {
  prefix = `t-${randomBytes(4).toString("hex")}`;
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  store = await createStore({ mediaDir: `/tmp/${prefix}-media` });
  queues = createQueues({ connection: redis, prefix });
  toConversations = [];
  toMerchantCommands = [];
  sentDirectly = [];
  failing = undefined;
  failuresLeft = undefined;
  channelDown = false;
  const telegram = {
    name: "telegram",
    async send(chatId: string, reply: Reply) {
      if (channelDown) throw new Error("telegram down");
      sentDirectly.push({ chatId, reply });
    },
  } as ChannelAdapter;
  router = createInboundRouter({
    tenantId,
    merchants: [merchant],
    dedupe: createInboundDedupe(redis, prefix, logger),
    conversations: {
      async handle(message) {
        if (failing && (failuresLeft === undefined || failuresLeft-- > 0)) throw failing;
        toConversations.push(message);
      },
      deliver: async () => {
        throw new Error("the router never delivers results");
      },
    },
    merchantCommands: {
      async handle(message) {
        toMerchantCommands.push(message);
        return { text: `merchant handled ${message.id}` };
      },
    },
    outbox: createOutbox({ store, queues, order: createChatOrder(redis, prefix) }),
    channels: { telegram },
    logger,
  });
});

afterEach(async () => {
  await queues.close();
  await store.close();
  await clearPrefix(prefix);
  redis.disconnect();
});

let sequence = 0;
function message(from: InboundMessage["from"], content: InboundContent): InboundMessage {
  sequence += 1;
  return { id: `tg-${prefix}-${sequence}`, from, content, receivedAt: new Date() };
}

const command = (name: string, args = ""): InboundContent => ({ kind: "command", command: name, args });

/** The reply the router stored in the outbox for `input`, if any. */
async function answerTo(input: InboundMessage) {
  const stored = await store.outbox.findById(
    outboxId("turn", tenantId, input.from.channel, input.from.chatId, input.id),
  );
  return stored && { to: stored.to, replies: stored.replies, tenantId: stored.tenantId };
}

describe("deduplication", () => {
  it("handles a message once however often the channel delivers it", async () => {
    const input = message(shopper, { kind: "text", text: "hi" });
    await router.handle(input);
    await router.handle(input);
    await Promise.all([router.handle(input), router.handle(input)]);
    expect(toConversations).toEqual([input]);
  });

  it("handles a merchant command once", async () => {
    const input = message(merchant, command("pending"));
    await router.handle(input);
    await router.handle(input);
    expect(toMerchantCommands).toHaveLength(1);
  });
});

describe("merchant inputs", () => {
  it("sends a merchant's command to the merchant handler and its answer to the outbox", async () => {
    const input = message(merchant, command("confirm", "DK-7F3K2"));
    await router.handle(input);
    expect(toMerchantCommands).toEqual([input]);
    expect(toConversations).toEqual([]);
    expect(await answerTo(input)).toEqual({
      tenantId,
      to: merchant,
      replies: [{ text: `merchant handled ${input.id}` }],
    });
  });

  it("sends a merchant's review button and /orders to the merchant handler", async () => {
    const button = message(merchant, { kind: "choice", data: "m:ok:DK-7F3K2" });
    const orders = message(merchant, command("orders"));
    await router.handle(button);
    await router.handle(orders);
    expect(toMerchantCommands).toEqual([button, orders]);
  });

  it.each([
    ["a command", command("confirm", "DK-7F3K2"), "/confirm"],
    ["a review button", { kind: "choice", data: "m:ok:DK-7F3K2" } as InboundContent, "that button"],
  ])("a shopper's %s changes nothing and is refused politely", async (_what, content, name) => {
    const input = message(shopper, content);
    await router.handle(input);
    expect(toMerchantCommands).toEqual([]);
    expect(toConversations).toEqual([]);
    expect(await answerTo(input)).toEqual({
      tenantId,
      to: shopper,
      replies: [{ text: `Only the shop's staff can use ${name}. Send /help to see what you can do.` }],
    });
  });

  it("a merchant's chat id on another channel is not the merchant", async () => {
    const input = message({ channel: "whatsapp", chatId: merchant.chatId }, command("refund", "DK-7F3K2"));
    await router.handle(input);
    expect(toMerchantCommands).toEqual([]);
    expect((await answerTo(input))?.replies).toEqual([
      { text: "Only the shop's staff can use /refund. Send /help to see what you can do." },
    ]);
  });

  it("answers a merchant's /help with the merchant help", async () => {
    const input = message(merchant, command("help"));
    await router.handle(input);
    expect(await answerTo(input)).toEqual({ tenantId, to: merchant, replies: [{ text: MERCHANT_HELP }] });
    expect(toConversations).toEqual([]);
    expect(toMerchantCommands).toEqual([]);
  });
});

describe("shopper inputs", () => {
  it.each([
    ["text", { kind: "text", text: "eggs" }],
    ["/help", command("help")],
    ["/orders", command("orders")],
    ["a shop button", { kind: "choice", data: "qty:1" }],
  ] as [string, InboundContent][])(
    "a shopper's %s goes to the dialogue, with no answer from the router",
    async (_what, content) => {
      const input = message(shopper, content);
      await router.handle(input);
      expect(toConversations).toEqual([input]);
      expect(await answerTo(input)).toBeNull();
    },
  );

  it("a merchant's shopper command (/start) goes to the dialogue, not to the merchant help", async () => {
    const input = message(merchant, command("start"));
    await router.handle(input);
    expect(toConversations).toEqual([input]);
    expect(await answerTo(input)).toBeNull();
  });

  it("a merchant's plain text goes to the dialogue too", async () => {
    const input = message(merchant, { kind: "text", text: "hello" });
    await router.handle(input);
    expect(toConversations).toEqual([input]);
    expect(toMerchantCommands).toEqual([]);
  });
});

describe("failures", () => {
  it("apologizes straight through the channel when handling fails", async () => {
    failing = new Error("store down");
    const input = message(shopper, { kind: "text", text: "hi" });
    await expect(router.handle(input)).resolves.toBeUndefined();
    expect(sentDirectly).toEqual([
      {
        chatId: shopper.chatId,
        reply: { text: "Sorry, something went wrong on our side. Please try again in a minute." },
      },
    ]);
  });

  it("handles the message again while the store is briefly unavailable, without apologizing", async () => {
    failing = new StoreUnavailableError("database is locked (SQLITE_BUSY)");
    failuresLeft = 2;
    const input = message(shopper, { kind: "text", text: "hi" });
    await router.handle(input);
    expect(toConversations.map((handled) => handled.id)).toEqual([input.id]);
    expect(sentDirectly).toEqual([]);
  });

  it("apologizes once the store stays unavailable, and retries nothing else", async () => {
    failing = new StoreUnavailableError("database is locked (SQLITE_BUSY)");
    failuresLeft = 3;
    await router.handle(message(shopper, { kind: "text", text: "hi" }));
    expect(failuresLeft).toBe(0);
    expect(sentDirectly.map((sent) => sent.reply.text)).toEqual([
      "Sorry, something went wrong on our side. Please try again in a minute.",
    ]);
    failing = new Error("a bug");
    failuresLeft = 2;
    await router.handle(message(shopper, { kind: "text", text: "hi" }));
    expect(failuresLeft).toBe(1);
    expect(toConversations).toEqual([]);
  });

  it("swallows a failing apology and a channel it does not have", async () => {
    failing = new Error("store down");
    channelDown = true;
    await expect(router.handle(message(shopper, { kind: "text", text: "hi" }))).resolves.toBeUndefined();
    await expect(
      router.handle(message({ channel: "whatsapp", chatId: "5" }, { kind: "text", text: "hi" })),
    ).resolves.toBeUndefined();
    expect(sentDirectly).toEqual([]);
  });
});
