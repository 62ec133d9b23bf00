/**
 * Settling provider payments, from a webhook or from reconciliation, through one idempotent
 * path (DESIGN §4). Each outcome is a compare-and-set on the payment, then steps that are safe
 * to repeat: a retried job, a duplicate callback or a race with the reconciler changes nothing
 * twice, and a crash between steps is finished by the next attempt.
 */
import type { Logger } from "pino";
import type { ResultEvent } from "../domain/conversation.js";
import { InternalError } from "../domain/errors.js";
import { deterministicId } from "../domain/ids.js";
import { equals, type Money } from "../domain/money.js";
import type { Order } from "../domain/order.js";
import type { Payment } from "../domain/payment.js";
import { crashPoint, stuckPoint } from "../faults.js";
import { recordAudit } from "../store/audit-log.js";
import type { Store } from "../store/types.js";

/** What the settlement tells people; implemented by the shop. */
export interface SettlementNotifier {
  tellShopper(order: Order, result: ResultEvent, messageKey: string): Promise<void>;
  /** A paid order, or money that needs the merchant's decision. */
  paymentSettled(order: Order, payment: Payment): Promise<void>;
  paymentFlagged(order: Order, payment: Payment): Promise<void>;
}

/** Attempts that may still take money or a receipt, and can be cancelled. */
const OPEN_ATTEMPT: ReadonlySet<Payment["status"]> = new Set(["pending", "awaiting_proof", "rejected"]);

export type SettleOutcome = "settled" | "already_settled" | "flagged" | "not_pending";

