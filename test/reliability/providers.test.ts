/**
 * R18–R22 (reliability.md §4 E): what providers really do — lost, repeated and late Daraja
 * callbacks, every STK result code, payments that do not match their order, and Telegram's flood
 * control on the way out. Real emulators only (sandbox/daraja, sandbox/paystack, sandbox/telegram).
 *
 * Vocabulary, doc → Duka:
 * - a "reconciler cycle" is one of a payment's scheduled checks (Duka's reconciler checks each
 *   pending payment after each of its delays, not on a global interval); the test uses 3 s ones;
 * - `amount_mismatch` is the payment's flag `amount_mismatch` (it also covers a wrong currency);
 * - `foreign_reference` has no Duka flag: Duka finds a payment by (provider instance, reference),
 *   so a reference it never issued matches no order of this shop. The event is acknowledged, its
 *   inbox row finished `ignored` and a warning logged; no order changes, nobody is told;
 * - R19's "5 min later on a fake clock": nothing in Duka's duplicate guard depends on time (inbox
 *   rows have no TTL, see R05), so the late copies are held by the emulator and released after
 *   the reconciler settled, whatever the clock says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY } from "../../sandbox/paystack/index.js";
import { confirmationsByChat, failedJobs, measureInvariants, waitForDrain } from "./harness/invariants.js";
import { maxInWindow, sendsOverPace } from "./harness/rates.js";
import { scheduleReconciliation } from "./harness/reconcile.js";
import { report, seconds } from "./harness/report.js";
import { scaled } from "./harness/scale.js";
import {
  type PlacedOrder,
  post,
  type ReliabilityShop,
  signedChargeSuccess,
  startReliabilityShop,
} from "./harness/shop.js";
import { pool, waitUntil } from "./harness/wait.js";

const CYCLE_MS = 3_000;
/** Five checks a cycle apart; the last would expire a payment still pending. */
const RECONCILE_DELAYS_MS = [1, 2, 3, 4, 5].map((n) => n * CYCLE_MS);
const QUERY_PATH = "/mpesa/stkpushquery/v1/query";

let rel: ReliabilityShop;

beforeAll(async () => {
  rel = await startReliabilityShop({ reconcileDelaysMs: RECONCILE_DELAYS_MS });
});

afterAll(async () => {
  await rel.stop();
});

const tenant = () => rel.shop.duka.config.tenantId;
const paidSet = (orders: readonly PlacedOrder[]) => new Set(orders.map((order) => order.orderId));

/** Texts the bot delivered to `chatId`, oldest first. */
function delivered(chatId: number): string[] {
  return rel.shop.emulator
    .calls("sendMessage")
    .filter((call) => call.ok && Number(call.params.chat_id) === chatId)
    .map((call) => String(call.params.text ?? ""));
}

async function settlementsByRef(): Promise<Map<string, { count: number; actors: string[] }>> {
  const entries = await rel.shop.duka.store.audit.list(tenant(), { action: "payment.settled" }, 1_000_000);
  const byRef = new Map<string, { count: number; actors: string[] }>();
  for (const entry of entries) {
    const seen = byRef.get(entry.orderRef ?? "") ?? { count: 0, actors: [] };
    byRef.set(entry.orderRef ?? "", { count: seen.count + 1, actors: [...seen.actors, entry.actor] });
  }
  return byRef;
}

const inboxDrained = async () =>
  (await rel.shop.duka.store.inbox.listReceived(new Date(Date.now() + 1000), 1)).length === 0;

describe("E. provider behaviour", () => {
  it("R18 lost callbacks: the reconciler settles every dropped one within 3 checks", async () => {
    const count = scaled(100, 20);
    const orders = await rel.placeOrders(count, "mobile_money");
    const dropped = new Set(orders.filter((_, index) => index % 5 === 0).map((order) => order.providerRef));
    // Query answers "being processed" twice per checkout, even once the shopper has paid.
    for (const order of orders) rel.daraja.queryPendingFor(order.providerRef, 2);
    await scheduleReconciliation(rel, orders, RECONCILE_DELAYS_MS);
    const started = performance.now();
    for (const order of orders) {
      rel.daraja.complete(order.providerRef, {
        resultCode: 0,
        ...(dropped.has(order.providerRef) ? { delivery: "drop" as const } : {}),
      });
    }
    const drainMs = await waitForDrain(
      rel,
      orders.map((order) => order.chatId),
      RECONCILE_DELAYS_MS.at(-1)! + 60_000,
    );
    const figures = await measureInvariants(rel, orders, paidSet(orders));

    // Only the reconciler asks about a dropped checkout, and it stops asking once it is settled:
    // its Query count is the number of checks it took.
    const queries = rel.daraja.calls(QUERY_PATH);
    const checks = [...dropped].map(
      (id) => queries.filter((call) => (call.body as { CheckoutRequestID?: string }).CheckoutRequestID === id).length,
    );
    const settlements = await settlementsByRef();
    const byReconciler = orders.filter(
      (order) => dropped.has(order.providerRef) && settlements.get(order.ref)?.actors[0] === "reconciler",
    ).length;
    const payments = await Promise.all(
      orders.map((order) => rel.shop.duka.store.payments.findById(tenant(), order.paymentId)),
    );
    const markedFailed = payments.filter((payment) => payment?.failure !== undefined).length;
    // The confirmation is the only thing these chats may hear.
    const toldFailed = orders.filter((order) =>
      delivered(order.chatId).some((text) => !/confirmed/i.test(text)),
    ).length;
    const beingProcessed = queries.filter((call) => call.status === 500).length;
    report(
      `R18 lost-callbacks ×${count}: ${byReconciler}/${dropped.size} dropped settled by the reconciler in ≤ ` +
        `${Math.max(...checks)} checks (${CYCLE_MS / 1000} s apart), ${beingProcessed} "being processed" answers, ` +
        `${markedFailed} marked failed, ${figures.settledOnce}/${count} paid once, ${figures.duplicateConfirmations} ` +
        `duplicate confirmations, all paid in ${seconds(drainMs)}`,
    );
    expect(byReconciler).toBe(dropped.size);
    expect(Math.max(...checks)).toBeLessThanOrEqual(3);
    // Two "being processed" answers per checkout were given and none of them failed a payment.
    expect(beingProcessed).toBe(2 * count);
    expect(markedFailed).toBe(0);
    expect(toldFailed).toBe(0);
    expect(figures.doubleSettled).toBe(0);
    expect(figures.lost).toBe(0);
    expect(figures.settledOnce).toBe(count);
    expect(figures.duplicateConfirmations).toBe(0);
    expect(figures.failedSettleJobs).toBe(0);
  });
});
