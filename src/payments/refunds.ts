/**
 * Refunding a paid order through the provider that took the money. The payment is claimed
 * (compare-and-set) before the provider is called, so of two refund requests racing (an admin
 * call and a chat command, two taps) only one reaches the provider. The provider's answer settles
 * the claim: a refund moves the payment and the order by compare-and-set and tells the shopper
 * once; a definite refusal drops the claim. An unknown answer (a timeout, a crash) leaves it for
 * `reconcileClaims`, which asks the provider later.
 */
import type { Logger } from "pino";
import type { ResultEvent } from "../domain/conversation.js";
import { deterministicId } from "../domain/ids.js";
import type { Order } from "../domain/order.js";
import { credentialModeOf, type Payment } from "../domain/payment.js";
import { recordAudit } from "../store/audit-log.js";
import type { Store } from "../store/types.js";
import { type ProviderClient, ProviderError } from "./plugin.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";

export type RefundOutcome =
  | { readonly kind: "refunded"; readonly order: Order; readonly payment: Payment }
  | { readonly kind: "not_found"; readonly ref: string }
  | {
      readonly kind: "not_refundable";
      readonly order: Order;
      /**
       * Not paid; already refunded; a method the provider cannot refund (transfer, M-Pesa); or a
       * refund of it is under way already.
       */
      readonly why: "not_paid" | "already_refunded" | "not_supported" | "in_progress";
    }
  | { readonly kind: "provider_refused"; readonly order: Order; readonly message: string }
  /** The provider's answer was lost: the claim stays until the refund reconciler settles it. */
  | { readonly kind: "unconfirmed"; readonly order: Order };

export function createRefunds(deps: {
  store: Store;
  registry: ManagedProviderRegistry;
  tellShopper: (order: Order, result: ResultEvent, messageKey: string) => Promise<void>;
  logger: Logger;
}) {
  const { store, logger } = deps;

  async function clientOf(payment: Payment): Promise<ProviderClient | null> {
    const instance = payment.instanceId ? await store.providers.findById(payment.instanceId) : null;
    return instance ? deps.registry.client(instance, credentialModeOf(payment)) : null;
  }

  /** The provider refunded: payment and order move once, the shopper is told once. */
  async function settleRefunded(payment: Payment, order: Order, providerRef: string, actor: string) {
    const { tenantId } = payment;
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
      orderRef: order.ref,
      subjectId: payment._id,
      detail: { providerRef, amount: payment.amount },
    });
    await deps.tellShopper(
      closed,
      { kind: "payment_refunded", orderRef: order.ref, amount: payment.amount },
      `refunded:${payment._id}`,
    );
    return { order: closed, payment: refunded };
  }

  return {
    async refund(tenantId: string, ref: string, actor: string): Promise<RefundOutcome> {
      const order = await store.orders.findByRef(tenantId, ref);
      if (!order) return { kind: "not_found", ref };
      if (order.status === "refunded") return { kind: "not_refundable", order, why: "already_refunded" };
      const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
      if ((order.status !== "paid" && order.status !== "fulfilled") || payment?.status !== "succeeded") {
        return { kind: "not_refundable", order, why: "not_paid" };
      }
      const client = await clientOf(payment);
      if (!client?.refund) return { kind: "not_refundable", order, why: "not_supported" };
      const claimed = await store.payments.claimRefund(tenantId, payment._id, { at: new Date(), actor });
      if (!claimed) return { kind: "not_refundable", order, why: "in_progress" };
      let providerRef: string;
      try {
        ({ providerRef } = await client.refund(claimed, claimed.amount));
      } catch (error) {
        // Not a provider's answer, or one that may still have moved money: keep the claim.
        if (!(error instanceof ProviderError)) throw error;
        if (error.retryable) {
          logger.warn({ orderRef: ref, err: error }, "refund answer unknown: left for the refund reconciler");
          return { kind: "unconfirmed", order };
        }
        await store.payments.releaseRefundClaim(tenantId, payment._id);
        logger.warn({ orderRef: ref, err: error }, "provider refused a refund");
        return { kind: "provider_refused", order, message: error.message };
      }
      return { kind: "refunded", ...(await settleRefunded(claimed, order, providerRef, actor)) };
    },

    /**
     * Settles refunds claimed before `before` and never answered: asks the provider whether it
     * holds one (refunded) or not (claim dropped, the merchant may ask again). A provider that
     * cannot be asked leaves the claim, and an operator is alerted each round.
     */
    async reconcileClaims(before: Date): Promise<number> {
      const claimed = await store.payments.listRefundClaims(before, 100);
      for (const payment of claimed) {
        const order = await store.orders.findById(payment.tenantId, payment.orderId);
        const client = await clientOf(payment);
        if (!order || !client?.findRefund) {
          logger.error(
            { orderRef: payment.orderRef, paymentId: payment._id, claim: payment.refundClaim },
            "a refund's outcome is unknown and the provider cannot be asked: check its dashboard",
          );
          continue;
        }
        const held = await client.findRefund(payment);
        if (held) {
          await settleRefunded(payment, order, held.providerRef, payment.refundClaim?.actor ?? "reconciler");
        } else {
          await store.payments.releaseRefundClaim(payment.tenantId, payment._id);
          logger.warn({ orderRef: payment.orderRef }, "an unanswered refund was never made: claim dropped");
        }
      }
      return claimed.length;
    },
  };
}

export type Refunds = ReturnType<typeof createRefunds>;
