/**
 * Money payers send unasked (M-Pesa C2B) through the settle job: matched by account or by amount
 * and phone, summed per payment (short / exact / over), kept as an orphan otherwise, and attached
 * by the merchant. Against the embedded store, a scripted provider instance and recording notifier.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../../src/domain/ids.js";
import type { InboxEvent } from "../../../src/domain/inbox.js";
import { money } from "../../../src/domain/money.js";
import { newOrderReference } from "../../../src/domain/reference.js";
import { createInboxProcessor } from "../../../src/payments/inbox-processor.js";
import { createReceivedMoney, type ReceivedMoney } from "../../../src/payments/received-money.js";
import { createSettlement } from "../../../src/payments/settlement.js";
import { at } from "../../store/fixtures.js";
import { type Core, logger, openCore, recordingNotifier } from "./harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let receivedMoney: ReceivedMoney;
let processInbox: ReturnType<typeof createInboxProcessor>;
let instanceId: string;
let script: Awaited<ReturnType<Core["instance"]>>["script"];

const KES = (shillings: number) => money(shillings * 100, "KES");
const PHONE = "254712345126";

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  const settlement = createSettlement({ store: core.store, notifier: notes.notifier, logger });
  receivedMoney = createReceivedMoney({
    store: core.store,
    registry: core.registry,
    settlement,
    notifier: notes.notifier,
    logger,
  });
  processInbox = createInboxProcessor({
    store: core.store,
    registry: core.registry,
    settlement,
    receivedMoney,
    logger,
  });
  ({ instanceId, script } = await core.instance());
});
afterEach(() => core.close());

/** An order of KES 100 awaiting its pending Paybill payment at the instance. */
function purchase(overrides: { payerPhone?: string; instance?: string } = {}) {
  const ref = newOrderReference();
  const instance = overrides.instance ?? instanceId;
  return core.purchase(instance, {
    order: { ref, total: KES(100) },
    payment: {
      method: "paybill",
      providerRef: ref,
      // As the payment service records the instance that took it (Till matching lists by it).
      attempts: [{ instanceId: instance, plugin: "scripted", at: at(0), ok: true }],
      ...(overrides.payerPhone ? { payerPhone: overrides.payerPhone } : {}),
    },
  });
}

/** A confirmation as the intake records it, then the settle job on it. */
async function confirm(money: {
  transId: string;
  amount: ReturnType<typeof KES>;
  account?: string;
  msisdn?: string;
}) {
  const row: InboxEvent = {
    _id: newId("ibx"),
    tenantId: "t1",
    provider: "scripted",
    instanceId,
    eventKey: `c2b:${money.transId}`,
    event: { outcome: "succeeded", amount: money.amount, received: { paidAt: at(0), ...money } },
    status: "received",
    receivedAt: at(0),
  };
  await core.store.inbox.record(row);
  await processInbox(row._id);
  return core.store.inbox.findById(row._id);
}

const statusOf = async (orderId: string) => (await core.store.orders.findById("t1", orderId))?.status;

