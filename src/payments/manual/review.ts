import { deterministicId } from "../../domain/ids.js";
import type { Order } from "../../domain/order.js";
import type { Payment } from "../../domain/payment.js";
import type { Proof } from "../../domain/proof.js";
import { recordAudit } from "../../store/audit-log.js";
import type { Store } from "../../store/types.js";
import type { ManualPaymentNotifier } from "./notifications.js";

export type ReviewOutcome =
  | { readonly kind: "confirmed"; readonly order: Order; readonly alreadyDone: boolean }
  | { readonly kind: "rejected"; readonly order: Order; readonly alreadyDone: boolean }
  | { readonly kind: "not_found"; readonly ref: string }
  /** The receipt waiting was already sent for another order: only an explicit override confirms it. */
  | { readonly kind: "needs_override"; readonly order: Order; readonly reusedFromOrderRef: string }
  | {
      readonly kind: "not_reviewable";
      readonly order: Order;
      /** Why nothing changed: the order's state, or no receipt waiting. */
      readonly why: "cancelled" | "expired" | "paid" | "no_receipt" | "not_manual";
    };

/**
 * The merchant's verdict on a manual payment. Each verdict is one compare-and-set on the
 * payment (the money fact), followed by steps that are safe to repeat: a second confirm, a
 * double tap, or a retry after a crash finishes what is left and changes nothing else.
 */
export function createProofReview(deps: { store: Store; notifier: ManualPaymentNotifier }) {
  const { store, notifier } = deps;

  async function load(tenantId: string, ref: string) {
    const order = await store.orders.findByRef(tenantId, ref);
    if (!order) return { outcome: { kind: "not_found", ref } as const };
    const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
    if (payment?.method !== "manual") {
      return { outcome: { kind: "not_reviewable", order, why: "not_manual" } as const };
    }
    return { order, payment };
  }

  /** Marks every pending receipt of the order with the verdict. */
  async function reviewPendingProofs(
    order: Order,
    to: "confirmed" | "rejected",
    review: { reviewedBy: string; reviewedAt: Date; reason?: string },
  ): Promise<Proof[]> {
    const reviewed: Proof[] = [];
    for (;;) {
      const pending = await store.proofs.findPendingByOrder(order.tenantId, order._id);
      if (!pending) return reviewed;
      const proof = await store.proofs.review(order.tenantId, pending._id, to, review);
      if (proof) reviewed.push(proof);
    }
  }

  function whyNot(order: Order, payment: Payment): "cancelled" | "expired" | "paid" | "no_receipt" {
    if (payment.status === "succeeded") return "paid";
    if (order.status === "cancelled" || order.status === "expired") return order.status;
    return "no_receipt";
  }

  return {
    /**
     * `override`: the merchant checked a receipt flagged as reused and confirms it anyway; without
     * it such a receipt never credits the order (one screenshot must not pay for two orders).
     */
    async confirm(
      tenantId: string,
      ref: string,
      actor: string,
      options: { override?: boolean } = {},
    ): Promise<ReviewOutcome> {
      const loaded = await load(tenantId, ref);
      if (loaded.outcome) return loaded.outcome;
      let { order, payment } = loaded;
      let won = false;
      let reusedFromOrderRef: string | undefined;
      if (payment.status === "under_review") {
        reusedFromOrderRef = (await store.proofs.findPendingByOrder(tenantId, order._id))?.reusedFromOrderRef;
        if (reusedFromOrderRef && !options.override)
          return { kind: "needs_override", order, reusedFromOrderRef };
        const settled = await store.payments.transition(tenantId, payment._id, "succeeded", {
          settledAt: new Date(),
        });
        won = settled !== null;
        payment = settled ?? (await store.payments.findById(tenantId, payment._id))!;
      }
      if (payment.status !== "succeeded")
        return { kind: "not_reviewable", order, why: whyNot(order, payment) };
      const at = payment.settledAt ?? new Date();
      await reviewPendingProofs(order, "confirmed", { reviewedBy: actor, reviewedAt: at });
      order = (await store.orders.transition(tenantId, order._id, "paid", { paidAt: at })) ?? order;
      await recordAudit(store, {
        _id: deterministicId("aud", payment._id, "confirmed"),
        tenantId,
        at,
        actor,
        action: "payment.confirmed",
        orderRef: order.ref,
        subjectId: payment._id,
        ...(reusedFromOrderRef ? { detail: { override: true, reusedFromOrderRef } } : {}),
      });
      await notifier.tellShopper(
        order,
        { kind: "payment_confirmed", orderRef: order.ref, method: payment.method },
        `paid:${order._id}`,
      );
      return { kind: "confirmed", order, alreadyDone: !won };
    },

    async reject(tenantId: string, ref: string, reason: string, actor: string): Promise<ReviewOutcome> {
      const loaded = await load(tenantId, ref);
      if (loaded.outcome) return loaded.outcome;
      const { order } = loaded;
      let { payment } = loaded;
      let won = false;
      if (payment.status === "under_review") {
        const rejected = await store.payments.transition(tenantId, payment._id, "rejected");
        won = rejected !== null;
        payment = rejected ?? (await store.payments.findById(tenantId, payment._id))!;
      }
      const at = new Date();
      const proofs =
        payment.status === "rejected"
          ? await reviewPendingProofs(order, "rejected", { reviewedBy: actor, reviewedAt: at, reason })
          : [];
      if (!won && proofs.length === 0) {
        return payment.status === "rejected"
          ? { kind: "rejected", order, alreadyDone: true }
          : { kind: "not_reviewable", order, why: whyNot(order, payment) };
      }
      for (const proof of proofs) {
        await recordAudit(store, {
          _id: deterministicId("aud", proof._id, "rejected"),
          tenantId,
          at,
          actor,
          action: "proof.rejected",
          orderRef: order.ref,
          subjectId: proof._id,
          detail: { reason },
        });
        await notifier.tellShopper(
          order,
          { kind: "proof_rejected", orderRef: order.ref, reason },
          `rejected:${proof._id}`,
        );
      }
      return { kind: "rejected", order, alreadyDone: !won };
    },

    /** The delayed reminder: nudges the merchants if the receipt still waits. */
    async remind(tenantId: string, proofId: string): Promise<void> {
      const proof = await store.proofs.findById(tenantId, proofId);
      if (proof?.status !== "pending") return;
      const order = await store.orders.findById(tenantId, proof.orderId);
      if (order?.status === "awaiting_payment") await notifier.proofReminder(order, proof);
    },

    async pending(tenantId: string, limit: number): Promise<{ proof: Proof; order: Order }[]> {
      const proofs = await store.proofs.listPending(tenantId, limit);
      const rows = await Promise.all(
        proofs.map(async (proof) => ({ proof, order: await store.orders.findById(tenantId, proof.orderId) })),
      );
      return rows.filter((row): row is { proof: Proof; order: Order } => row.order !== null);
    },
  };
}

export type ProofReview = ReturnType<typeof createProofReview>;
