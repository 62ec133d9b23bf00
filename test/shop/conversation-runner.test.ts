/**
 * The conversation runner against the embedded store and real queues: concurrent turns for one
 * chat never lose an update, and a message handled twice places one order.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/catalog/index.js";
import type { Catalog } from "../../src/catalog/types.js";
import type { InboundContent, InboundMessage } from "../../src/domain/channel.js";
import { createLogger } from "../../src/log/index.js";
import { createPaymentService } from "../../src/payments/payment-service.js";
import { seedInstances } from "../../src/payments/registry/seed.js";
import { createChatOrder } from "../../src/queue/chat-order.js";
import { createOutbox } from "../../src/queue/outbox.js";
import { createQueues, type Queues } from "../../src/queue/queues.js";
import { createActionPerformer } from "../../src/shop/actions.js";
import { type ConversationRunner, createConversationRunner } from "../../src/shop/conversation-runner.js";
import { createOrderService } from "../../src/shop/orders.js";
import { createStore } from "../../src/store/index.js";
import type { Store } from "../../src/store/types.js";
import { manualRegistry } from "../helpers/payments.js";
import { clearPrefix, REDIS_URL } from "../helpers/shop.js";

const tenantId = "default";
const chat = { channel: "telegram" as const, chatId: "777", name: "Neema" };
let store: Store;
let redis: Redis;
let queues: Queues;
let prefix: string;
let catalog: Catalog;
let runner: ConversationRunner;

beforeEach(async () => {
  prefix = `t-${randomBytes(4).toString("hex")}`;
  store = await createStore({ mediaDir: `/tmp/${prefix}-media` });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  queues = createQueues({ connection: redis, prefix });
  catalog = await loadCatalog();
  const logger = createLogger({ level: "silent" });
  const { registry, secrets } = manualRegistry(store, redis, logger);
  const seeds = [
    {
      plugin: "manual",
      displayName: "Bank transfer",
      testMode: false,
      config: { instructions: catalog.paymentInstructions },
      variables: {},
    },
  ];
  await seedInstances({ tenantId, seeds, registry, instances: store.providers, secrets, logger });
  const payments = createPaymentService({ store, registry, onPending: async () => undefined, logger });
  const orders = createOrderService({ tenantId, store, catalog, payments });
  const proofs = {
    submit: async () => {
      throw new Error("no receipts in this test");
    },
    submitSms: async () => {
      throw new Error("no receipts in this test");
    },
  };
  runner = createConversationRunner({
    tenantId,
    store,
    catalog,
    payments,
    outbox: createOutbox({ store, queues, order: createChatOrder(redis, prefix) }),
    perform: createActionPerformer({ tenantId, orders, proofs }),
    logger,
  });
});

afterEach(async () => {
  await queues.close();
  redis.disconnect();
  await store.close();
  await clearPrefix(prefix);
});

let nextId = 0;
function message(content: InboundContent, id = `test-${++nextId}`): InboundMessage {
  return { id, from: chat, content, receivedAt: new Date() };
}

describe("conversation runner", () => {
  it("applies concurrent turns for one chat one after the other (version check)", async () => {
    await runner.handle(message({ kind: "command", command: "start", args: "" }));
    const before = (await store.conversations.load(tenantId, chat))!;
    await Promise.all([
      runner.handle(message({ kind: "choice", data: "p:EGGS12" })),
      runner.handle(message({ kind: "choice", data: "p:SUKUMA" })),
      runner.handle(message({ kind: "command", command: "help", args: "" })),
    ]);
    const after = (await store.conversations.load(tenantId, chat))!;
    expect(after.version).toBe(before.version + 3);
    expect(after.state.seq).toBe(before.state.seq + 3);
  });

  it("delivers the same news from 8 racing settle attempts without giving up on the version check", async () => {
    await runner.handle(message({ kind: "command", command: "start", args: "" }));
    const before = (await store.conversations.load(tenantId, chat))!;
    const news = { kind: "payment_confirmed", orderRef: "DK-RACE1", method: "card" } as const;
    // Settlement re-delivers its news on every attempt (a crash may have come between the two).
    await Promise.all(Array.from({ length: 8 }, () => runner.deliver(chat, news, "paid:ord_race")));
    const after = (await store.conversations.load(tenantId, chat))!;
    expect(after.version).toBe(before.version + 8);
  });

  it("places one order when the same message is handled twice at once", async () => {
    for (const content of [
      { kind: "command", command: "start", args: "" },
      { kind: "choice", data: "p:EGGS12" },
      { kind: "choice", data: "q:EGGS12:2" },
      { kind: "choice", data: "checkout" },
    ] as InboundContent[]) {
      await runner.handle(message(content));
    }
    const pay = message({ kind: "choice", data: "pay:manual" }, "tg-pay-once");
    await Promise.all([runner.handle(pay), runner.handle(pay)]);
    const orders = await store.orders.listByCustomer(tenantId, chat, 10);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      status: "awaiting_payment",
      total: { amount: 90_100, currency: "KES" },
    });
    const state = (await store.conversations.load(tenantId, chat))!.state;
    expect(state.step).toEqual({ name: "awaiting_proof", orderRef: orders[0]!.ref });
  });
});
