/**
 * Cash on delivery collected: only the merchant's word settles it, through the normal settlement
 * (payment, order, audit, shopper, merchants), once; anything that is not a cash on delivery
 * order awaiting delivery changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deterministicId } from "../../../src/domain/ids.js";
import { createDeliveries, type Deliveries } from "../../../src/payments/cash-on-delivery/index.js";
import { createSettlement } from "../../../src/payments/settlement.js";
import { type Core, logger, openCore, recordingNotifier } from "./harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let deliveries: Deliveries;
let instanceId: string;

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  deliveries = createDeliveries({
    store: core.store,
    settlement: createSettlement({ store: core.store, notifier: notes.notifier, logger }),
    tellShopper: notes.notifier.tellShopper,
  });
  ({ instanceId } = await core.instance());
});

afterEach(() => core.close());

const deliveryOrder = () =>
  core.purchase(instanceId, {
    order: { status: "awaiting_delivery" },
    payment: { method: "cash_on_delivery", provider: "cash-on-delivery", status: "awaiting_delivery" },
  });

describe("markPaid", () => {
  it("settles a cash on delivery order once, audited with the merchant, shopper and merchants told", async () => {
    const { order, payment } = await deliveryOrder();
    const outcome = await deliveries.markPaid("t1", order.ref, "telegram:900");
    const paid = await core.store.orders.findById("t1", order._id);
    expect(outcome).toEqual({ kind: "paid", order: paid, alreadyDone: false });
    expect(paid).toMatchObject({ status: "paid", paymentId: payment._id, paidAt: expect.any(Date) });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({ status: "succeeded" });
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([
      expect.objectContaining({
        _id: deterministicId("aud", payment._id, "settled"),
        actor: "telegram:900",
        action: "payment.settled",
        orderRef: order.ref,
      }),
    ]);
    expect(notes.told.map(({ result }) => result)).toEqual([
      { kind: "payment_confirmed", orderRef: order.ref, method: "cash_on_delivery" },
    ]);
    expect(notes.settled).toHaveLength(1);

    // A second /paid (a double tap, another merchant) changes nothing and says so.
    const again = await deliveries.markPaid("t1", order.ref, "telegram:901");
    expect(again).toMatchObject({ kind: "paid", alreadyDone: true });
    expect(await core.store.audit.list("t1", {}, 5)).toHaveLength(1);
  });

  it("refuses an order paid by another method, leaving it as it was", async () => {
    const { order, payment } = await core.purchase(instanceId);
    expect(await deliveries.markPaid("t1", order.ref, "telegram:900")).toEqual({
      kind: "not_cash_on_delivery",
      order,
    });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({ status: "pending" });
    expect(notes.told).toEqual([]);
  });

  it("refuses a cancelled cash on delivery order", async () => {
    const { order, payment } = await core.purchase(instanceId, {
      order: { status: "cancelled" },
      payment: { method: "cash_on_delivery", provider: "cash-on-delivery", status: "cancelled" },
    });
    expect(await deliveries.markPaid("t1", order.ref, "telegram:900")).toEqual({
      kind: "not_awaiting_delivery",
      order,
    });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({ status: "cancelled" });
    expect(notes.settled).toEqual([]);
  });

  it("says when there is no such order", async () => {
    expect(await deliveries.markPaid("t1", "DK-ZZZZZ", "telegram:900")).toEqual({
      kind: "not_found",
      ref: "DK-ZZZZZ",
    });
  });
});

describe("cancel", () => {
  it("cancels a cash on delivery order once, audited with the merchant, the shopper told", async () => {
    const { order, payment } = await deliveryOrder();
    const outcome = await deliveries.cancel("t1", order.ref, "telegram:900");
    const cancelled = await core.store.orders.findById("t1", order._id);
    expect(outcome).toEqual({ kind: "cancelled", order: cancelled, alreadyDone: false });
    expect(cancelled).toMatchObject({ status: "cancelled", cancelledAt: expect.any(Date) });
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({ status: "cancelled" });
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([
      expect.objectContaining({ action: "order.cancelled", actor: "telegram:900", subjectId: order._id }),
    ]);
    expect(notes.told).toEqual([
      {
        order: cancelled,
        result: { kind: "order_cancelled", orderRef: order.ref },
        key: `cancelled:${order._id}`,
      },
    ]);

    expect(await deliveries.cancel("t1", order.ref, "telegram:900")).toMatchObject({
      kind: "cancelled",
      alreadyDone: true,
    });
    expect(notes.told).toHaveLength(1);
    // Cancelled is final: the cash can no longer be marked collected.
    expect(await deliveries.markPaid("t1", order.ref, "telegram:900")).toMatchObject({
      kind: "not_awaiting_delivery",
    });
  });

  it("never cancels one already marked paid, nor an order paid another way", async () => {
    const { order } = await deliveryOrder();
    await deliveries.markPaid("t1", order.ref, "telegram:900");
    expect(await deliveries.cancel("t1", order.ref, "telegram:900")).toMatchObject({
      kind: "not_awaiting_delivery",
      order: { status: "paid" },
    });
    const other = await core.purchase(instanceId);
    expect(await deliveries.cancel("t1", other.order.ref, "telegram:900")).toEqual({
      kind: "not_cash_on_delivery",
      order: other.order,
    });
    expect((await core.store.orders.findById("t1", other.order._id))?.status).toBe("awaiting_payment");
  });
});
