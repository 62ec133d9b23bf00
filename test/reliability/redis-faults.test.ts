/**
 * R12–R15 (reliability.md §4 C): Redis shut down, SIGKILLed and frozen while webhooks pour in, and
 * the start-up checks of its configuration. Each test runs its own redis-server; the store (the
 * inbox) holds every acknowledged event, and the inbox sweeper queues what Redis lost.
 */
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { assertInvariants, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { sendPaced } from "./harness/load.js";
import { createOwnRedis, type OwnRedis } from "./harness/redis-server.js";
import { quantile, report, seconds, target } from "./harness/report.js";
import { SCALE, scaled } from "./harness/scale.js";
import { post, type ReliabilityShop, signedChargeSuccess, startReliabilityShop } from "./harness/shop.js";

let redis: OwnRedis | undefined;
let rel: ReliabilityShop | undefined;

afterEach(async () => {
  await rel?.stop();
  await redis?.close();
  rel = undefined;
  redis = undefined;
});

/** A shop on its own Redis, sweeping stranded inbox rows every 2 s. */
async function shopOnOwnRedis(): Promise<{ rel: ReliabilityShop; redis: OwnRedis }> {
  redis = await createOwnRedis();
  await redis.start();
  rel = await startReliabilityShop({ env: { REDIS_URL: redis.url }, sweepEveryMs: 2_000 });
  return { rel, redis };
}

/**
 * Sends one signed charge.success per paid order at 50 rps while `fault` runs alongside (it gets
 * the run's start time); then waits for every order to settle and checks the invariants.
 */
async function underLoad(
  shop: ReliabilityShop,
  count: number,
  fault: (startedAt: number) => Promise<{ backAt: number; windowMs: [number, number] }>,
) {
  const orders = await shop.placeOrders(count, "card");
  for (const order of orders) await shop.paystack.pay(order.providerRef);
  const events = orders.map((order) => ({ order, ...signedChargeSuccess(shop.paystack, order.providerRef) }));
  const startedAt = performance.now();
  const [answers, faultTimes] = await Promise.all([
    sendPaced(events, { rps: 50, senders: 20 }, (event) =>
      post(shop.paystackWebhookUrl, event.body, { "x-paystack-signature": event.signature }),
    ),
    fault(startedAt),
  ]);
  const drainMs = await waitForDrain(
    shop,
    orders.map((order) => order.chatId),
    180_000,
  );
  const settledAfterBackMs = performance.now() - faultTimes.backAt;
  const figures = await measureInvariants(shop, orders, new Set(orders.map((order) => order.orderId)));
  const [from, to] = faultTimes.windowMs;
  const during = answers.filter(({ sentAtMs }) => sentAtMs >= from && sentAtMs <= to);
  return { orders, answers, during, drainMs, settledAfterBackMs, figures };
}

/** The run lasts count/50 s; faults fit in it at any scale (the full run: §4's 10 s and 20 s). */
const runMs = (count: number) => (count / 50) * 1000;

describe("C. Redis faults", () => {
  it("R12 Redis clean restart during load: everything settles once Redis is back", async () => {
    const { rel: shop, redis: own } = await shopOnOwnRedis();
    const count = scaled(1000, 200);
    const downAt = Math.min(10_000, runMs(count) * 0.3);
    const downFor = Math.min(10_000, runMs(count) * 0.3);
    const run = await underLoad(shop, count, async (startedAt) => {
      await delay(downAt);
      await own.shutdown();
      const from = performance.now() - startedAt;
      await delay(downFor);
      await own.start();
      return { backAt: performance.now(), windowMs: [from, performance.now() - startedAt] };
    });
    const statuses = new Map<number, number>();
    for (const { answer } of run.during) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    const unexpected = run.answers.filter(
      ({ answer }) => !(answer.status >= 200 && answer.status < 300) && answer.status !== 503,
    ).length;
    const hung = run.answers.filter(({ answer }) => answer.ms > 5_000).length;
    report(
      `R12 redis-restart ×${count} (down ${seconds(downFor)} at ${seconds(downAt)}): ` +
        `${run.figures.settledOnce} settled once, ${run.figures.lost} lost, ${run.figures.doubleSettled} duplicates, ` +
        `all settled ${seconds(run.settledAfterBackMs)} after Redis returned, during the outage ` +
        `${[...statuses].map(([status, n]) => `${n}×${status}`).join(" ") || "no requests"}, ` +
        `${hung} requests > 5 s, 0 restarts`,
    );
    assertInvariants(run.figures, count);
    expect(unexpected).toBe(0);
    expect(hung).toBe(0);
    expect(run.settledAfterBackMs).toBeLessThan(120_000);
  });

  it("R13 Redis kill -9 ×5 under load: the sweeper re-queues what was lost", async () => {
    const { rel: shop, redis: own } = await shopOnOwnRedis();
    const count = scaled(1000, 200);
    const kills = 5;
    const run = await underLoad(shop, count, async (startedAt) => {
      const every = runMs(count) / (kills + 1);
      for (let kill = 1; kill <= kills; kill++) {
        // Random points, one in each slice of the run.
        await delay(
          Math.max(0, every * kill + (Math.random() - 0.5) * every * 0.5 - (performance.now() - startedAt)),
        );
        await own.kill9();
        await own.start();
      }
      return { backAt: performance.now(), windowMs: [0, performance.now() - startedAt] };
    });
    const notOk = run.answers.filter(({ answer }) => answer.status !== 200).length;
    report(
      `R13 redis-kill-9 ×${kills} in ${count} events: ${run.figures.settledOnce} settled once, ` +
        `${run.figures.lost} lost, ${run.figures.doubleSettled} duplicates, ${notOk} non-200 answers, ` +
        `drained ${seconds(run.settledAfterBackMs)} after the last restart`,
    );
    assertInvariants(run.figures, count);
  });

  it("R14 Redis frozen (SIGSTOP): webhooks fail fast, every job is done after SIGCONT", async () => {
    const { rel: shop, redis: own } = await shopOnOwnRedis();
    const count = scaled(1000, 300);
    // Longer than the 5 s target even in CI: a producer that waits on the frozen Redis shows.
    const frozenFor = SCALE >= 1 ? 15_000 : 8_000;
    const run = await underLoad(shop, count, async (startedAt) => {
      await delay(Math.min(2_000, runMs(count) * 0.2));
      own.freeze();
      const from = performance.now() - startedAt;
      await delay(frozenFor);
      own.thaw();
      return { backAt: performance.now(), windowMs: [from, performance.now() - startedAt] };
    });
    const p99 = quantile(
      run.during.map(({ answer }) => answer.ms),
      0.99,
    );
    const statuses = new Map<number, number>();
    for (const { answer } of run.during) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    report(
      `R14 redis-frozen ${seconds(frozenFor)} under ${count} events: ${run.figures.settledOnce} settled once, ` +
        `${run.figures.lost} lost, ${run.figures.doubleSettled} duplicates, all done ` +
        `${seconds(run.settledAfterBackMs)} after SIGCONT, ${target("API p99 during the freeze", p99, 5_000)} ` +
        `(${[...statuses].map(([status, n]) => `${n}×${status}`).join(" ")})`,
    );
    assertInvariants(run.figures, count);
    expect(p99).toBeLessThan(5_000);
    expect(run.settledAfterBackMs).toBeLessThan(60_000);
  });

  it("R15 start-up config guard: eviction policy and persistence detected; Redis down at start waits", async () => {
    const detected: string[] = [];
    for (const [setting, options, needle] of [
      ["maxmemory-policy allkeys-lru", { maxmemoryPolicy: "allkeys-lru" }, "maxmemory-policy"],
      ["appendonly no", { appendonly: false }, "appendonly"],
    ] as const) {
      redis = await createOwnRedis(options);
      await redis.start();
      rel = await startReliabilityShop({ env: { REDIS_URL: redis.url } });
      const warned = rel.logs
        .entries()
        .some((entry) => entry.level === 40 && String(entry.msg).includes(needle));
      if (warned) detected.push(setting);
      await rel.stop();
      await redis.close();
      rel = undefined;
      redis = undefined;
    }

    // Redis down at start: start() waits instead of failing, and serves once Redis is up.
    const downFor = SCALE >= 1 ? 30_000 : 5_000;
    redis = await createOwnRedis();
    const own = redis;
    let exits = 0;
    const onExit = () => exits++;
    process.on("exit", onExit);
    const starting = startReliabilityShop({ env: { REDIS_URL: own.url } });
    const startedEarly = await Promise.race([starting.then(() => true), delay(downFor).then(() => false)]);
    await own.start();
    rel = await starting;
    const [order] = await rel.placeOrders(1, "card");
    await rel.paystack.pay(order!.providerRef);
    const event = signedChargeSuccess(rel.paystack, order!.providerRef);
    const answer = await post(rel.paystackWebhookUrl, event.body, {
      "x-paystack-signature": event.signature,
    });
    await waitForDrain(rel, [order!.chatId], 30_000);
    process.off("exit", onExit);
    report(
      `R15 startup-config-guard: ${detected.length}/2 detected (${detected.join(", ")}); Redis down ` +
        `${seconds(downFor)} at start: ${startedEarly ? "started without Redis" : "waited"}, ${exits} exits, ` +
        `served once up (webhook ${answer.status}, order settled)`,
    );
    expect(detected).toHaveLength(2);
    expect(startedEarly).toBe(false);
    expect(answer.status).toBe(200);
  });
});
