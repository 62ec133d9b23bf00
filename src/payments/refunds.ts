/**
 * Refunding a paid order through the provider that took the money. The provider call comes
 * first (it is the money moving); the payment and the order then move by compare-and-set and the
 * shopper is told once.
 */
import type { Logger } from "pino";
import type { ResultEvent } from "../domain/conversation.js";
import { deterministicId } from "../domain/ids.js";
import type { Order } from "../domain/order.js";
import type { Payment } from "../domain/payment.js";
import { recordAudit } from "../store/audit-log.js";
import type { Store } from "../store/types.js";
import { ProviderError } from "./plugin.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";

export type RefundOutcome =
  | { readonly kind: "refunded"; readonly order: Order; readonly payment: Payment }
  | { readonly kind: "not_found"; readonly ref: string }
  | {
      readonly kind: "not_refundable";
      readonly order: Order;
      /** Not paid; already refunded; or a method the provider cannot refund (transfer, M-Pesa). */
      readonly why: "not_paid" | "already_refunded" | "not_supported";
    }
  | { readonly kind: "provider_refused"; readonly order: Order; readonly message: string };

export function createRefunds(deps: {
  store: Store;
  registry: ManagedProviderRegistry;
  tellShopper: (order: Order, result: ResultEvent, messageKey: string) => Promise<void>;
  logger: Logger;
}) {
  const { store, logger } = deps;
  return {
    async refund(tenantId: string, ref: string, actor: string): Promise<RefundOutcome> {
      const order = await store.orders.findByRef(tenantId, ref);
      if (!order) return { kind: "not_found", ref };
      if (order.status === "refunded") return { kind: "not_refundable", order, why: "already_refunded" };
      const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
      if ((order.status !== "paid" && order.status !== "fulfilled") || payment?.status !== "succeeded") {
        return { kind: "not_refundable", order, why: "not_paid" };
      }
      const instance = payment.instanceId ? await store.providers.findById(payment.instanceId) : null;
      const client = instance ? deps.registry.client(instance) : null;
      if (!client?.refund) return { kind: "not_refundable", order, why: "not_supported" };
      let providerRef: string;
      try {
        ({ providerRef } = await client.refund(payment, payment.amount));
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        logger.warn({ orderRef: ref, err: error }, "provider refused a refund");
        return { kind: "provider_refused", order, message: error.message };
      }
      const at = new Date();
      const refunded =
        (await store.payments.transition(tenantId, payment._id, "refunded", {
          refund: { providerRef, at, actor },
        })) ?? payment;
      const closed = (await store.orders.transition(tenantId, order._id, "refunded")) ?? order;
      await recordAudit(store, {
        _id: deterministicId("aud", payment._id, "refunded"),
        tenantId,
        at,
        actor,
        action: "payment.refunded",
        orderRef: ref,
        subjectId: payment._id,
        detail: { providerRef, amount: payment.amount },
      });
      await deps.tellShopper(
        closed,
        { kind: "payment_refunded", orderRef: ref, amount: payment.amount },
        `refunded:${payment._id}`,
      );
      return { kind: "refunded", order: closed, payment: refunded };
    },
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
