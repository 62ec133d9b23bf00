/**
 * What the merchant says about a cash on delivery order: the cash was collected (the only way
 * such a payment becomes paid), or the order will not be delivered. Paid goes through the same
 * idempotent settlement as a provider's success (compare-and-set on the payment, then the order,
 * the audit record with the merchant as actor, the shopper's confirmation, the merchants' paid
 * alert); a cancel is a compare-and-set on the payment, then the order. A repeat or a retry after
 * a crash finishes what is left and changes nothing twice.
 */
import type { ResultEvent } from "../../domain/conversation.js";
import { deterministicId } from "../../domain/ids.js";
import type { Order } from "../../domain/order.js";
import type { Payment } from "../../domain/payment.js";
import { recordAudit } from "../../store/audit-log.js";
import type { Store } from "../../store/types.js";
import type { Settlement } from "../settlement.js";

/** Why nothing changed: no such order, or not a cash on delivery order awaiting delivery. */
export type DeliveryRefusal =
  | { readonly kind: "not_found"; readonly ref: string }
  /** The order is paid some other way (or not yet at all): nothing is collected on delivery. */
  | { readonly kind: "not_cash_on_delivery"; readonly order: Order }
  /** Cancelled before delivery, paid already (for a cancel), or the money came another way. */
  | { readonly kind: "not_awaiting_delivery"; readonly order: Order };

export type PaidOutcome =
  | { readonly kind: "paid"; readonly order: Order; readonly alreadyDone: boolean }
  | DeliveryRefusal;

export type DeliveryCancelOutcome =
  | { readonly kind: "cancelled"; readonly order: Order; readonly alreadyDone: boolean }
  | DeliveryRefusal;

export function createDeliveries(deps: {
  store: Store;
  settlement: Settlement;
  /** Tells the shopper their order was cancelled by the shop (once per key). */
  tellShopper: (order: Order, result: ResultEvent, messageKey: string) => Promise<void>;
}) {
  const { store, settlement } = deps;

  /** The order and its cash on delivery payment, or why there is none. */
  async function load(
    tenantId: string,
    ref: string,
  ): Promise<{ order: Order; payment: Payment } | DeliveryRefusal> {
    const order = await store.orders.findByRef(tenantId, ref);
    if (!order) return { kind: "not_found", ref };
    const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
    if (payment?.method !== "cash_on_delivery") return { kind: "not_cash_on_delivery", order };
    return { order, payment };
  }

  const current = async (order: Order) => (await store.orders.findById(order.tenantId, order._id)) ?? order;

  return {
    async markPaid(tenantId: string, ref: string, actor: string): Promise<PaidOutcome> {
      const loaded = await load(tenantId, ref);
      if ("kind" in loaded) return loaded;
      const { order, payment } = loaded;
      // A succeeded payment goes through again too: a crash may have left its later steps undone.
      if (payment.status !== "awaiting_delivery" && payment.status !== "succeeded")
        return { kind: "not_awaiting_delivery", order };
      const outcome = await settlement.succeed(payment, { actor });
      if (outcome === "settled" || outcome === "already_settled")
        return { kind: "paid", order: await current(order), alreadyDone: outcome === "already_settled" };
      return { kind: "not_awaiting_delivery", order: await current(order) };
    },

    /** The order will not be delivered (refused at the door, unreachable): nothing was paid. */
    async cancel(tenantId: string, ref: string, actor: string): Promise<DeliveryCancelOutcome> {
      const loaded = await load(tenantId, ref);
      if ("kind" in loaded) return loaded;
      const { order, payment } = loaded;
      const stopped =
        (await store.payments.transition(tenantId, payment._id, "cancelled")) ??
        (await store.payments.findById(tenantId, payment._id));
      // Paid meanwhile (a /paid won the race): the money is the merchant's; it is not cancelled.
      if (stopped?.status !== "cancelled")
        return { kind: "not_awaiting_delivery", order: await current(order) };
      const at = new Date();
      const cancelled = await store.orders.transition(tenantId, order._id, "cancelled", { cancelledAt: at });
      if (!cancelled) {
        const now = await current(order);
        return now.status === "cancelled"
          ? { kind: "cancelled", order: now, alreadyDone: true }
          : { kind: "not_awaiting_delivery", order: now };
      }
      await recordAudit(store, {
        _id: deterministicId("aud", order._id, "cancelled"),
        tenantId,
        at,
        actor,
        action: "order.cancelled",
        orderRef: order.ref,
        subjectId: order._id,
      });
      await deps.tellShopper(
        cancelled,
        { kind: "order_cancelled", orderRef: order.ref },
        `cancelled:${order._id}`,
      );
      return { kind: "cancelled", order: cancelled, alreadyDone: false };
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
