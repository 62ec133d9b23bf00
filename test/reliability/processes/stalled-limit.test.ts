/**
 * R11 stalled-limit path (reliability.md §4): web, telegram and two workers as OS processes on one
 * MongoDB-wire store, with test timings (lockDuration = stalledInterval = 5 s). At the stuck point
 * (DUKA_FAULTS=stuck-before-settle) a settle job about to compare-and-set the payment hangs its
 * process 15 s in synchronous code, so no lock is renewed. worker-1 (armed once) takes the 5
 * settle jobs and hangs; worker-2, started then, finds them stalled, runs them again and hangs in
 * turn (armed twice, 30 s: worker-1 wakes and settles meanwhile, whatever the two starts' timing);
 * worker-1 finds them stalled a second time: past maxStalledCount (BullMQ's default 1), they fail.
 *
 * Pass: settlements = 5, never 10 (each order's two runs both reach the compare-and-set; one
 * wins); jobs past the limit land in `failed` with BullMQ's "job stalled more than allowable
 * limit"; the alert fires within 30 s of the failure — Duka's alert for a failed settle job is a
 * worker's error-level "job failed" log line with queue and job id (what an operator's log
 * alerting watches; there is no merchant message for it); 0 orders stay pending beyond 2 min.
 * A row whose runs all hung and lost stays `received`: the inbox sweeper queues it again, and a
 * job failed for stalling now runs again instead of the add being ignored (src/queue/settle-enqueue.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelegramUser } from "../../../sandbox/telegram/index.js";
import { multiProcessStoreAvailable } from "../harness/ferretdb.js";
import { type DukaProcess, NEEDS_MONGODB, waitDrained } from "../harness/processes.js";
import { watchQueues } from "../harness/queue-events.js";
import { report, seconds } from "../harness/report.js";
import { waitUntil } from "../harness/wait.js";
import { clusterInvariants, confirmationsOf, orderByCard, type Rig, startRig, webhookUrl } from "./rig.js";

const ORDERS = 5;
const PENDING_LIMIT_MS = 120_000;
const ALERT_LIMIT_MS = 30_000;
const STALLED_LIMIT = "job stalled more than allowable limit";
const stuck = (times: number) => ({ DUKA_FAULTS: `stuck-before-settle:${times}` });

describe.skipIf(!multiProcessStoreAvailable())(`R11 stalled-limit path (${NEEDS_MONGODB})`, () => {
  let rig: Rig;
  let workers: DukaProcess[];
  let orders: { shopper: TelegramUser; ref: string; accessCode: string }[];

  beforeAll(async () => {
    rig = await startRig({}, {}, { multiProcess: true });
    await Promise.all([
      rig.cluster.start("worker", { name: "worker-1", env: stuck(1) }),
      rig.cluster.start("web", { name: "web", port: rig.publicPort }),
      rig.cluster.start("telegram", { name: "telegram" }),
    ]);
    rig.paystack.setWebhookUrl(undefined);
    orders = await Promise.all(
      Array.from({ length: ORDERS }, async (_, index) => {
        const shopper = rig.telegram.user({ id: 80_000 + index, firstName: `Stuck${index}` });
        const order = await orderByCard(shopper);
        await rig.paystack.pay(order.accessCode);
        return { shopper, ...order };
      }),
    );
  });

  afterAll(() => rig?.close());

  it("settles each order once, fails the jobs past the stalled limit with an alert, leaves none pending", async () => {
    const watch = await watchQueues(rig.cluster.prefix, ["settle"], ["stalled", "failed"]);
    const url = await webhookUrl(rig.publicPort, "paystack");
    const sentAt = Date.now();
    await Promise.all(orders.map((order) => rig.paystack.sendWebhook(order.accessCode, { url })));
    const [first] = rig.cluster.processes.filter((process) => process.role === "worker");
    await waitUntil(() => first!.stderr().includes("DUKA_FAULTS: stuck at"), { timeoutMs: 60_000 });
    workers = [first!, await rig.cluster.start("worker", { name: "worker-2", env: stuck(2) })];
    await Promise.all(
      orders.map(({ shopper }) => shopper.nextMessage(/confirmed/, { timeoutMs: PENDING_LIMIT_MS })),
    );
    const allPaidMs = Date.now() - sentAt;
    const failed = await waitUntil(() => watch.seen.get("settle:failed"), {
      timeoutMs: 60_000,
      describe: () => `no settle job failed; stalled: ${JSON.stringify(watch.seen.get("settle:stalled"))}`,
    });
    const alert = await Promise.any(
      workers.map((worker) =>
        worker.waitForLog(
          (line) => line.msg === "job failed" && line.queue === "settle" && line.level === 50,
          ALERT_LIMIT_MS,
        ),
      ),
    );
    const alertAfterFailureMs = Number(alert.time) - failed[0]!.at;
    await waitDrained(rig.cluster, 60_000);
    const stalled = watch.seen.get("settle:stalled") ?? [];
    const counts = await watch.counts("completed", "failed");
    await watch.close();
    for (const worker of workers)
      expect(worker.stderr()).toContain("DUKA_FAULTS: stuck at stuck-before-settle");

    const invariants = await clusterInvariants(
      rig,
      orders.map((order) => order.ref),
    );
    const confirmations = orders.reduce((sum, { shopper, ref }) => sum + confirmationsOf(shopper, ref), 0);
    report(
      `R11 stalled-limit ×${ORDERS}: ${invariants.paidOnce} settlements (never ${2 * ORDERS}), ${confirmations} confirmations; ` +
        `${stalled.length} stalled events, ${failed.length} jobs failed "${failed[0]!.failedReason}" (${counts.settle!.failed} left failed), ` +
        `alert ("job failed", error log) ${seconds(Math.max(0, alertAfterFailureMs))} after the failure; all paid ${seconds(allPaidMs)} after the webhooks`,
    );
    expect(invariants.broken).toEqual([]);
    expect(invariants.paidOnce).toBe(ORDERS);
    expect(confirmations).toBe(ORDERS);
    expect(stalled.length).toBeGreaterThan(0);
    expect(failed.every(({ failedReason }) => failedReason === STALLED_LIMIT)).toBe(true);
    expect(alertAfterFailureMs).toBeLessThanOrEqual(ALERT_LIMIT_MS);
    expect(allPaidMs).toBeLessThanOrEqual(PENDING_LIMIT_MS);
    expect(invariants.unprocessedInbox).toBe(0);
  });
});