export function createSettlement(deps: { store: Store; notifier: SettlementNotifier; logger: Logger }) {
  const { store, notifier, logger } = deps;

  async function orderOf(payment: Payment): Promise<Order> {
    const order = await store.orders.findById(payment.tenantId, payment.orderId);
    if (!order) throw new InternalError(`Payment ${payment._id} belongs to no order`);
    return order;
  }

  async function flag(payment: Payment, reason: NonNullable<Payment["flag"]>["reason"], detail: string) {
    const flagged =
      (await store.payments.setFlag(payment.tenantId, payment._id, { reason, at: new Date(), detail })) ??
      payment;
    logger.warn(
      { paymentId: payment._id, orderRef: payment.orderRef, reason, detail },
      "payment flagged for the merchant",
    );
    await notifier.paymentFlagged(await orderOf(flagged), flagged);
  }

  /** Money for an order another payment settled (paid twice), or one cancelled meanwhile: a refund decision. */
  async function flagClosedOrder(payment: Payment, order: Order, arrived?: string) {
    const paidByOther = order.status === "paid" || order.status === "fulfilled";
    const why = paidByOther ? `order was already paid by ${order.paymentId}` : `order is ${order.status}`;
    await flag(payment, paidByOther ? "already_paid" : "order_closed", arrived ? `${arrived}; ${why}` : why);
  }

  /**
   * Cancels the order's other attempts still open once one settled it, so no second payment is
   * asked for; money that still arrives for one is flagged as paid twice. Returns those it closed.
   */
  async function closeOtherAttempts(settled: Payment): Promise<Payment[]> {
    const attempts = await store.payments.listByOrder(settled.tenantId, settled.orderId);
    const closed: Payment[] = [];
    for (const attempt of attempts) {
      if (attempt._id === settled._id || !OPEN_ATTEMPT.has(attempt.status)) continue;
      const cancelled = await store.payments.transition(attempt.tenantId, attempt._id, "cancelled");
      if (cancelled) closed.push(cancelled);
    }
    return closed;
  }

  /** Whether an earlier attempt of the order, the same way, failed or timed out too (a repeat). */
  async function failedBefore(payment: Payment): Promise<boolean> {
    const attempts = await store.payments.listByOrder(payment.tenantId, payment.orderId);
    return attempts.some(
      (other) =>
        other._id !== payment._id &&
        other.method === payment.method &&
        (other.status === "failed" || other.status === "expired"),
    );
  }

  return {
    /**
     * The provider confirmed the money. `amount` is what it says was paid, when it says (a
     * callback does, a status query may not): any difference is flagged, never settled.
     */
    async succeed(
      payment: Payment,
      proof: { amount?: Money; receipt?: string; actor: string },
    ): Promise<SettleOutcome> {
      // Once flagged, money waits for the merchant: a later status query (which carries no
      // amount) must not settle what a callback showed to be wrong.
      if ((await store.payments.findById(payment.tenantId, payment._id))?.flag) return "flagged";
      if (proof.amount && !equals(proof.amount, payment.amount)) {
        await flag(
          payment,
          "amount_mismatch",
          `paid ${proof.amount.amount} ${proof.amount.currency}, expected ${payment.amount.amount} ${payment.amount.currency}`,
        );
        return "flagged";
      }
      crashPoint("before-settle");
      stuckPoint("stuck-before-settle");
      let settled = await store.payments.transition(payment.tenantId, payment._id, "succeeded", {
        settledAt: new Date(),
        ...(proof.receipt ? { receipt: proof.receipt } : {}),
      });
      const won = settled !== null;
      settled ??= await store.payments.findById(payment.tenantId, payment._id);
      if (settled?.status !== "succeeded") return "not_pending";
      const order = await orderOf(settled);
      // A late success after expiry or a failure still settles: the shopper's money moved.
      const paid = await store.orders.transition(order.tenantId, order._id, "paid", {
        paidAt: settled.settledAt ?? new Date(),
        paymentId: settled._id,
        // Marked at the same write as paid, so no reader ever sees it paid without the mark.
        ...(settled.testMode ? { testMode: true } : {}),
      });
      const current = paid ?? (await orderOf(settled));
      if (current.paymentId !== settled._id || current.status !== "paid") {
        await flagClosedOrder(settled, current);
        return "flagged";
      }
      // The shopper may have moved on to another way meanwhile (a Paybill after a failed prompt).
      const closed = await closeOtherAttempts(settled);
      const insteadOf = closed.find((attempt) => attempt._id === order.paymentId)?.method;
      await recordAudit(store, {
        _id: deterministicId("aud", settled._id, "settled"),
        tenantId: settled.tenantId,
        at: settled.settledAt ?? new Date(),
        actor: proof.actor,
        action: "payment.settled",
        orderRef: settled.orderRef,
        subjectId: settled._id,
        ...(settled.receipt ? { detail: { receipt: settled.receipt } } : {}),
      });
      await notifier.tellShopper(
        current,
        {
          kind: "payment_confirmed",
          orderRef: current.ref,
          method: settled.method,
          ...(settled.receipt ? { receipt: settled.receipt } : {}),
          ...(settled.testMode ? { testMode: true } : {}),
          ...(insteadOf && insteadOf !== settled.method ? { insteadOf } : {}),
        },
        `paid:${current._id}`,
      );
      await notifier.paymentSettled(current, settled);
      return won ? "settled" : "already_settled";
    },

    /** Part of a total arrived for an order no longer waiting for it: flagged, like a whole payment. */
    async flagPartForClosedOrder(payment: Payment, arrived: string): Promise<void> {
      await flagClosedOrder(payment, await orderOf(payment), arrived);
    },

    /** Settled, but more arrived than the total (a Paybill paid twice): the merchant refunds the rest. */
    async flagOverpaid(payment: Payment, detail: string): Promise<void> {
      await flag(payment, "overpaid", detail);
    },

    /** A callback said paid but the provider's own record does not: the merchant decides. */
    async dispute(payment: Payment, detail: string): Promise<void> {
      await flag(payment, "unconfirmed", detail);
    },

    /**
     * The provider said no (cancelled by the shopper, wrong PIN, no funds…). When trying the same
     * way again will not help (the provider says so, or this way failed on the order before), the
     * shopper's message offers the next way to pay.
     */
    async fail(
      payment: Payment,
      failure: { cancelled: boolean; reason: string; code?: string; retryWontHelp?: boolean },
    ): Promise<boolean> {
      const to = failure.cancelled ? "cancelled" : "failed";
      const failed =
        (await store.payments.transition(payment.tenantId, payment._id, to, {
          failure: { reason: failure.reason, ...(failure.code ? { code: failure.code } : {}) },
        })) ?? (await store.payments.findById(payment.tenantId, payment._id));
      if (failed?.status !== to) return false;
      const order = await orderOf(failed);
      // Only news while this payment is the order's current one and the order still waits.
      if (order.status === "awaiting_payment" && order.paymentId === failed._id) {
        const offerNextWay = failure.retryWontHelp === true || (await failedBefore(failed));
        await notifier.tellShopper(
          order,
          {
            kind: "payment_failed",
            orderRef: order.ref,
            reason: failure.reason,
            method: failed.method,
            ...(offerNextWay ? { offerNextWay: true } : {}),
          },
          `failed:${failed._id}`,
        );
      }
      return true;
    },

    /**
     * No result in time: the payment expires; the order stays open for another try. A second
     * timeout the same way offers the next way to pay.
     */
    async expire(payment: Payment): Promise<boolean> {
      const expired =
        (await store.payments.transition(payment.tenantId, payment._id, "expired")) ??
        (await store.payments.findById(payment.tenantId, payment._id));
      if (expired?.status !== "expired") return false;
      const order = await orderOf(expired);
      if (order.status === "awaiting_payment" && order.paymentId === expired._id) {
        await notifier.tellShopper(
          order,
          {
            kind: "payment_expired",
            orderRef: order.ref,
            method: expired.method,
            ...((await failedBefore(expired)) ? { offerNextWay: true } : {}),
          },
          `expired:${expired._id}`,
        );
      }
      return true;
    },
  };
}

export type Settlement = ReturnType<typeof createSettlement>;
