/**
 * The merchant's verdict on a manual payment, directly: confirm and reject each happen once
 * however often they are tapped, and a retry finishes what a crash left.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deterministicId } from "../../../src/domain/ids.js";
import type { Order } from "../../../src/domain/order.js";
import type { Payment } from "../../../src/domain/payment.js";
import type { Proof } from "../../../src/domain/proof.js";
import { createProofReview, type ProofReview } from "../../../src/payments/manual/review.js";
import { at, makeProof } from "../../store/fixtures.js";
import { type Core, openCore, recordingNotifier } from "./harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let review: ProofReview;

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  review = createProofReview({ store: core.store, notifier: notes.notifier });
});

afterEach(() => core.close());

/** A manual order with its payment in `status` and one pending receipt per entry of `proofs`. */
async function manualOrder(
  status: Payment["status"] = "under_review",
  options: { order?: Partial<Order>; proofs?: number; proof?: Partial<Proof> } = {},
) {
  const { order, payment } = await core.purchase("pi_manual", {
    order: options.order ?? {},
    payment: { method: "manual", provider: "manual", status },
  });
  const proofs: Proof[] = [];
  for (let index = 0; index < (options.proofs ?? 1); index++) {
    const proof = makeProof({
      tenantId: order.tenantId,
      orderId: order._id,
      orderRef: order.ref,
      paymentId: payment._id,
      submittedAt: at(index),
      ...options.proof,
    });
    await core.store.proofs.create(proof);
    proofs.push(proof);
  }
  return { order, payment, proofs };
}

const paymentOf = (payment: Payment) => core.store.payments.findById(payment.tenantId, payment._id);
const proofOf = (proof: Proof) => core.store.proofs.findById(proof.tenantId, proof._id);

describe("confirm", () => {
  it("settles the payment, confirms the receipts, pays the order, records and tells the shopper", async () => {
    const { order, payment, proofs } = await manualOrder("under_review", { proofs: 2 });
    const outcome = await review.confirm("t1", order.ref, "telegram:1");
    const settled = await paymentOf(payment);
    const paid = await core.store.orders.findById("t1", order._id);
    expect(settled?.status).toBe("succeeded");
    const at = settled?.settledAt;
    expect(at).toBeInstanceOf(Date);
    expect(paid).toMatchObject({ status: "paid", paidAt: at });
    expect(outcome).toEqual({ kind: "confirmed", order: paid, alreadyDone: false });
    for (const proof of proofs) {
      expect(await proofOf(proof)).toMatchObject({
        status: "confirmed",
        reviewedBy: "telegram:1",
        reviewedAt: at,
      });
    }
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([
      {
        _id: deterministicId("aud", payment._id, "confirmed"),
        tenantId: "t1",
        at,
        actor: "telegram:1",
        action: "payment.confirmed",
        orderRef: order.ref,
        subjectId: payment._id,
      },
    ]);
    expect(notes.told).toEqual([
      {
        order: paid,
        result: { kind: "payment_confirmed", orderRef: order.ref, method: "manual" },
        key: `paid:${order._id}`,
      },
    ]);
  });

  it("a second confirm is already done and records nothing new", async () => {
    const { order } = await manualOrder();
    await review.confirm("t1", order.ref, "a");
    const again = await review.confirm("t1", order.ref, "b");
    expect(again).toMatchObject({ kind: "confirmed", alreadyDone: true, order: { status: "paid" } });
    const audit = await core.store.audit.list("t1", {}, 5);
    expect(audit.map((entry) => entry.actor)).toEqual(["a"]);
    expect(notes.told.map((note) => note.key)).toEqual([`paid:${order._id}`, `paid:${order._id}`]);
  });

  it("confirms once however many merchants tap at the same time", async () => {
    const { order } = await manualOrder();
    const outcomes = await Promise.all(
      ["a", "b", "c", "d"].map((actor) => review.confirm("t1", order.ref, actor)),
    );
    expect(outcomes.filter((outcome) => outcome.kind === "confirmed" && !outcome.alreadyDone)).toHaveLength(
      1,
    );
    expect(outcomes.every((outcome) => outcome.kind === "confirmed")).toBe(true);
    expect(await core.store.audit.list("t1", {}, 5)).toHaveLength(1);
  });

  it("finishes after a crash that left the payment settled but the order open", async () => {
    const { order, proofs } = await manualOrder("succeeded");
    const outcome = await review.confirm("t1", order.ref, "a");
    expect(outcome).toMatchObject({ kind: "confirmed", alreadyDone: true, order: { status: "paid" } });
    expect(await proofOf(proofs[0] as Proof)).toMatchObject({ status: "confirmed" });
  });

  it.each([
    ["awaiting_proof", {}, "no_receipt"],
    ["cancelled", { status: "cancelled" }, "cancelled"],
    ["expired", { status: "expired" }, "expired"],
  ] as const)("does not confirm a %s payment", async (status, order, why) => {
    const { order: placed, payment, proofs } = await manualOrder(status, { order });
    const outcome = await review.confirm("t1", placed.ref, "a");
    expect(outcome).toEqual({ kind: "not_reviewable", order: placed, why });
    expect((await paymentOf(payment))?.status).toBe(status);
    expect((await proofOf(proofs[0] as Proof))?.status).toBe("pending");
    expect(notes.told).toEqual([]);
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([]);
  });

  it("answers not found for an unknown reference, and not manual for a provider payment", async () => {
    expect(await review.confirm("t1", "DK-NONE1", "a")).toEqual({ kind: "not_found", ref: "DK-NONE1" });
    const { order, payment } = await core.purchase("pi_x", { payment: { status: "pending" } });
    expect(await review.confirm("t1", order.ref, "a")).toEqual({
      kind: "not_reviewable",
      order,
      why: "not_manual",
    });
    expect(await review.reject("t1", order.ref, "fake", "a")).toEqual({
      kind: "not_reviewable",
      order,
      why: "not_manual",
    });
    expect((await paymentOf(payment))?.status).toBe("pending");
  });

  it("does not credit a receipt reused from another order without an explicit override", async () => {
    const { order, payment, proofs } = await manualOrder("under_review", {
      proof: { reusedFromOrderRef: "DK-FIRST" },
    });
    const refused = await review.confirm("t1", order.ref, "a");
    expect(refused).toEqual({ kind: "needs_override", order, reusedFromOrderRef: "DK-FIRST" });
    expect((await paymentOf(payment))?.status).toBe("under_review");
    expect((await proofOf(proofs[0] as Proof))?.status).toBe("pending");
    expect((await core.store.orders.findById("t1", order._id))?.status).toBe("awaiting_payment");
    expect(notes.told).toEqual([]);
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([]);

    const overridden = await review.confirm("t1", order.ref, "b", { override: true });
    expect(overridden).toMatchObject({ kind: "confirmed", alreadyDone: false, order: { status: "paid" } });
    expect(await core.store.audit.list("t1", {}, 5)).toMatchObject([
      { actor: "b", action: "payment.confirmed", detail: { override: true, reusedFromOrderRef: "DK-FIRST" } },
    ]);
  });

  it("answers not manual for an order without a payment", async () => {
    const { order } = await core.purchase("pi_x", { order: { paymentId: "" } });
    expect(await review.confirm("t1", order.ref, "a")).toMatchObject({
      kind: "not_reviewable",
      why: "not_manual",
    });
  });
});

