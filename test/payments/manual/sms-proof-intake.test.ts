/**
 * A pasted M-Pesa SMS taken as a manual payment's receipt: stored with its fields and flags,
 * found again by its code across orders and shoppers, and idempotent on the same order.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deterministicId } from "../../../src/domain/ids.js";
import { type MpesaSms, parseMpesaSms } from "../../../src/domain/mpesa-sms.js";
import type { ChatAddress, Order } from "../../../src/domain/order.js";
import type { Payment } from "../../../src/domain/payment.js";
import { createProofIntake, type ProofIntake } from "../../../src/payments/manual/proof-intake.js";
import { createProofReview } from "../../../src/payments/manual/review.js";
import { PaymentMethodUnavailableError, type StartOptions } from "../../../src/payments/payment-service.js";
import { paybillSms } from "../../fixtures/mpesa-sms.js";
import { makePayment } from "../../store/fixtures.js";
import { type Core, openCore, recordingNotifier } from "../core/harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let intake: ProofIntake;
let transfersStarted: { order: Order; options: StartOptions }[];
let transfersOffered: boolean;
/** Codes the shop's Paybill could vouch for (received, or askable), and the checks queued. */
let vouched: Set<string>;
let checksQueued: string[];

/** Orders are placed on 1 Jan 2026 at 00:00 UTC (03:00 in Kenya): `at` is a later Kenya time. */
function smsFor(options: { code?: string; shillings?: number; when?: string } = {}): MpesaSms {
  const reading = parseMpesaSms(
    paybillSms({
      code: options.code ?? "UA1XDEMO7Q",
      shillings: options.shillings ?? 901,
      // An account that names no order: the account rule has its own tests.
      account: "1137000000",
      when: options.when ?? "1/1/26 at 9:30 AM",
    }),
  );
  if (!reading.ok) throw new Error(`test SMS not read: ${reading.reason}`);
  return reading.sms;
}

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  transfersStarted = [];
  transfersOffered = true;
  vouched = new Set();
  checksQueued = [];
  intake = createProofIntake({
    store: core.store,
    channels: {},
    notifier: { ...notes.notifier },
    maxBytes: 1_000_000,
    scheduleReminder: async () => undefined,
    pastedCodes: {
      wants: async (_tenantId, sms) => vouched.has(sms.code),
      schedule: async (_tenantId, proofId) => void checksQueued.push(proofId),
    },
    // The payment service, as far as starting a transfer goes: a manual payment awaiting proof.
    payments: {
      async start(order, method, options) {
        if (!transfersOffered) throw new PaymentMethodUnavailableError(method);
        transfersStarted.push({ order, options });
        const payment = makePayment({
          _id: deterministicId("pay", order._id, method, options.attemptKey),
          tenantId: order.tenantId,
          orderId: order._id,
          orderRef: order.ref,
          method: "manual",
          provider: "manual",
          status: "awaiting_proof",
        });
        if (!(await core.store.payments.findById(order.tenantId, payment._id))) {
          await core.store.payments.create(payment);
        }
        await core.store.orders.setPayment(order.tenantId, order._id, payment._id);
        return { payment, action: { kind: "instructions", text: "Pay to Till 123456" } };
      },
    },
  });
});

afterEach(() => core.close());

async function transferOrder(customer: ChatAddress = { channel: "telegram", chatId: "100" }) {
  return core.purchase("pi_manual", {
    order: { customer },
    payment: { method: "manual", provider: "manual", status: "awaiting_proof" },
  });
}

const submit = (order: Order, sms: MpesaSms, key: string) =>
  intake.submitSms({ tenantId: "t1", from: order.customer, orderRef: order.ref, sms, key });

const paymentOf = async (order: Order): Promise<Payment | null> => {
  const current = await core.store.orders.findById("t1", order._id);
  return current?.paymentId ? core.store.payments.findById("t1", current.paymentId) : null;
};

