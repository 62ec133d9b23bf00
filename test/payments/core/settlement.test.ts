/**
 * Settlement directly: each outcome is one compare-and-set, money that is wrong is flagged and
 * never settles, and the shopper and the merchant are told exactly what happened.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InternalError } from "../../../src/domain/errors.js";
import { deterministicId } from "../../../src/domain/ids.js";
import { createSettlement, type Settlement } from "../../../src/payments/settlement.js";
import { makePayment } from "../../store/fixtures.js";
import { type Core, logger, openCore, recordingNotifier } from "./harness.js";

let core: Core;
let settlement: Settlement;
let notes: ReturnType<typeof recordingNotifier>;
let instanceId: string;

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  settlement = createSettlement({ store: core.store, notifier: notes.notifier, logger });
  ({ instanceId } = await core.instance());
});

afterEach(() => core.close());

const KES = (amount: number) => ({ amount, currency: "KES" });

async function stateOf(tenantId: string, orderId: string, paymentId: string) {
  return {
    order: await core.store.orders.findById(tenantId, orderId),
    payment: await core.store.payments.findById(tenantId, paymentId),
    audit: await core.store.audit.list(tenantId, {}, 10),
  };
}

describe("succeed", () => {
  it("settles a pending payment once: payment, order, audit, shopper and merchant", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const outcome = await settlement.succeed(payment, { amount: KES(90100), receipt: "RCP1", actor: "me" });
    expect(outcome).toBe("settled");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment).toMatchObject({ status: "succeeded", receipt: "RCP1" });
    const settledAt = after.payment?.settledAt;
    expect(settledAt).toBeInstanceOf(Date);
    expect(after.order).toMatchObject({ status: "paid", paymentId: payment._id, paidAt: settledAt });
    expect(after.audit).toEqual([
      {
        _id: deterministicId("aud", payment._id, "settled"),
        tenantId: order.tenantId,
        at: settledAt,
        actor: "me",
        action: "payment.settled",
        orderRef: payment.orderRef,
        subjectId: payment._id,
        detail: { receipt: "RCP1" },
      },
    ]);
    expect(notes.told).toEqual([
      {
        order: after.order,
        result: { kind: "payment_confirmed", orderRef: order.ref, method: "mobile_money", receipt: "RCP1" },
        key: `paid:${order._id}`,
      },
    ]);
    expect(notes.settled).toEqual([{ order: after.order, payment: after.payment }]);
    expect(notes.flagged).toEqual([]);
  });

  it("settles without an amount or a receipt (a status query may carry neither)", async () => {
    const { order, payment } = await core.purchase(instanceId);
    expect(await settlement.succeed(payment, { actor: "reconciler" })).toBe("settled");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("succeeded");
    expect(after.payment).not.toHaveProperty("receipt");
    expect(after.audit[0]).not.toHaveProperty("detail");
    expect(after.audit[0]?.actor).toBe("reconciler");
    expect(notes.told[0]?.result).toEqual({
      kind: "payment_confirmed",
      orderRef: order.ref,
      method: "mobile_money",
    });
  });

  it("a repeat finds it settled, records nothing twice, and re-sends under the same message keys", async () => {
    const { order, payment } = await core.purchase(instanceId);
    await settlement.succeed(payment, { amount: KES(90100), actor: "webhook" });
    expect(await settlement.succeed(payment, { amount: KES(90100), actor: "reconciler" })).toBe(
      "already_settled",
    );
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.audit).toHaveLength(1);
    expect(after.audit[0]?.actor).toBe("webhook");
    expect(notes.told.map((note) => note.key)).toEqual([`paid:${order._id}`, `paid:${order._id}`]);
    expect(notes.settled).toHaveLength(2);
  });

  it("settles exactly once however many attempts race", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => settlement.succeed(payment, { amount: KES(90100), actor: "race" })),
    );
    expect(outcomes.filter((outcome) => outcome === "settled")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "already_settled")).toHaveLength(5);
    expect((await stateOf(order.tenantId, order._id, payment._id)).audit).toHaveLength(1);
  });

  it("an amount mismatch flags and alerts the merchant, never settles", async () => {
    const { order, payment } = await core.purchase(instanceId);
    expect(await settlement.succeed(payment, { amount: KES(100), receipt: "R", actor: "w" })).toBe("flagged");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("pending");
    expect(after.payment?.flag).toMatchObject({
      reason: "amount_mismatch",
      detail: "paid 100 KES, expected 90100 KES",
    });
    expect(after.payment?.flag?.at).toBeInstanceOf(Date);
    expect(after.order?.status).toBe("awaiting_payment");
    expect(after.audit).toEqual([]);
    expect(notes.flagged).toEqual([{ order: after.order, payment: after.payment }]);
    expect(notes.told).toEqual([]);
    expect(notes.settled).toEqual([]);
  });

  it("a currency mismatch never settles, even with the same number", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const outcome = await settlement.succeed(payment, {
      amount: { amount: 90100, currency: "UGX" },
      actor: "w",
    });
    expect(outcome).toBe("flagged");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("pending");
    expect(after.payment?.flag?.detail).toBe("paid 90100 UGX, expected 90100 KES");
    expect(notes.settled).toEqual([]);
  });

  it("once flagged, a later success without an amount does not settle", async () => {
    const { order, payment } = await core.purchase(instanceId);
    await settlement.succeed(payment, { amount: KES(1), actor: "w" });
    expect(await settlement.succeed(payment, { actor: "reconciler" })).toBe("flagged");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("pending");
    expect(after.order?.status).toBe("awaiting_payment");
    expect(notes.flagged).toHaveLength(1);
    expect(notes.settled).toEqual([]);
  });

  it("a late success after expiry still settles and both parties are told", async () => {
    const { order, payment } = await core.purchase(instanceId, {
      order: { status: "expired" },
      payment: { status: "expired" },
    });
    expect(await settlement.succeed(payment, { amount: KES(90100), actor: "w" })).toBe("settled");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("succeeded");
    expect(after.order?.status).toBe("paid");
    expect(notes.told.map((note) => note.result.kind)).toEqual(["payment_confirmed"]);
    expect(notes.settled).toHaveLength(1);
  });

  it.each(["failed", "cancelled"] as const)(
    "a %s payment the provider confirms late settles the still open order: the money moved",
    async (status) => {
      const { order, payment } = await core.purchase(instanceId, { payment: { status } });
      expect(await settlement.succeed(payment, { amount: KES(90100), actor: "w" })).toBe("settled");
      const after = await stateOf(order.tenantId, order._id, payment._id);
      expect(after.payment?.status).toBe("succeeded");
      expect(after.order).toMatchObject({ status: "paid", paymentId: payment._id });
      expect(notes.settled).toHaveLength(1);
    },
  );

  it("closes the order's other open attempts, and tells the shopper the one they moved on to is not due", async () => {
    const { order, payment: first } = await core.purchase(instanceId, { payment: { status: "failed" } });
    const paybill = makePayment({
      tenantId: order.tenantId,
      orderId: order._id,
      orderRef: order.ref,
      method: "paybill",
      status: "pending",
      amount: order.total,
    });
    const receipt = makePayment({
      tenantId: order.tenantId,
      orderId: order._id,
      orderRef: order.ref,
      method: "manual",
      status: "awaiting_proof",
      amount: order.total,
    });
    await core.store.payments.create(paybill);
    await core.store.payments.create(receipt);
    await core.store.orders.setPayment(order.tenantId, order._id, paybill._id);

    expect(await settlement.succeed(first, { amount: KES(90100), actor: "w" })).toBe("settled");
    const attempts = await core.store.payments.listByOrder(order.tenantId, order._id);
    expect(Object.fromEntries(attempts.map((attempt) => [attempt.method, attempt.status]))).toEqual({
      mobile_money: "succeeded",
      paybill: "cancelled",
      manual: "cancelled",
    });
    expect(notes.told.map((note) => note.result)).toEqual([
      { kind: "payment_confirmed", orderRef: order.ref, method: "mobile_money", insteadOf: "paybill" },
    ]);
  });

  it("names no other way when the settled payment was the order's current one", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const older = makePayment({
      tenantId: order.tenantId,
      orderId: order._id,
      orderRef: order.ref,
      method: "manual",
      status: "awaiting_proof",
      amount: order.total,
    });
    await core.store.payments.create(older);
    await settlement.succeed(payment, { actor: "w" });
    expect((await core.store.payments.findById(order.tenantId, older._id))?.status).toBe("cancelled");
    expect(notes.told[0]?.result).not.toHaveProperty("insteadOf");
  });

  it.each(["refunded"] as const)("a %s payment is not settled", async (status) => {
    const { order, payment } = await core.purchase(instanceId, { payment: { status } });
    expect(await settlement.succeed(payment, { amount: KES(90100), actor: "w" })).toBe("not_pending");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe(status);
    expect(after.order?.status).toBe("awaiting_payment");
    expect([notes.told, notes.settled, notes.flagged, after.audit]).toEqual([[], [], [], []]);
  });

  it.each(["paid", "fulfilled"] as const)(
    "money for an order another payment %s is flagged",
    async (status) => {
      const { order, payment } = await core.purchase(instanceId, {
        order: { status, paymentId: "pay_other" },
      });
      expect(await settlement.succeed(payment, { amount: KES(90100), actor: "w" })).toBe("flagged");
      const after = await stateOf(order.tenantId, order._id, payment._id);
      // The money moved: the payment is settled, and the merchant decides on a refund.
      expect(after.payment?.status).toBe("succeeded");
      expect(after.payment?.flag).toMatchObject({
        reason: "already_paid",
        detail: "order was already paid by pay_other",
      });
      expect(after.order).toMatchObject({ status, paymentId: "pay_other" });
      expect(notes.flagged).toEqual([{ order: after.order, payment: after.payment }]);
      expect([notes.told, notes.settled, after.audit]).toEqual([[], [], []]);
    },
  );

  it("money for a cancelled order is flagged as closed", async () => {
    const { order, payment } = await core.purchase(instanceId, { order: { status: "cancelled" } });
    expect(await settlement.succeed(payment, { amount: KES(90100), actor: "w" })).toBe("flagged");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.flag).toMatchObject({ reason: "order_closed", detail: "order is cancelled" });
    expect(after.order?.status).toBe("cancelled");
    expect([notes.told, notes.settled]).toEqual([[], []]);
  });

  it("never settles a payment the store does not know", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const unknown = { ...payment, _id: "pay_unknown" };
    expect(await settlement.succeed(unknown, { amount: KES(90100), actor: "w" })).toBe("not_pending");
    expect(await settlement.fail(unknown, { cancelled: false, reason: "x" })).toBe(false);
    expect(await settlement.expire(unknown)).toBe(false);
    expect((await core.store.orders.findById(order.tenantId, order._id))?.status).toBe("awaiting_payment");
    expect([notes.told, notes.settled, notes.flagged]).toEqual([[], [], []]);
  });

  it("refuses a payment whose order does not exist", async () => {
    const { payment } = await core.purchase(instanceId);
    const orphan = { ...payment, orderId: "ord_missing" };
    await core.store.payments.create({ ...orphan, _id: "pay_orphan" });
    await expect(settlement.succeed({ ...orphan, _id: "pay_orphan" }, { actor: "w" })).rejects.toThrow(
      new InternalError("Payment pay_orphan belongs to no order"),
    );
  });
});

describe("dispute", () => {
  it("flags the payment as unconfirmed and alerts the merchant, nothing settles", async () => {
    const { order, payment } = await core.purchase(instanceId);
    await settlement.dispute(payment, "provider says failed");
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment).toMatchObject({
      status: "pending",
      flag: { reason: "unconfirmed", detail: "provider says failed" },
    });
    expect(notes.flagged).toEqual([{ order: after.order, payment: after.payment }]);
    expect(notes.told).toEqual([]);
  });

  it("still alerts about a payment the store has lost, as it was given", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const lost = { ...payment, _id: "pay_lost" };
    await settlement.dispute(lost, "gone");
    expect(notes.flagged).toEqual([{ order, payment: lost }]);
  });
});

describe("fail", () => {
  it("cancels with the reason and code, and tells the shopper once per payment", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const done = await settlement.fail(payment, { cancelled: true, reason: "You cancelled.", code: "1032" });
    expect(done).toBe(true);
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment).toMatchObject({
      status: "cancelled",
      failure: { reason: "You cancelled.", code: "1032" },
    });
    expect(after.order?.status).toBe("awaiting_payment");
    expect(notes.told).toEqual([
      {
        order,
        result: {
          kind: "payment_failed",
          orderRef: order.ref,
          reason: "You cancelled.",
          method: "mobile_money",
        },
        key: `failed:${payment._id}`,
      },
    ]);
  });

  it("offers the next way to pay when the provider says retrying will not help", async () => {
    const { payment } = await core.purchase(instanceId);
    await settlement.fail(payment, { cancelled: false, reason: "Unreachable.", retryWontHelp: true });
    expect(notes.told[0]?.result).toMatchObject({ kind: "payment_failed", offerNextWay: true });
  });

  it("offers the next way to pay when this way already failed or timed out on the order", async () => {
    const { order, payment } = await core.purchase(instanceId);
    const second = makePayment({ ...payment, _id: `${payment._id}-2`, providerRef: "ref-2" });
    await core.store.payments.create(second);
    await core.store.payments.transition(order.tenantId, payment._id, "expired");
    await core.store.orders.setPayment(order.tenantId, order._id, second._id);
    await settlement.fail(second, { cancelled: false, reason: "Timed out." });
    expect(notes.told[0]?.result).toMatchObject({ kind: "payment_failed", offerNextWay: true });
  });

  it("offers no other way after a first failure the shopper can fix", async () => {
    const { payment } = await core.purchase(instanceId);
    await settlement.fail(payment, { cancelled: false, reason: "Wrong PIN." });
    expect(notes.told[0]?.result).not.toHaveProperty("offerNextWay");
  });

  it("fails without a code when the provider gave none", async () => {
    const { order, payment } = await core.purchase(instanceId);
    expect(await settlement.fail(payment, { cancelled: false, reason: "No funds." })).toBe(true);
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("failed");
    expect(after.payment?.failure).toEqual({ reason: "No funds." });
  });

  it("a repeat of the same failure is harmless; a different one changes nothing", async () => {
    const { order, payment } = await core.purchase(instanceId);
    await settlement.fail(payment, { cancelled: false, reason: "No funds." });
    expect(await settlement.fail(payment, { cancelled: false, reason: "again" })).toBe(true);
    expect(await settlement.fail(payment, { cancelled: true, reason: "cancel" })).toBe(false);
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.failure).toEqual({ reason: "No funds." });
    expect(notes.told.map((note) => note.key)).toEqual([`failed:${payment._id}`, `failed:${payment._id}`]);
  });

  it("never fails a settled payment", async () => {
    const { order, payment } = await core.purchase(instanceId, {
      order: { status: "paid" },
      payment: { status: "succeeded" },
    });
    expect(await settlement.fail(payment, { cancelled: false, reason: "late failure" })).toBe(false);
    expect((await stateOf(order.tenantId, order._id, payment._id)).payment?.status).toBe("succeeded");
    expect(notes.told).toEqual([]);
  });

  it("says nothing about a payment that is no longer the order's current one", async () => {
    const { payment } = await core.purchase(instanceId, { order: { paymentId: "pay_newer" } });
    expect(await settlement.fail(payment, { cancelled: false, reason: "x" })).toBe(true);
    expect(notes.told).toEqual([]);
  });

  it("says nothing when the order no longer waits", async () => {
    const { payment } = await core.purchase(instanceId, { order: { status: "cancelled" } });
    expect(await settlement.fail(payment, { cancelled: true, reason: "x" })).toBe(true);
    expect(notes.told).toEqual([]);
  });
});

describe("expire", () => {
  it("expires a pending payment and tells the shopper; the order stays open", async () => {
    const { order, payment } = await core.purchase(instanceId);
    expect(await settlement.expire(payment)).toBe(true);
    const after = await stateOf(order.tenantId, order._id, payment._id);
    expect(after.payment?.status).toBe("expired");
    expect(after.order?.status).toBe("awaiting_payment");
    expect(notes.told).toEqual([
      {
        order,
        result: { kind: "payment_expired", orderRef: order.ref, method: "mobile_money" },
        key: `expired:${payment._id}`,
      },
    ]);
  });

  it("offers the next way to pay on a second timeout the same way", async () => {
    const { order, payment } = await core.purchase(instanceId, { payment: { status: "failed" } });
    const second = makePayment({
      ...payment,
      _id: `${payment._id}-2`,
      providerRef: "ref-2",
      status: "pending",
    });
    await core.store.payments.create(second);
    await core.store.orders.setPayment(order.tenantId, order._id, second._id);
    await settlement.expire(second);
    expect(notes.told[0]?.result).toMatchObject({ kind: "payment_expired", offerNextWay: true });
  });

  it("never expires a settled payment", async () => {
    const { order, payment } = await core.purchase(instanceId, {
      order: { status: "paid" },
      payment: { status: "succeeded" },
    });
    expect(await settlement.expire(payment)).toBe(false);
    expect((await stateOf(order.tenantId, order._id, payment._id)).payment?.status).toBe("succeeded");
    expect(notes.told).toEqual([]);
  });

  it("a repeat is harmless and uses the same message key", async () => {
    const { payment } = await core.purchase(instanceId);
    await settlement.expire(payment);
    expect(await settlement.expire(payment)).toBe(true);
    expect(notes.told.map((note) => note.key)).toEqual([`expired:${payment._id}`, `expired:${payment._id}`]);
  });

  it("says nothing about a payment that is not the order's current one, or an order that no longer waits", async () => {
    const { payment: replaced } = await core.purchase(instanceId, { order: { paymentId: "pay_newer" } });
    const { payment: closed } = await core.purchase(instanceId, { order: { status: "cancelled" } });
    expect(await settlement.expire(replaced)).toBe(true);
    expect(await settlement.expire(closed)).toBe(true);
    expect(notes.told).toEqual([]);
  });
});