describe("received money", () => {
  it("settles the order its account number names, whatever the case and spacing", async () => {
    const { order, payment } = await purchase();
    const row = await confirm({
      transId: "TX1",
      amount: KES(100),
      account: ` ${order.ref.toLowerCase().replace("-", " ")} `,
    });
    expect(row).toMatchObject({ status: "processed" });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
      status: "succeeded",
      receipt: "TX1",
    });
    expect(await statusOf(order._id)).toBe("paid");
    expect(await core.store.receivedPayments.findByTransId("t1", "TX1")).toMatchObject({
      status: "matched",
      matchedBy: "account",
      paymentId: payment._id,
    });
  });

  it("tells the shopper what is missing after a short payment and settles when the rest arrives", async () => {
    const { order, payment } = await purchase();
    await confirm({ transId: "TX1", amount: KES(30), account: order.ref });
    expect(notes.told.map((told) => told.result)).toEqual([
      { kind: "payment_partial", orderRef: order.ref, method: "paybill", paid: KES(30), missing: KES(70) },
    ]);
    expect(await statusOf(order._id)).toBe("awaiting_payment");
    expect(await receivedMoney.lookup("t1").dueFor(order.ref)).toEqual({ kind: "due", due: KES(70) });

    await confirm({ transId: "TX2", amount: KES(70), account: order.ref });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
      status: "succeeded",
      receipt: "TX1 + TX2",
    });
    expect(await receivedMoney.lookup("t1").dueFor(order.ref)).toEqual({ kind: "closed" });
  });

  it("settles an over-payment and flags the difference", async () => {
    const { order, payment } = await purchase();
    await confirm({ transId: "TX1", amount: KES(130), account: order.ref });
    const stored = await core.store.payments.findById("t1", payment._id);
    expect(stored).toMatchObject({ status: "succeeded", flag: { reason: "overpaid" } });
    expect(stored?.flag?.detail).toContain("KES 30.00 too much");
    expect(notes.flagged).toHaveLength(1);
    expect(await statusOf(order._id)).toBe("paid");
  });

  it("keeps what matches nothing as an orphan and tells the merchant once", async () => {
    const { order } = await purchase();
    const row = await confirm({ transId: "TX1", amount: KES(100), account: "INVOICE 7" });
    expect(row).toMatchObject({ status: "processed", note: expect.stringContaining("orphan") });
    expect(notes.orphans.map((orphan) => orphan.transId)).toEqual(["TX1"]);
    expect(await statusOf(order._id)).toBe("awaiting_payment");
    expect((await receivedMoney.orphans("t1", 10)).map((orphan) => orphan.transId)).toEqual(["TX1"]);
    expect(await receivedMoney.lookup("t1").dueFor("INVOICE 7")).toEqual({ kind: "unknown" });
  });

  it("matches a Till payment by amount and masked phone only when exactly one open payment fits", async () => {
    const { order } = await purchase({ payerPhone: PHONE });
    await confirm({ transId: "TX1", amount: KES(99), msisdn: "2547 ***** 126" });
    expect(notes.orphans.map((orphan) => orphan.transId)).toEqual(["TX1"]);
    await confirm({ transId: "TX2", amount: KES(100), msisdn: "2547 ***** 126" });
    expect(await statusOf(order._id)).toBe("paid");

    // Two shoppers with the same visible digits and amount: nobody guesses, the merchant decides.
    await purchase({ payerPhone: PHONE });
    await purchase({ payerPhone: "254799999126" });
    await confirm({ transId: "TX3", amount: KES(100), msisdn: "2547 ***** 126" });
    expect(notes.orphans.map((orphan) => orphan.transId)).toEqual(["TX1", "TX3"]);
  });

  it("takes a confirmation of money another instance already settled under the same receipt as that money", async () => {
    const other = await core.instance();
    const { order, payment } = await purchase({ instance: other.instanceId });
    await core.store.payments.transition("t1", payment._id, "succeeded", {
      receipt: "TX1",
      settledAt: at(1),
    });
    await core.store.orders.transition("t1", order._id, "paid", { paidAt: at(1), paymentId: payment._id });
    await confirm({ transId: "TX1", amount: KES(100), account: order.ref });
    expect(notes.orphans).toEqual([]);
    expect(notes.flagged).toEqual([]);
    expect(await core.store.receivedPayments.findByTransId("t1", "TX1")).toMatchObject({
      paymentId: payment._id,
    });
  });

  it("flags money for an attempt closed because another way paid the order first: paid twice, never an orphan", async () => {
    const { order, payment } = await purchase();
    // Another attempt settled the order (a late STK success) and closed this Paybill attempt.
    await core.store.payments.transition("t1", payment._id, "cancelled");
    await core.store.orders.transition("t1", order._id, "paid", { paymentId: "pay_stk", paidAt: at(1) });

    await confirm({ transId: "TX1", amount: KES(100), account: order.ref });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
      status: "succeeded",
      flag: { reason: "already_paid" },
    });
    expect(notes.orphans).toEqual([]);
    expect(await core.store.orders.findById("t1", order._id)).toMatchObject({
      status: "paid",
      paymentId: "pay_stk",
    });
  });

  it("flags part of a total arrived for an order already paid another way, rather than asking the shopper for the rest", async () => {
    const { order, payment } = await purchase();
    await core.store.payments.transition("t1", payment._id, "cancelled");
    await core.store.orders.transition("t1", order._id, "paid", { paymentId: "pay_stk", paidAt: at(1) });

    await confirm({ transId: "TX1", amount: KES(40), account: order.ref });
    const flagged = await core.store.payments.findById("t1", payment._id);
    expect(flagged?.flag).toMatchObject({ reason: "already_paid" });
    expect(flagged?.flag?.detail).toContain("received KES 40.00 of KES 100.00");
    expect(notes.told).toEqual([]);
    expect(notes.flagged).toHaveLength(1);
  });

  it("does not match an order whose payment is at another instance", async () => {
    const other = await core.instance();
    const { order } = await purchase({ instance: other.instanceId });
    await confirm({ transId: "TX1", amount: KES(100), account: order.ref });
    expect(notes.orphans).toHaveLength(1);
    expect(await statusOf(order._id)).toBe("awaiting_payment");
  });
});

