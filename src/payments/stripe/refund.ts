import type Stripe from "stripe";
import { formatMoney, type Money } from "../../domain/money.js";
import type { Payment } from "../../domain/payment.js";
import { ProviderError } from "../plugin.js";
import { toStripeAmount } from "./currency.js";
import { toProviderError, UNAVAILABLE, unexpectedAnswer } from "./errors.js";
import { idOf, sessionIdOf } from "./session.js";

/**
 * The Idempotency-Key of one refund request: the payment, the refund claim that allowed it (a new
 * claim after a dropped one is a new request) and the amount (a partial refund and the rest differ).
 */
export function refundKey(payment: Payment, amount: Money): string {
  return `duka:${payment._id}:refund:${payment.refundClaim?.at.getTime() ?? "direct"}:${amount.amount}`;
}

/** The PaymentIntent that took the session's money (refunds name it, not the session); undefined: none. */
async function paymentIntentOf(stripe: Stripe, payment: Payment): Promise<string | undefined> {
  const sessionId = sessionIdOf(payment);
  if (sessionId === undefined) return undefined;
  const session = await stripe.checkout.sessions.retrieve(sessionId).catch((error: unknown) => {
    throw toProviderError(error, "checkout session retrieve");
  });
  return idOf(session.payment_intent);
}

/** Refunds `amount` (all or part) of a paid payment; Stripe refuses more than is left. */
export async function createRefund(
  stripe: Stripe,
  payment: Payment,
  amount: Money,
): Promise<{ readonly providerRef: string }> {
  if (amount.currency !== payment.amount.currency) {
    throw new ProviderError(
      "invalid_amount",
      `Cannot refund ${amount.currency} of a ${formatMoney(payment.amount)} payment`,
      {
        retryable: false,
        shopperMessage: UNAVAILABLE,
      },
    );
  }
  const paymentIntent = await paymentIntentOf(stripe, payment);
  if (paymentIntent === undefined)
    throw unexpectedAnswer("refund", `session of ${payment._id} has no payment`);
  const refund = await stripe.refunds
    .create(
      {
        payment_intent: paymentIntent,
        amount: toStripeAmount(amount).amount,
        metadata: { payment_id: payment._id },
      },
      { idempotencyKey: refundKey(payment, amount) },
    )
    .catch((error: unknown) => {
      throw toProviderError(error, "refund", "refund_refused");
    });
  return { providerRef: refund.id };
}

/** The refund Stripe holds for the payment (the newest neither failed nor canceled), or null. */
export async function findRefund(
  stripe: Stripe,
  payment: Payment,
): Promise<{ readonly providerRef: string } | null> {
  const paymentIntent = await paymentIntentOf(stripe, payment);
  if (paymentIntent === undefined) return null;
  const list = await stripe.refunds
    .list({ payment_intent: paymentIntent, limit: 10 })
    .catch((error: unknown) => {
      throw toProviderError(error, "refund list");
    });
  const held = list.data.find((refund) => refund.status !== "failed" && refund.status !== "canceled");
  return held === undefined ? null : { providerRef: held.id };
}
