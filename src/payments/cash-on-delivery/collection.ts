/**
 * The merchant collected the cash: the only way a cash on delivery payment becomes paid. It
 * settles through the same idempotent settlement as a provider's success (compare-and-set on the
 * payment, then the order, the audit record with the merchant as actor, the shopper's
 * confirmation and the merchants' paid alert), so a repeat or a retry after a crash finishes what
 * is left and changes nothing twice.
 */
import type { Order } from "../../domain/order.js";
import type { Store } from "../../store/types.js";
import type { Settlement } from "../settlement.js";

/** What marking an order paid did, or why it did nothing. */
export type CollectionOutcome =
  | { readonly kind: "paid"; readonly order: Order; readonly alreadyDone: boolean }
  | { readonly kind: "not_found"; readonly ref: string }
  /** The order is paid some other way (or not yet at all): nothing is collected on delivery. */
  | { readonly kind: "not_cash_on_delivery"; readonly order: Order }
  /** Cancelled before delivery, or the money came another way meanwhile. */
  | { readonly kind: "not_awaiting_delivery"; readonly order: Order };

export function createCashCollection(deps: { store: Store; settlement: Settlement }) {
  const { store, settlement } = deps;

  return {
    async markPaid(tenantId: string, ref: string, actor: string): Promise<CollectionOutcome> {
      const order = await store.orders.findByRef(tenantId, ref);
      if (!order) return { kind: "not_found", ref };
      const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
      if (payment?.method !== "cash_on_delivery") return { kind: "not_cash_on_delivery", order };
      // A succeeded payment goes through again too: a crash may have left its later steps undone.
      if (payment.status !== "awaiting_delivery" && payment.status !== "succeeded")
        return { kind: "not_awaiting_delivery", order };
      const outcome = await settlement.succeed(payment, { actor });
      const current = (await store.orders.findById(tenantId, order._id)) ?? order;
      if (outcome === "settled" || outcome === "already_settled")
        return { kind: "paid", order: current, alreadyDone: outcome === "already_settled" };
      return { kind: "not_awaiting_delivery", order: current };
    },
  };
}

export type CashCollection = ReturnType<typeof createCashCollection>;
