/** POST /orders/:ref/paid: the admin's `/paid REF`, with the refund route's conventions. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Order } from "../../../src/domain/order.js";
import type { Payment } from "../../../src/domain/payment.js";
import { newOrderReference } from "../../../src/domain/reference.js";
import { makeOrder, makePayment } from "../../store/fixtures.js";
import { type Harness, startHarness, TENANT } from "./harness.js";

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

/** A stored order and its payment: cash on delivery awaiting delivery unless told otherwise. */
async function stored(payment: Partial<Payment> = {}, order: Partial<Order> = {}) {
  // A reference the route accepts (the fixture's may hold letters references never use).
  const placed = makeOrder({
    tenantId: TENANT,
    ref: newOrderReference(),
    status: "awaiting_delivery",
    ...order,
  });
  const paying = makePayment({
    tenantId: TENANT,
    orderId: placed._id,
    orderRef: placed.ref,
    method: "cash_on_delivery",
    provider: "cash-on-delivery",
    status: "awaiting_delivery",
    ...payment,
  });
  await h.store.orders.create({ ...placed, paymentId: paying._id });
  await h.store.payments.create(paying);
  return { order: placed, payment: paying };
}

const statusOf = async (order: Order) => (await h.store.orders.findById(TENANT, order._id))?.status;

describe("admin API: POST /orders/:ref/paid", () => {
  it("marks a cash on delivery order paid once, the shopper told once", async () => {
    const { order } = await stored();
    const first = await h.call("POST", `/orders/${order.ref}/paid`);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      paid: true,
      orderRef: order.ref,
      status: "paid",
      alreadyDone: false,
    });
    expect(await statusOf(order)).toBe("paid");
    const again = await h.call("POST", `/orders/${order.ref}/paid`);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ paid: true, alreadyDone: true });
    // A repeat finishes what a crash may have left, under the same outbox key: one message.
    expect(new Set(h.told.map(({ key }) => key)).size).toBe(1);
    expect(h.told[0]?.result).toEqual({
      kind: "payment_confirmed",
      orderRef: order.ref,
      method: "cash_on_delivery",
    });
    const audit = await h.store.audit.list(TENANT, {}, 10);
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([["payment.settled", "admin"]]);
  });

  it("refuses an order paid another way with 409, changing nothing", async () => {
    const { order } = await stored(
      { method: "mobile_money", provider: "mpesa", status: "pending" },
      { status: "awaiting_payment" },
    );
    const response = await h.call("POST", `/orders/${order.ref}/paid`);
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { code: "not_cash_on_delivery", message: `Order ${order.ref} is not paid on delivery` },
    });
    expect(await statusOf(order)).toBe("awaiting_payment");
    expect(h.told).toEqual([]);
  });

  it("refuses a cancelled cash on delivery order with 409", async () => {
    const { order } = await stored({ status: "cancelled" }, { status: "cancelled" });
    const response = await h.call("POST", `/orders/${order.ref}/paid`);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "not_awaiting_delivery" } });
    expect(await statusOf(order)).toBe("cancelled");
  });

  it("answers 404 for an unknown order or a bad reference, 422 for a body, 401 without the token", async () => {
    expect((await h.call("POST", "/orders/DK-ZZZZZ/paid")).status).toBe(404);
    expect((await h.call("POST", "/orders/nonsense/paid")).status).toBe(404);
    const { order } = await stored();
    expect((await h.call("POST", `/orders/${order.ref}/paid`, { body: { paid: true } })).status).toBe(422);
    expect((await h.call("POST", `/orders/${order.ref}/paid`, { authorization: null })).status).toBe(401);
    expect(await statusOf(order)).toBe("awaiting_delivery");
  });
});