describe("reject", () => {
  it("rejects the payment and every pending receipt, records each and tells the shopper once per receipt", async () => {
    const { order, payment, proofs } = await manualOrder("under_review", { proofs: 2 });
    const outcome = await review.reject("t1", order.ref, "Amount is wrong", "whatsapp:1");
    expect(outcome).toEqual({ kind: "rejected", order, alreadyDone: false });
    expect((await paymentOf(payment))?.status).toBe("rejected");
    const reviewed = await Promise.all(proofs.map(proofOf));
    for (const proof of reviewed) {
      expect(proof).toMatchObject({
        status: "rejected",
        reviewedBy: "whatsapp:1",
        reason: "Amount is wrong",
      });
      expect(proof?.reviewedAt).toBeInstanceOf(Date);
    }
    const audit = await core.store.audit.list("t1", {}, 5);
    expect(
      audit
        .map(({ _id, action, subjectId, detail, actor, orderRef }) => ({
          _id,
          action,
          subjectId,
          detail,
          actor,
          orderRef,
        }))
        .sort((a, b) => a._id.localeCompare(b._id)),
    ).toEqual(
      proofs
        .map((proof) => ({
          _id: deterministicId("aud", proof._id, "rejected"),
          action: "proof.rejected",
          subjectId: proof._id,
          detail: { reason: "Amount is wrong" },
          actor: "whatsapp:1",
          orderRef: order.ref,
        }))
        .sort((a, b) => a._id.localeCompare(b._id)),
    );
    expect(audit.every((entry) => entry.at.getTime() === reviewed[0]?.reviewedAt?.getTime())).toBe(true);
    expect(notes.told.map(({ order: told, result, key }) => ({ told, result, key }))).toEqual(
      // Newest receipt first: that is the order the store hands them out.
      [...proofs].reverse().map((proof) => ({
        told: order,
        result: { kind: "proof_rejected", orderRef: order.ref, reason: "Amount is wrong" },
        key: `rejected:${proof._id}`,
      })),
    );
  });

  it("a second reject is already done and tells nobody again", async () => {
    const { order } = await manualOrder();
    await review.reject("t1", order.ref, "blurry", "a");
    expect(await review.reject("t1", order.ref, "blurry", "b")).toEqual({
      kind: "rejected",
      order,
      alreadyDone: true,
    });
    expect(notes.told).toHaveLength(1);
    expect(await core.store.audit.list("t1", {}, 5)).toHaveLength(1);
  });

  it("rejects once however many merchants tap at the same time", async () => {
    const { order } = await manualOrder();
    const outcomes = await Promise.all(
      ["a", "b", "c"].map((actor) => review.reject("t1", order.ref, "no", actor)),
    );
    expect(outcomes.filter((outcome) => outcome.kind === "rejected" && !outcome.alreadyDone)).toHaveLength(1);
    expect(notes.told).toHaveLength(1);
  });

  it("a retry after a crash reviews the receipts the crash left pending", async () => {
    const { order, proofs } = await manualOrder("rejected");
    const outcome = await review.reject("t1", order.ref, "blurry", "a");
    expect(outcome).toEqual({ kind: "rejected", order, alreadyDone: true });
    expect((await proofOf(proofs[0] as Proof))?.status).toBe("rejected");
    expect(notes.told.map((note) => note.key)).toEqual([`rejected:${proofs[0]?._id}`]);
  });

  it.each([
    ["succeeded", { status: "paid" }, "paid"],
    ["awaiting_proof", {}, "no_receipt"],
    ["cancelled", { status: "cancelled" }, "cancelled"],
  ] as const)("does not reject a %s payment", async (status, order, why) => {
    const { order: placed, payment, proofs } = await manualOrder(status, { order });
    expect(await review.reject("t1", placed.ref, "no", "a")).toEqual({
      kind: "not_reviewable",
      order: placed,
      why,
    });
    expect((await paymentOf(payment))?.status).toBe(status);
    expect((await proofOf(proofs[0] as Proof))?.status).toBe("pending");
    expect(notes.told).toEqual([]);
  });

  it("answers not found for an unknown reference", async () => {
    expect(await review.reject("t1", "DK-NONE2", "no", "a")).toEqual({ kind: "not_found", ref: "DK-NONE2" });
  });
});

