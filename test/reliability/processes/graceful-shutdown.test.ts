/**
 * R09 graceful shutdown under load (reliability.md §4): worker, web and telegram (long polling)
 * as OS processes on one MongoDB-wire store. JOBS card orders (200 at full scale) are paid at
 * Paystack; their webhooks all go out at once while shoppers write to the bot, and SIGTERM reaches
 * the three processes as soon as settle jobs are running and the bot holds updates. Then each is
 * started again.
 *
 * Pass: each exits 0 within 30 s; 0 `stalled` events on the settle and outbound queues (BullMQ's
 * QueueEvents); 0 connection resets or time-outs on webhooks in flight (a refused connection
 * while web is down is Paystack's retry, not a reset); after the restart 0 Telegram updates
 * handled twice (each shopper's /start answered by exactly one catalog); every settle job
 * completed, 0 failed, each order paid once with one confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelegramUser } from "../../../sandbox/telegram/index.js";
import { multiProcessStoreAvailable } from "../harness/ferretdb.js";
import { NEEDS_MONGODB, waitDrained } from "../harness/processes.js";
import { watchQueues } from "../harness/queue-events.js";
import { report } from "../harness/report.js";
import { scaled } from "../harness/scale.js";
import { pool, waitUntil } from "../harness/wait.js";
import { clusterInvariants, confirmationsOf, orderByCard, type Rig, startRig, webhookUrl } from "./rig.js";

const JOBS = scaled(200, 30);
/** Shoppers writing to the bot while it stops. */
const CHATTERS = scaled(50, 10);
/** Paystack's retry schedule, compressed (reliability.md §4.0). */
const PAYSTACK_RETRIES = [3_000, 3_000, 3_000, 3_000, 10_000, 10_000];
const QUEUES = ["settle", "outbound-telegram"];

