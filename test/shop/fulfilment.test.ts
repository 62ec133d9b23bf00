/** /fulfil: only a paid order that real money paid is delivered; a test order never is. */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Order } from "../../src/domain/order.js";
import { createFulfilment } from "../../src/shop/fulfilment.js";
import { fulfilOutcomeReply } from "../../src/shop/merchant-messages.js";
import { createStore } from "../../src/store/index.js";
import type { Store } from "../../src/store/types.js";
import { makeOrder } from "../store/fixtures.js";

let store: Store;

beforeEach(async () => {
  store = await createStore({ mediaDir: `/tmp/duka-fulfil-${randomBytes(4).toString("hex")}` });
});

afterEach(async () => {
  await store.close();
});

async function stored(overrides: Partial<Order>): Promise<Order> {
  const order = makeOrder(overrides);
  await store.orders.create(order);
  return order;
}

describe("fulfilling orders", () => {
  it("moves a paid order to fulfilled once, and audits it", async () => {
    const order = await stored({ ref: "DK-PA1D1", status: "paid" });
    const fulfilment = createFulfilment({ store });
    expect(await fulfilment.fulfil("t1", order.ref, "telegram:9001")).toMatchObject({
      kind: "fulfilled",
      alreadyDone: false,
    });
    expect(await fulfilment.fulfil("t1", order.ref, "telegram:9001")).toMatchObject({
      kind: "fulfilled",
      alreadyDone: true,
    });
    expect((await store.orders.findById("t1", order._id))?.status).toBe("fulfilled");
    const audit = await store.audit.list("t1", { orderRef: order.ref, action: "order.fulfilled" }, 10);
    expect(audit).toHaveLength(1);
  });

  it.each([
    [
      "a test order",
      { status: "paid" as const, testMode: true },
      "test_order",
      /test payment — no money moved/,
    ],
    ["an unpaid order", { status: "awaiting_payment" as const }, "not_paid", /awaiting payment, not paid/],
  ])("refuses %s and changes nothing", async (_what, overrides, kind, words) => {
    const order = await stored({ ref: "DK-N0T0K", ...overrides });
    const outcome = await createFulfilment({ store }).fulfil("t1", order.ref, "telegram:9001");
    expect(outcome.kind).toBe(kind);
    expect(fulfilOutcomeReply(outcome).text).toMatch(words);
    expect((await store.orders.findById("t1", order._id))?.status).toBe(overrides.status);
  });

  it("answers an unknown reference", async () => {
    const outcome = await createFulfilment({ store }).fulfil("t1", "DK-NONE1", "telegram:9001");
    expect(fulfilOutcomeReply(outcome).text).toContain("There is no order DK-NONE1");
  });
});