describe("a receipt reviewed by someone else meanwhile", () => {
  it("is neither recorded nor announced twice when another merchant's verdict lands between read and write", async () => {
    const { order, proofs } = await manualOrder("rejected");
    const { store } = core;
    let raced = false;
    const racing = {
      ...store,
      proofs: {
        ...store.proofs,
        async findPendingByOrder(tenantId: string, orderId: string) {
          const pending = await store.proofs.findPendingByOrder(tenantId, orderId);
          if (pending && !raced) {
            raced = true;
            await store.proofs.review(tenantId, pending._id, "rejected", {
              reviewedBy: "other",
              reviewedAt: new Date(),
              reason: "theirs",
            });
          }
          return pending;
        },
      },
    };
    const racingReview = createProofReview({ store: racing, notifier: notes.notifier });
    expect(await racingReview.reject("t1", order.ref, "mine", "me")).toEqual({
      kind: "rejected",
      order,
      alreadyDone: true,
    });
    expect(await proofOf(proofs[0] as Proof)).toMatchObject({ reviewedBy: "other", reason: "theirs" });
    expect(notes.told).toEqual([]);
    expect(await core.store.audit.list("t1", {}, 5)).toEqual([]);
  });
});

describe("remind and pending", () => {
  it("reminds the merchants only while the receipt waits and the order is open", async () => {
    const { order, proofs } = await manualOrder();
    await review.remind("t1", (proofs[0] as Proof)._id);
    expect(notes.reminded).toEqual([{ order, proof: proofs[0] }]);
    const { proofs: paidProofs } = await manualOrder("under_review", { order: { status: "paid" } });
    await review.remind("t1", (paidProofs[0] as Proof)._id);
    await review.reject("t1", order.ref, "no", "a");
    await review.remind("t1", (proofs[0] as Proof)._id);
    await review.remind("t1", "prf_unknown");
    const orphan = makeProof({ orderId: "ord_gone" });
    await core.store.proofs.create(orphan);
    await review.remind("t1", orphan._id);
    expect(notes.reminded).toHaveLength(1);
  });

  it("lists pending receipts with their orders, oldest first, up to the limit, skipping orphans", async () => {
    const first = await manualOrder("under_review", { proofs: 2 });
    const orphan = makeProof({ orderId: "ord_gone", submittedAt: at(5) });
    await core.store.proofs.create(orphan);
    expect(await review.pending("t1", 10)).toEqual(
      first.proofs.map((proof) => ({ proof, order: first.order })),
    );
    expect(await review.pending("t1", 1)).toEqual([{ proof: first.proofs[0], order: first.order }]);
  });
});