describe("verify before value", () => {
  it("waits while the provider has not answered, and never counts money it refutes", async () => {
    const { order } = await purchase();
    script.confirmReceived = { outcome: "pending" };
    await expect(confirm({ transId: "TX1", amount: KES(100), account: order.ref })).rejects.toThrow(
      /not confirmed/,
    );
    expect(await core.store.receivedPayments.findByTransId("t1", "TX1")).toBeNull();

    script.confirmReceived = { outcome: "refuted", reason: "Daraja says R000001" };
    const row = await confirm({ transId: "TX2", amount: KES(100), account: order.ref });
    expect(row).toMatchObject({ status: "ignored", note: expect.stringContaining("R000001") });
    expect(await core.store.receivedPayments.findByTransId("t1", "TX2")).toBeNull();
    expect(await statusOf(order._id)).toBe("awaiting_payment");

    script.confirmReceived = { outcome: "confirmed" };
    await confirm({ transId: "TX3", amount: KES(100), account: order.ref });
    expect(await statusOf(order._id)).toBe("paid");
  });
});

describe("attach", () => {
  it("settles the order with an orphan once, and says why it cannot otherwise", async () => {
    const { order, payment } = await purchase();
    await confirm({ transId: "TX1", amount: KES(100), account: "wrong" });
    expect(await receivedMoney.attach("t1", "NOPE", order.ref, "merchant")).toEqual({
      kind: "no_transaction",
      transId: "NOPE",
    });
    expect(await receivedMoney.attach("t1", "TX1", "DK-ZZZZZ", "merchant")).toEqual({
      kind: "no_order",
      orderRef: "DK-ZZZZZ",
    });

    const attached = await receivedMoney.attach("t1", "tx1", order.ref.toLowerCase(), "telegram:9001");
    expect(attached).toMatchObject({ kind: "attached", order: { status: "paid" } });
    expect(await core.store.receivedPayments.findByTransId("t1", "TX1")).toMatchObject({
      matchedBy: "merchant",
      attachedBy: "telegram:9001",
      paymentId: payment._id,
    });
    expect(await receivedMoney.attach("t1", "TX1", order.ref, "merchant")).toMatchObject({
      kind: "already_matched",
    });
    expect(notes.settled).toHaveLength(1);
  });

  it("refuses an order that is not waiting for a payment to that Paybill", async () => {
    const other = await core.instance();
    const { order } = await purchase({ instance: other.instanceId });
    await confirm({ transId: "TX1", amount: KES(100), account: "wrong" });
    expect(await receivedMoney.attach("t1", "TX1", order.ref, "merchant")).toMatchObject({
      kind: "not_payable",
    });
    expect(await core.store.receivedPayments.findByTransId("t1", "TX1")).toMatchObject({ status: "orphan" });
  });

  it("refuses an order that no longer waits for money, saying why, and leaves the orphan", async () => {
    const { order } = await purchase();
    await core.store.orders.transition("t1", order._id, "cancelled");
    await confirm({ transId: "TX1", amount: KES(100), account: "wrong" });
    expect(await receivedMoney.attach("t1", "TX1", order.ref, "merchant")).toMatchObject({
      kind: "not_payable",
      why: "it is cancelled",
    });
    expect(await core.store.receivedPayments.findByTransId("t1", "TX1")).toMatchObject({ status: "orphan" });
  });
});