describe.skipIf(!multiProcessStoreAvailable())(`R09 graceful shutdown under load (${NEEDS_MONGODB})`, () => {
  let rig: Rig;
  let orders: { shopper: TelegramUser; ref: string; accessCode: string }[];

  beforeAll(async () => {
    rig = await startRig({}, {}, { multiProcess: true });
    await Promise.all([
      rig.cluster.start("worker", { name: "worker" }),
      rig.cluster.start("web", { name: "web", port: rig.publicPort }),
      rig.cluster.start("telegram", { name: "telegram" }),
    ]);
    rig.paystack.setWebhookUrl(undefined);
    orders = await pool(
      Array.from({ length: JOBS }, (_, index) => index),
      20,
      async (index) => {
        const shopper = rig.telegram.user({ id: 90_000 + index, firstName: `Buyer${index}` });
        const order = await orderByCard(shopper);
        await rig.paystack.pay(order.accessCode);
        return { shopper, ...order };
      },
    );
    // Every order's payment message is out: what follows is the webhooks' and the chatters' load.
    await waitDrained(rig.cluster);
  });

  afterAll(() => rig?.close());

  it(`stops worker, web and telegram within 30 s with ${JOBS} jobs in hand, losing and repeating nothing`, async () => {
    const watch = await watchQueues(rig.cluster.prefix, QUEUES, ["stalled", "failed"]);
    const url = await webhookUrl(rig.publicPort, "paystack");
    const chatters = Array.from({ length: CHATTERS }, (_, index) =>
      rig.telegram.user({ id: 95_000 + index, firstName: `Chatter${index}` }),
    );
    const firstChatUpdate = Math.max(0, ...deliveredUpdates(rig));
    for (const chatter of chatters) chatter.sendText("/start");
    const webhooks = orders.map((order) =>
      rig.paystack.sendWebhook(order.accessCode, { url, retryDelaysMs: PAYSTACK_RETRIES }),
    );

    // SIGTERM lands once a third of the webhooks are queued and a settle job runs (the rest are
    // in flight at web), and while the bot holds the chatters' updates.
    await waitUntil(
      async () => {
        const { settle } = await watch.counts("active", "waiting", "completed");
        return settle!.active! > 0 && settle!.active! + settle!.waiting! + settle!.completed! >= JOBS / 3;
      },
      { timeoutMs: 60_000, everyMs: 20 },
    );
    await waitUntil(() => deliveredUpdates(rig).some((id) => id > firstChatUpdate), {
      timeoutMs: 30_000,
      everyMs: 20,
    });
    const termAt = Date.now();
    const running = rig.cluster.processes.filter((process) => process.isRunning());
    const queued = await watch.counts("active", "waiting");
    const exits = await Promise.all(
      running.map(async (process) => ({
        process,
        code: await process.stop(),
        seconds: (Date.now() - termAt) / 1000,
      })),
    );
    const inFlightAtTerm = rig.paystack
      .webhookDeliveries()
      .filter(
        (delivery) =>
          delivery.sentAt.getTime() < termAt && delivery.sentAt.getTime() + delivery.durationMs >= termAt,
      ).length;

    // One at a time, the worker last: FerretDB's SQLite answers SQLITE_BUSY to a start-up's index
    // build while another process is settling (see the report), and the store is not under test.
    for (const name of ["telegram", "web", "worker"]) {
      await rig.cluster.restart(exits.find(({ process }) => process.name === name)!.process);
    }
    await Promise.all(webhooks);
    await Promise.all(orders.map(({ shopper }) => shopper.nextMessage(/confirmed/, { timeoutMs: 120_000 })));
    await Promise.all(
      chatters.map((chatter) => chatter.nextMessage(/Choose a product/, { timeoutMs: 60_000 })),
    );
    await waitDrained(rig.cluster, 60_000);

    const deliveries = rig.paystack.webhookDeliveries();
    // A request cut or left unanswered; refused connections and non-2xx answers are retried.
    const resets = deliveries.filter(({ error }) => error === "Connection reset" || error === "Timed out");
    const refused = deliveries.filter(({ error }) => error === "Connection refused").length;
    const catalogs = chatters.map(
      (chatter) => chatter.messages().filter((message) => /Choose a product/.test(message.text ?? "")).length,
    );
    const reprocessed = catalogs.filter((count) => count > 1).length;
    const stalled = QUEUES.reduce((sum, name) => sum + (watch.seen.get(`${name}:stalled`)?.length ?? 0), 0);
    const counts = await watch.counts("completed", "failed");
    await watch.close();
    const invariants = await clusterInvariants(
      rig,
      orders.map((order) => order.ref),
    );
    const duplicates = orders.filter(({ shopper, ref }) => confirmationsOf(shopper, ref) !== 1);
    const slowest = Math.max(...exits.map((exit) => exit.seconds));

    report(
      `R09 graceful shutdown ×${JOBS}: exits ${exits.map((exit) => `${exit.process.name} ${exit.code} in ${exit.seconds.toFixed(1)} s`).join(", ")}; ` +
        `${queued.settle!.active} active + ${queued.settle!.waiting} waiting settle jobs at SIGTERM, ${inFlightAtTerm} webhooks in flight; ` +
        `${stalled} stalled, ${resets.length} resets (${refused} refused, retried), ${reprocessed}/${CHATTERS} updates re-processed; ` +
        `${counts.settle!.completed}/${JOBS} settle jobs completed, ${invariants.paidOnce}/${JOBS} paid once`,
    );
    for (const exit of exits) expect(exit.code, exit.process.name).toBe(0);
    expect(slowest).toBeLessThanOrEqual(30);
    expect(stalled).toBe(0);
    expect(resets.map((delivery) => `${delivery.reference}: ${delivery.error}`)).toEqual([]);
    expect(catalogs.every((count) => count === 1)).toBe(true);
    expect(counts.settle!.completed).toBe(JOBS);
    expect(counts.settle!.failed).toBe(0);
    expect(counts["outbound-telegram"]!.failed).toBe(0);
    expect(invariants.broken).toEqual([]);
    expect(invariants.unprocessedInbox).toBe(0);
    expect(duplicates.map(({ ref }) => ref)).toEqual([]);
  });
});

/** Update ids the Bot API handed to the bot's getUpdates so far. */
function deliveredUpdates(rig: Rig): number[] {
  return rig.telegram
    .calls("getUpdates")
    .flatMap((call) => (Array.isArray(call.result) ? (call.result as { update_id: number }[]) : []))
    .map((update) => update.update_id);
}
