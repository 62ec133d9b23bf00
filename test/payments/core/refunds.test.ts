/**
 * Refunds directly: money goes back through the provider that took it, once; a refusal or an
 * order that is not paid moves nothing; the shopper is told once. The claim taken before the
 * provider call keeps two refunds from both reaching it, survives an answer that never came,
 * and is settled by the refund reconciler from the provider's own record.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { deterministicId } from "../../../src/domain/ids.js";
import { ProviderError } from "../../../src/payments/plugin.js";
import { createRefunds, type Refunds } from "../../../src/payments/refunds.js";
import {
  type Core,
  FORGETFUL,
  logger,
  openCore,
  type ProviderScript,
  QUIET,
  recordingNotifier,
} from "./harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let refunds: Refunds;
let instanceId: string;
let script: ProviderScript;

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  refunds = createRefunds({
    store: core.store,
    registry: core.registry,
    tellShopper: notes.notifier.tellShopper,
    logger,
  });
  ({ instanceId, script } = await core.instance());
  script.refund = async (payment) => ({ providerRef: `rf_${payment._id}` });
});

afterEach(() => core.close());

/** An order paid through `instance`, with its settled payment. */
function paidOrder(instance = instanceId, status: "paid" | "fulfilled" = "paid") {
  return core.purchase(instance, { order: { status }, payment: { status: "succeeded" } });
}

describe("refund", () => {
  it.each(["paid", "fulfilled"] as const)(
    "refunds a %s order once through the provider, records it and tells the shopper",
    async (status) => {
      const { order, payment } = await paidOrder(instanceId, status);
      const outcome = await refunds.refund("t1", order.ref, "telegram:900");
      // The provider is called with the payment as claimed for this refund (compare-and-set first).
      expect(script.refundCalls).toEqual([
        {
          payment: expect.objectContaining({ _id: payment._id, refundClaim: expect.anything() }),
          amount: payment.amount,
        },
      ]);
      const refunded = await core.store.payments.findById("t1", payment._id);
      const closed = await core.store.orders.findById("t1", order._id);
      expect(refunded).toMatchObject({
        status: "refunded",
        refund: { providerRef: `rf_${payment._id}`, actor: "telegram:900" },
      });
      expect(closed?.status).toBe("refunded");
      expect(outcome).toEqual({ kind: "refunded", order: closed, payment: refunded });
      const at = refunded?.refund?.at;
      expect(at).toBeInstanceOf(Date);
      expect(await core.store.audit.list("t1", {}, 5)).toEqual([
        {
          _id: deterministicId("aud", payment._id, "refunded"),
          tenantId: "t1",
          at,
          actor: "telegram:900",
          action: "payment.refunded",
          orderRef: order.ref,
          subjectId: payment._id,
          detail: { providerRef: `rf_${payment._id}`, amount: payment.amount },
        },
      ]);
      expect(notes.told).toEqual([
        {
          order: closed,
          result: { kind: "payment_refunded", orderRef: order.ref, amount: payment.amount },
          key: `refunded:${payment._id}`,
        },
      ]);
    },
  );

  it("a second refund is refused as already done and never reaches the provider", async () => {
    const { order } = await paidOrder();
    await refunds.refund("t1", order.ref, "a");
    const again = await refunds.refund("t1", order.ref, "b");
    expect(again).toMatchObject({
      kind: "not_refundable",
      why: "already_refunded",
      order: { status: "refunded" },
    });
    expect(script.refundCalls).toHaveLength(1);
    expect(notes.told).toHaveLength(1);
  });

  it("answers not found for an unknown reference", async () => {
    expect(await refunds.refund("t1", "DK-NONE3", "a")).toEqual({ kind: "not_found", ref: "DK-NONE3" });
  });

  it.each([
    ["an order awaiting payment", { order: {}, payment: {} }],
    [
      "a paid order whose payment did not succeed",
      { order: { status: "paid" }, payment: { status: "failed" } },
    ],
    ["a cancelled order", { order: { status: "cancelled" }, payment: { status: "succeeded" } }],
    [
      "an order without a payment",
      { order: { status: "paid", paymentId: "" }, payment: { status: "succeeded" } },
    ],
  ] as const)("does not refund %s", async (_what, overrides) => {
    const { order, payment } = await core.purchase(instanceId, overrides);
    expect(await refunds.refund("t1", order.ref, "a")).toEqual({
      kind: "not_refundable",
      order,
      why: "not_paid",
    });
    expect(script.refundCalls).toEqual([]);
    expect((await core.store.payments.findById("t1", payment._id))?.status).toBe(payment.status);
  });

  it("says not supported where the provider cannot refund, or is gone", async () => {
    const { instanceId: quiet } = await core.instance(QUIET);
    const cases = [
      await paidOrder(quiet),
      await paidOrder("pi_removed"),
      await core.purchase(instanceId, {
        order: { status: "paid" },
        payment: { status: "succeeded", instanceId: undefined },
      }),
    ];
    for (const { order } of cases) {
      expect(await refunds.refund("t1", order.ref, "a")).toEqual({
        kind: "not_refundable",
        order,
        why: "not_supported",
      });
      expect((await core.store.orders.findById("t1", order._id))?.status).toBe("paid");
    }
    expect(script.refundCalls).toEqual([]);
  });

  it("a provider's refusal moves nothing and is reported with its message", async () => {
    const { order } = await paidOrder();
    script.refund = async () => {
      throw new ProviderError("invalid_request", "Transaction already reversed", {
        retryable: false,
        shopperMessage: "",
      });
    };
    const outcome = await refunds.refund("t1", order.ref, "a");
    expect(outcome).toEqual({ kind: "provider_refused", order, message: "Transaction already reversed" });
    expect((await core.store.orders.findById("t1", order._id))?.status).toBe("paid");
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([]);
    expect(notes.told).toEqual([]);
  });

  it("any other failure of the provider call is passed on, and the shopper is told nothing", async () => {
    const { order } = await paidOrder();
    const bug = new TypeError("plugin bug");
    script.refund = () => Promise.reject(bug);
    await expect(refunds.refund("t1", order.ref, "a")).rejects.toBe(bug);
    expect((await core.store.orders.findById("t1", order._id))?.status).toBe("paid");
    expect(notes.told).toEqual([]);
  });
});

