/**
 * R01, R02, R05 (reliability.md §4 A): duplicate storms, the same event raced, and a replay after
 * the queue forgot every job. The inbox in the store is the guard, never BullMQ's job id.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deterministicId } from "../../src/domain/ids.js";
import { assertInvariants, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { sendPaced } from "./harness/load.js";
import { quantile, report, seconds, target } from "./harness/report.js";
import { scaled } from "./harness/scale.js";
import {
  type PlacedOrder,
  post,
  type ReliabilityShop,
  signedChargeSuccess,
  startReliabilityShop,
} from "./harness/shop.js";
import { pool } from "./harness/wait.js";

let rel: ReliabilityShop;

beforeAll(async () => {
  rel = await startReliabilityShop();
});

afterAll(async () => {
  await rel.stop();
});

/** Orders paid at Paystack without a webhook: the tests deliver the events themselves. */
async function paidCardOrders(count: number) {
  const orders = await rel.placeOrders(count, "card");
  for (const order of orders) await rel.paystack.pay(order.providerRef);
  return orders.map((order) => ({ order, ...signedChargeSuccess(rel.paystack, order.providerRef) }));
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const paidSet = (orders: readonly PlacedOrder[]) => new Set(orders.map((order) => order.orderId));

let stormEvents: { order: PlacedOrder; body: string; signature: string }[] = [];

describe("A. idempotency", () => {
  it("R01 duplicate storm: every event settles once however often it comes", async () => {
    const count = scaled(1000, 50);
    stormEvents = await paidCardOrders(count);
    // 30% of the events come 2–4 times; all shuffled.
    const sends = shuffle(
      stormEvents.flatMap((event) =>
        Array.from({ length: Math.random() < 0.3 ? 2 + Math.floor(Math.random() * 3) : 1 }, () => event),
      ),
    );
    const answers = (
      await sendPaced(sends, { rps: 50, senders: 20 }, (event) =>
        post(rel.paystackWebhookUrl, event.body, { "x-paystack-signature": event.signature }),
      )
    ).map(({ answer }) => answer);
    const drainMs = await waitForDrain(
      rel,
      stormEvents.map((event) => event.order.chatId),
      120_000,
    );
    const figures = await measureInvariants(
      rel,
      stormEvents.map((event) => event.order),
      paidSet(stormEvents.map((event) => event.order)),
    );
    const ok = answers.filter((answer) => answer.status >= 200 && answer.status < 300).length;
    const p99 = quantile(
      answers.map((answer) => answer.ms),
      0.99,
    );
    report(
      `R01 duplicate-storm ×${count} (${sends.length} deliveries): ${figures.settledOnce} settled once, ` +
        `${figures.doubleSettled} duplicates, ${figures.lost} lost, ${figures.confirmations} confirmations, ` +
        `${ok}/${sends.length} HTTP 2xx, ${target("p99 ingest", p99, 300)}, drained in ${seconds(drainMs)}`,
    );
    assertInvariants(figures, count);
    expect(ok).toBe(sends.length);
    expect(drainMs).toBeLessThan(60_000);
  });

  it("R05 replay after retention: the cleaned queue lets nothing settle twice", async () => {
    expect(stormEvents.length).toBeGreaterThan(0);
    const { config } = rel.shop;
    const connection = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
    const settle = new Queue("settle", { connection, prefix: config.queue.prefix });
    try {
      // Every completed or failed job forgotten, as after removeOnComplete's day: job ids no longer dedupe.
      await settle.clean(0, 1_000_000, "completed");
      await settle.clean(0, 1_000_000, "failed");
      expect(await settle.getCompletedCount()).toBe(0);
      const before = await measureInvariants(
        rel,
        stormEvents.map((event) => event.order),
        paidSet(stormEvents.map((event) => event.order)),
      );
      const answers = await pool(stormEvents, 20, (event) =>
        post(rel.paystackWebhookUrl, event.body, { "x-paystack-signature": event.signature }),
      );
      // Intake queues a settle job before answering; none queued means no effect can follow.
      const queued = await settle.getJobCountByTypes("waiting", "active", "delayed", "prioritized");
      const after = await measureInvariants(
        rel,
        stormEvents.map((event) => event.order),
        paidSet(stormEvents.map((event) => event.order)),
      );
      const ok = answers.filter((answer) => answer.status === 200).length;
      report(
        `R05 replay-after-retention ×${stormEvents.length}: ${ok} HTTP 200, ${queued} jobs queued, ` +
          `${after.settledOnce - before.settledOnce + after.doubleSettled} new settlements, ` +
          `${after.confirmations - before.confirmations} new confirmations (replayed after BullMQ clean; ` +
          `the inbox rows have no TTL, so 73 h later is the same store state)`,
      );
      expect(ok).toBe(stormEvents.length);
      expect(queued).toBe(0);
      expect(after).toEqual(before);
    } finally {
      await settle.close();
      connection.disconnect();
    }
  });

  it("R02 same-event race: 50 parallel copies on the API and 50 direct jobs settle once", async () => {
    const count = scaled(100, 20);
    const events = await paidCardOrders(count);
    const half = Math.ceil(count / 2);
    const { config } = rel.shop;
    const connection = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
    const settle = new Queue("settle", { connection, prefix: config.queue.prefix });
    const statuses: number[] = [];
    try {
      await Promise.all(
        events.map(async (event, index) => {
          const copies = index < half ? 50 : 1;
          const answers = await Promise.all(
            Array.from({ length: copies }, () =>
              post(rel.paystackWebhookUrl, event.body, { "x-paystack-signature": event.signature }),
            ),
          );
          statuses.push(...answers.map((answer) => answer.status));
          if (index < half) return;
          // The other half: 50 settle jobs for the same inbox row, each with its own job id, so
          // BullMQ's dedupe cannot help; only the store's compare-and-set can.
          const inboxId = inboxIdOf(event.order);
          await settle.addBulk(
            Array.from({ length: 50 }, (_, copy) => ({
              name: "settle",
              data: { inboxId },
              opts: { jobId: `${inboxId}-race-${copy}` },
            })),
          );
        }),
      );
      const drainMs = await waitForDrain(
        rel,
        events.map((event) => event.order.chatId),
        120_000,
      );
      const figures = await measureInvariants(
        rel,
        events.map((event) => event.order),
        paidSet(events.map((event) => event.order)),
      );
      const fiveXX = statuses.filter((status) => status >= 500 || status === 0).length;
      report(
        `R02 same-event-race ×${count} (×50 each, half on the API, half as direct jobs): ` +
          `${figures.settledOnce} settled once, ${figures.doubleSettled} duplicates, ` +
          `${figures.confirmations} confirmations, ${fiveXX} HTTP 5xx, ${figures.failedSettleJobs} failed jobs, ` +
          `drained in ${seconds(drainMs)}`,
      );
      assertInvariants(figures, count);
      expect(fiveXX).toBe(0);
    } finally {
      await settle.close();
      connection.disconnect();
    }
  });
});

/** The inbox id intake gives a Paystack charge.success (see webhook-intake and paystack/webhook). */
function inboxIdOf(order: PlacedOrder): string {
  const data = rel.paystack.transactionData(order.providerRef);
  return deterministicId("ibx", "paystack", `charge.success:${String(data.id)}`);
}