describe("submitSms", () => {
  it("stores the SMS's fields under its code, puts the payment under review and tells the merchant", async () => {
    const { order, payment } = await transferOrder();
    const sms = smsFor();
    expect(await submit(order, sms, "m1")).toEqual({ kind: "proof_received", orderRef: order.ref });

    const proofs = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    expect(proofs).toMatchObject([
      {
        orderId: order._id,
        paymentId: payment._id,
        sms,
        transactionCode: "UA1XDEMO7Q",
        flags: [],
        status: "pending",
      },
    ]);
    expect(proofs[0]?.mediaId).toBeUndefined();
    expect((await paymentOf(order))?.status).toBe("under_review");
    expect(notes.submitted.map(({ proof }) => proof._id)).toEqual([proofs[0]?._id]);
    const [audit] = await core.store.audit.list("t1", { orderRef: order.ref, action: "proof.submitted" }, 5);
    expect(audit?.detail).toEqual({ transactionCode: "UA1XDEMO7Q" });
  });

  it("flags a code already pasted for another shopper's order, and confirming it then needs an override", async () => {
    const first = await transferOrder();
    const second = await transferOrder({ channel: "whatsapp", chatId: "254700000009@c.us" });
    await submit(first.order, smsFor(), "m1");
    await submit(second.order, smsFor(), "m2");

    const [, reused] = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    expect(reused).toMatchObject({
      orderId: second.order._id,
      flags: ["code_reused"],
      reusedFromOrderRef: first.order.ref,
    });
    expect(notes.submitted.at(-1)?.proof.flags).toEqual(["code_reused"]);
    const review = createProofReview({ store: core.store, notifier: notes.notifier });
    expect(await review.confirm("t1", second.order.ref, "telegram:1")).toMatchObject({
      kind: "needs_override",
      reusedFromOrderRef: first.order.ref,
    });
    expect((await paymentOf(second.order))?.status).toBe("under_review");
  });

  it("flags at least one of two orders whose shoppers paste one code at the same moment", async () => {
    const first = await transferOrder();
    const second = await transferOrder({ channel: "whatsapp", chatId: "254700000009@c.us" });
    await Promise.all([submit(first.order, smsFor(), "m1"), submit(second.order, smsFor(), "m2")]);
    const proofs = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    expect(proofs).toHaveLength(2);
    expect(proofs.filter((proof) => proof.flags?.includes("code_reused")).length).toBeGreaterThanOrEqual(1);
    // The merchant's alerts carry the flags as stored.
    expect(
      notes.submitted.filter(({ proof }) => proof.flags?.includes("code_reused")).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it("takes the same SMS pasted again on the same order as the same receipt: no second proof, no second alert", async () => {
    const { order } = await transferOrder();
    await submit(order, smsFor(), "m1");
    expect(await submit(order, smsFor(), "m2")).toEqual({ kind: "proof_received", orderRef: order.ref });
    expect(await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10)).toHaveLength(1);
    expect(notes.submitted).toHaveLength(1);
  });

  it("stores one proof for a redelivered message", async () => {
    const { order } = await transferOrder();
    await submit(order, smsFor(), "m1");
    await submit(order, smsFor(), "m1");
    expect(await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10)).toHaveLength(1);
  });

  it("flags an amount that is not the total, and an SMS dated before the order", async () => {
    const { order } = await transferOrder();
    // 02:59 in Kenya on 1 Jan 2026 is 23:59 UTC the day before: a minute before the order.
    await submit(order, smsFor({ shillings: 900, when: "1/1/26 at 2:59 AM" }), "m1");
    const [proof] = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    expect(proof?.flags).toEqual(["amount_mismatch", "dated_before_order"]);
  });

  it("starts a transfer for an order paid another way until now, and files the SMS under it", async () => {
    const { order, payment } = await core.purchase("pi_mpesa", { payment: { status: "failed" } });
    expect(await submit(order, smsFor(), "m1")).toEqual({ kind: "proof_received", orderRef: order.ref });
    expect(transfersStarted).toMatchObject([
      { order: { _id: order._id }, options: { attemptKey: "m1", payer: {} } },
    ]);
    const transfer = await paymentOf(order);
    expect(transfer).toMatchObject({ method: "manual", status: "under_review" });
    expect(transfer?._id).not.toBe(payment._id);
    const [proof] = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    expect(proof?.paymentId).toBe(transfer?._id);
  });

  it("refuses, storing nothing, when the shop takes no transfers", async () => {
    transfersOffered = false;
    const { order } = await core.purchase("pi_mpesa");
    expect(await submit(order, smsFor(), "m1")).toMatchObject({ kind: "proof_refused", orderRef: order.ref });
    expect(await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10)).toEqual([]);
  });

  it("refuses another shopper's order and a closed one, storing nothing", async () => {
    const { order } = await transferOrder();
    const stranger: ChatAddress = { channel: "telegram", chatId: "999" };
    expect(
      await intake.submitSms({
        tenantId: "t1",
        from: stranger,
        orderRef: order.ref,
        sms: smsFor(),
        key: "m1",
      }),
    ).toEqual({
      kind: "proof_refused",
      orderRef: order.ref,
      reason: `I can't find order ${order.ref} for you.`,
    });
    const cancelled = await transferOrder();
    await core.store.orders.transition("t1", cancelled.order._id, "cancelled");
    expect(await submit(cancelled.order, smsFor(), "m2")).toMatchObject({ kind: "proof_refused" });
    expect(await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10)).toEqual([]);
    expect(notes.submitted).toEqual([]);
  });
});