/** A provider call whose answer never came: the refund may or may not have been made. */
const unanswered = () => new ProviderError("timeout", "timed out", { retryable: true, shopperMessage: "" });

describe("refund claim", () => {
  it("two refunds at once reach the provider once; the other is told one is in progress", async () => {
    const { order, payment } = await paidOrder();
    let answer!: () => void;
    script.refund = (claimed) =>
      new Promise((resolve) => {
        answer = () => resolve({ providerRef: `rf_${claimed._id}` });
      });
    const first = refunds.refund("t1", order.ref, "telegram:900");
    await vi.waitFor(() => expect(script.refundCalls).toHaveLength(1));
    const claimed = await core.store.payments.findById("t1", payment._id);
    expect(claimed?.refundClaim).toEqual({ at: expect.any(Date), actor: "telegram:900" });
    expect(await refunds.refund("t1", order.ref, "telegram:901")).toEqual({
      kind: "not_refundable",
      order,
      why: "in_progress",
    });
    answer();
    expect(await first).toMatchObject({ kind: "refunded" });
    expect(script.refundCalls).toHaveLength(1);
    expect(notes.told).toHaveLength(1);
  });

  it("keeps the claim when the provider's answer is unknown, so a retry cannot refund twice", async () => {
    const { order, payment } = await paidOrder();
    script.refund = () => Promise.reject(unanswered());
    expect(await refunds.refund("t1", order.ref, "a")).toEqual({ kind: "unconfirmed", order });
    expect((await core.store.payments.findById("t1", payment._id))?.refundClaim).toMatchObject({
      actor: "a",
    });
    expect(await refunds.refund("t1", order.ref, "b")).toMatchObject({ why: "in_progress" });
    expect(script.refundCalls).toHaveLength(1);
    expect(notes.told).toEqual([]);
  });

  it("drops the claim on a refusal, so the merchant can ask again", async () => {
    const { order, payment } = await paidOrder();
    script.refund = () =>
      Promise.reject(new ProviderError("invalid_request", "no", { retryable: false, shopperMessage: "" }));
    await refunds.refund("t1", order.ref, "a");
    expect((await core.store.payments.findById("t1", payment._id))?.refundClaim).toBeUndefined();
    script.refund = async (claimed) => ({ providerRef: `rf_${claimed._id}` });
    expect(await refunds.refund("t1", order.ref, "b")).toMatchObject({ kind: "refunded" });
  });
});

describe("refund reconciler", () => {
  async function unansweredRefund(instance = instanceId) {
    const purchase = await paidOrder(instance);
    script.refund = () => Promise.reject(unanswered());
    await refunds.refund("t1", purchase.order.ref, "telegram:900");
    return purchase;
  }

  it("settles a claim the provider holds a refund for, as the merchant who asked", async () => {
    const { order, payment } = await unansweredRefund();
    script.findRefund = async () => ({ providerRef: "rf_found" });
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1000))).toBe(1);
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
      status: "refunded",
      refund: { providerRef: "rf_found", actor: "telegram:900" },
    });
    expect((await core.store.orders.findById("t1", order._id))?.status).toBe("refunded");
    expect(notes.told.map((note) => note.key)).toEqual([`refunded:${payment._id}`]);
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1000))).toBe(0);
  });

  it("drops a claim the provider holds no refund for, leaving the order paid", async () => {
    const { order, payment } = await unansweredRefund();
    script.findRefund = async () => null;
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1000))).toBe(1);
    const released = await core.store.payments.findById("t1", payment._id);
    expect(released).toMatchObject({ status: "succeeded" });
    expect(released?.refundClaim).toBeUndefined();
    expect((await core.store.orders.findById("t1", order._id))?.status).toBe("paid");
    expect(notes.told).toEqual([]);
  });

  it("leaves claims younger than the cut-off alone", async () => {
    const { payment } = await unansweredRefund();
    script.findRefund = async () => ({ providerRef: "rf_found" });
    const claimedAt = (await core.store.payments.findById("t1", payment._id))!.refundClaim!.at;
    expect(await refunds.reconcileClaims(claimedAt)).toBe(0);
    expect((await core.store.payments.findById("t1", payment._id))?.status).toBe("succeeded");
  });

  it("keeps a claim the provider cannot be asked about, for an operator", async () => {
    const { instanceId: forgetful, script: forgetfulScript } = await core.instance(FORGETFUL);
    forgetfulScript.refund = () => Promise.reject(unanswered());
    const { order, payment } = await paidOrder(forgetful);
    await refunds.refund("t1", order.ref, "a");
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1000))).toBe(1);
    expect((await core.store.payments.findById("t1", payment._id))?.refundClaim).toMatchObject({
      actor: "a",
    });
  });

  it("keeps a claim whose provider instance is gone, without failing the round", async () => {
    const { payment } = await paidOrder("pi_removed");
    await core.store.payments.claimRefund("t1", payment._id, { at: new Date(), actor: "a" });
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1000))).toBe(1);
    expect((await core.store.payments.findById("t1", payment._id))?.refundClaim).toMatchObject({
      actor: "a",
    });
  });
});
