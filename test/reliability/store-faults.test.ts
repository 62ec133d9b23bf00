/**
 * R16, R17 (reliability.md §4 D) against a MongoDB-wire server: FerretDB stopped for seconds
 * during settlements, and many settle attempts of one event at once. FerretDB 1.x has no
 * transactions, so R17 exercises the guarantee Duka actually relies on: compare-and-set.
 */
import { setTimeout as delay } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { deterministicId } from "../../src/domain/ids.js";
import { createOwnFerretDb, ferretdbAvailable, type OwnFerretDb } from "./harness/ferretdb.js";
import { assertInvariants, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { sendPaced } from "./harness/load.js";
import { report, seconds, target } from "./harness/report.js";
import { SCALE, scaled } from "./harness/scale.js";
import { post, type ReliabilityShop, signedChargeSuccess, startReliabilityShop } from "./harness/shop.js";
import { waitUntil } from "./harness/wait.js";

let ferret: OwnFerretDb | undefined;
let rel: ReliabilityShop | undefined;

afterEach(async () => {
  await rel?.stop();
  await ferret?.close();
  rel = undefined;
  ferret = undefined;
});

async function shopOnOwnFerretDb(): Promise<ReliabilityShop> {
  ferret = await createOwnFerretDb();
  await ferret.start();
  rel = await startReliabilityShop({ env: { MONGODB_URI: ferret.uri("duka_rel") }, sweepEveryMs: 2_000 });
  expect(rel.shop.duka.store.kind).toBe("mongodb");
  return rel;
}

describe.skipIf(!ferretdbAvailable())("D. store faults (FerretDB)", () => {
  it("R16 store restart during settlements: nothing lost, nothing twice, no 2xx without the inbox write", async () => {
    const shop = await shopOnOwnFerretDb();
    const own = ferret!;
    const count = scaled(500, 100);
    const downFor = SCALE >= 1 ? 10_000 : 4_000;
    const orders = await shop.placeOrders(count, "card");
    for (const order of orders) await shop.paystack.pay(order.providerRef);
    const events = orders.map((order) => ({
      order,
      ...signedChargeSuccess(shop.paystack, order.providerRef),
    }));
    const runMs = (count / 50) * 1000;
    let window: [number, number] = [0, 0];
    let backAt = 0;
    const [answers] = await Promise.all([
      sendPaced(events, { rps: 50, senders: 20 }, async (event) => ({
        event,
        ...(await post(
          shop.paystackWebhookUrl,
          event.body,
          { "x-paystack-signature": event.signature },
          30_000,
        )),
      })),
      (async () => {
        const startedAt = performance.now();
        await delay(runMs * 0.3);
        const from = performance.now() - startedAt;
        await own.stop();
        await delay(downFor);
        await own.start();
        backAt = performance.now();
        window = [from, backAt - startedAt];
      })(),
    ]);
    // Events whose webhook was refused are re-sent as Paystack's emitter does (compressed
    // schedule: every 3 s, up to 2 min) until acknowledged.
    const refused = answers.filter(({ answer }) => answer.status < 200 || answer.status >= 300);
    const resendTries = await Promise.all(
      refused.map(async ({ answer }) => {
        for (let tries = 1; tries <= 40; tries++) {
          const again = await post(shop.paystackWebhookUrl, answer.event.body, {
            "x-paystack-signature": answer.event.signature,
          });
          if (again.status === 200) return tries;
          await delay(3_000);
        }
        return Number.POSITIVE_INFINITY;
      }),
    );
    expect(resendTries.every(Number.isFinite)).toBe(true);
    await waitForDrain(
      shop,
      orders.map((order) => order.chatId),
      180_000,
    );
    const settledAfterBackMs = performance.now() - backAt;
    const figures = await measureInvariants(shop, orders, new Set(orders.map((order) => order.orderId)));
    const during = answers.filter(({ sentAtMs }) => sentAtMs >= window[0] && sentAtMs <= window[1]);
    const statuses = new Map<number, number>();
    for (const { answer } of during) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    report(
      `R16 store-restart ×${count} (FerretDB down ${seconds(downFor)}): ${figures.settledOnce} settled once, ` +
        `${figures.lost} lost, ${figures.doubleSettled} duplicates, ${figures.failedSettleJobs} jobs out of attempts, ` +
        `${figures.duplicateConfirmations} confirmations sent twice, ` +
        `${target("all settled after it returned in", settledAfterBackMs / 1000, 120, "s")}; answers sent during the outage ` +
        `${[...statuses].map(([status, n]) => `${n}×${status}`).join(" ")}, ${refused.length} re-sent ` +
        `(at most ${Math.max(0, ...resendTries)} tries each)`,
    );
    // A confirmation sent while the store was away is recorded once it is back (the outbound
    // worker waits out ~16 s, longer than this outage), so none goes out twice.
    assertInvariants(figures, count, false);
    // A 2xx during the outage is only right if its inbox row exists: the drained, settled end
    // state of every order above shows each acknowledged event was recorded.
    expect(refused.every(({ answer }) => answer.status >= 500 || answer.status === 0)).toBe(true);
  });

  it("R17 concurrent settle attempts: 8 at once per event give one settlement (compare-and-set)", async () => {
    const shop = await shopOnOwnFerretDb();
    const count = scaled(100, 30);
    const attempts = 8;
    const orders = await shop.placeOrders(count, "card");
    for (const order of orders) await shop.paystack.pay(order.providerRef);
    const { config } = shop.shop;
    const connection = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
    const settle = new Queue("settle", { connection, prefix: config.queue.prefix });
    try {
      await Promise.all(
        orders.map(async (order) => {
          const event = signedChargeSuccess(shop.paystack, order.providerRef);
          // One delivery records the row (and queues one job); 7 more jobs race it, each with
          // its own id so no BullMQ dedupe helps.
          const answer = await post(shop.paystackWebhookUrl, event.body, {
            "x-paystack-signature": event.signature,
          });
          expect(answer.status).toBe(200);
          const data = shop.paystack.transactionData(order.providerRef);
          const inboxId = deterministicId("ibx", "paystack", `charge.success:${String(data.id)}`);
          await settle.addBulk(
            Array.from({ length: attempts - 1 }, (_, copy) => ({
              name: "settle",
              data: { inboxId },
              opts: { jobId: `${inboxId}-r17-${copy}` },
            })),
          );
        }),
      );
      const drainMs = await waitForDrain(
        shop,
        orders.map((order) => order.chatId),
        120_000,
      );
      await waitUntil(
        async () => (await settle.getJobCountByTypes("waiting", "active", "delayed", "prioritized")) === 0,
        { timeoutMs: 60_000 },
      );
      const completed = await settle.getCompletedCount();
      const figures = await measureInvariants(shop, orders, new Set(orders.map((order) => order.orderId)));
      report(
        `R17 concurrent-settle ×${count} (${attempts} attempts each, worker concurrency 32, no transactions): ` +
          `${figures.settledOnce} settled once, ${figures.doubleSettled} duplicates, ${completed} jobs completed, ` +
          `${figures.failedSettleJobs} failed, drained in ${seconds(drainMs)}`,
      );
      // The racing jobs carry no retries (attempts 1): each one must finish on its own, including
      // the shopper's news every attempt re-delivers to the same conversation.
      assertInvariants(figures, count);
      expect(completed).toBe(count * attempts);
    } finally {
      await settle.close();
      connection.disconnect();
    }
  });
});