describe("a code M-Pesa can vouch for", () => {
  async function paybillOrder() {
    vouched.add("UA1XDEMO7Q");
    return core.purchase("pi_c2b", {
      payment: { method: "paybill", provider: "mpesa-c2b", status: "pending" },
    });
  }

  it("holds the SMS for the check, on the payment the order has, without a transfer or the merchant", async () => {
    const { order, payment } = await paybillOrder();
    // The shopper hears that M-Pesa is being asked, not that the merchant has it.
    expect(await submit(order, smsFor(), "m1")).toEqual({
      kind: "proof_received",
      orderRef: order.ref,
      checking: true,
    });
    const [proof] = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    expect(proof).toMatchObject({ paymentId: payment._id, status: "pending", flags: [] });
    expect(checksQueued).toEqual([proof?._id]);
    expect(transfersStarted).toEqual([]);
    expect((await paymentOf(order))?.status).toBe("pending");
    expect(notes.submitted).toEqual([]);

    // Pasted again while held: the same receipt, checked once.
    expect(await submit(order, smsFor(), "m2")).toEqual({ kind: "proof_received", orderRef: order.ref });
    expect(checksQueued).toHaveLength(1);
  });

  it("hands a held SMS on to the merchant as a transfer's receipt, flagged with M-Pesa's answer; safe to repeat", async () => {
    const { order } = await paybillOrder();
    await submit(order, smsFor(), "m1");
    const [held] = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    await intake.handOver("t1", held!._id, { kind: "not_received" });
    await intake.handOver("t1", held!._id, { kind: "not_received" });

    const transfer = await paymentOf(order);
    expect(transfer).toMatchObject({ method: "manual", status: "under_review" });
    expect(await core.store.proofs.findById("t1", held!._id)).toMatchObject({
      paymentId: transfer?._id,
      flags: ["not_received"],
      status: "pending",
    });
    // Each alert is keyed by the proof: the merchant reads it once however often it is handed over.
    expect(notes.submitted.map(({ proof }) => proof._id)).toEqual([held!._id, held!._id]);
    expect(notes.submitted[0]?.proof.flags).toEqual(["not_received"]);
    // Told M-Pesa was being asked, the shopper hears the merchant checks it now, once per proof.
    expect(notes.told.map(({ result, key }) => [result, key])).toEqual([
      [{ kind: "proof_received", orderRef: order.ref }, `handed:${held!._id}`],
      [{ kind: "proof_received", orderRef: order.ref }, `handed:${held!._id}`],
    ]);
  });

  it("tells the shopper a held SMS cannot be used when the shop takes no transfers", async () => {
    const { order } = await paybillOrder();
    await submit(order, smsFor(), "m1");
    const [held] = await core.store.proofs.listByTransactionCode("t1", "UA1XDEMO7Q", 10);
    transfersOffered = false;
    await intake.handOver("t1", held!._id);
    expect(await core.store.proofs.findById("t1", held!._id)).toMatchObject({ status: "rejected" });
    expect(notes.told.map(({ result }) => result)).toEqual([
      expect.objectContaining({ kind: "proof_refused", orderRef: order.ref }),
    ]);
    expect(notes.submitted).toEqual([]);
  });
});
