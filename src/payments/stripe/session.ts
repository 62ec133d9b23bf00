import type Stripe from "stripe";
import { formatMoney } from "../../domain/money.js";
import type { Payment } from "../../domain/payment.js";
import type { InitiateRequest, InitiateResult, VerifyResult } from "../plugin.js";
import { SESSION_MINUTES_MAX, SESSION_MINUTES_MIN, type StripeConfig } from "./config.js";
import { fromStripeAmount, toChargeAmount } from "./currency.js";
import { toProviderError, unexpectedAnswer } from "./errors.js";

/** The Idempotency-Key of a payment's one Checkout Session: a retried create returns the same session. */
export const checkoutKey = (paymentId: string) => `duka:${paymentId}:checkout`;

/**
 * The session a payment was started with (initiate stores its id as the provider reference), or
 * undefined when the create's answer never arrived: unlike a Paystack reference, a session id cannot
 * be rebuilt from ours.
 */
export const sessionIdOf = (payment: Payment): string | undefined => payment.providerRef || undefined;

/** What a session says was paid, as our Money; undefined when it names no amount that converts. */
export function amountOf(session: { amount_total: number | null; currency: string | null }) {
  return session.amount_total === null || session.currency === null
    ? undefined
    : fromStripeAmount(session.amount_total, session.currency);
}

/**
 * Seconds kept between a session's lifetime and Stripe's 30 min / 24 h bounds: Stripe measures them
 * from its own clock when the request arrives, a moment (and maybe a second boundary) after ours.
 */
export const SESSION_CLOCK_SLACK_S = 60;

/** The session's lifetime in seconds: the configured minutes, kept inside Stripe's window by the slack. */
function sessionLifetimeSeconds(config: StripeConfig): number {
  const shortest = SESSION_MINUTES_MIN * 60 + SESSION_CLOCK_SLACK_S;
  const longest = SESSION_MINUTES_MAX * 60 - SESSION_CLOCK_SLACK_S;
  return Math.min(longest, Math.max(shortest, config.sessionMinutes * 60));
}

/** The create body (providers-2 §1.2): one line for the whole order, our ids in both places Stripe keeps them. */
export function toSessionParams(
  request: InitiateRequest,
  config: StripeConfig,
  publicUrl: string,
  now = Date.now(),
): Stripe.Checkout.SessionCreateParams {
  const { payment } = request;
  const { amount, currency } = toChargeAmount(payment.amount);
  const metadata = {
    tenant_id: payment.tenantId,
    order_id: payment.orderId,
    order_ref: payment.orderRef,
    payment_id: payment._id,
  };
  return {
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: { currency, unit_amount: amount, product_data: { name: `Order ${payment.orderRef}` } },
      },
    ],
    client_reference_id: payment._id,
    metadata,
    payment_intent_data: { metadata },
    success_url: config.successUrl ?? publicUrl,
    expires_at: Math.floor(now / 1000) + sessionLifetimeSeconds(config),
  };
}

/** Creates the payment's Checkout Session: "pending" with its hosted page as the shopper's link. */
export async function createSession(
  stripe: Stripe,
  config: StripeConfig,
  publicUrl: string,
  request: InitiateRequest,
): Promise<InitiateResult> {
  const params = toSessionParams(request, config, publicUrl);
  const session = await stripe.checkout.sessions
    .create(params, { idempotencyKey: checkoutKey(request.payment._id) })
    .catch((error: unknown) => {
      throw toProviderError(error, "checkout session create");
    });
  if (typeof session.url !== "string" || !URL.canParse(session.url)) {
    throw unexpectedAnswer("checkout session create", "no url in the answer");
  }
  return {
    status: "pending",
    providerRef: session.id,
    action: {
      kind: "link",
      url: session.url,
      label: `Pay ${formatMoney(request.payment.amount)}`,
      expiresAt: new Date((params.expires_at ?? 0) * 1000),
    },
  };
}

/** The id of an expandable field (`payment_intent` is an id, or the object when expanded). */
export const idOf = (field: string | { readonly id: string } | null | undefined) =>
  typeof field === "string" ? field : field?.id;

/**
 * What a session says (providers-2 §1.3). Only complete + paid is a payment, with Stripe's amount
 * and currency (settlement compares them with ours); complete + unpaid is a delayed method still
 * running; open is the shopper not done yet; expired is a link nobody paid.
 */
export function toVerifyResult(session: Stripe.Checkout.Session): VerifyResult {
  if (session.status === "complete" && session.payment_status === "paid") {
    const amount = amountOf(session);
    if (amount === undefined) throw unexpectedAnswer("verify", "a paid session without a usable amount");
    return {
      outcome: "succeeded",
      amount,
      receipt: idOf(session.payment_intent) ?? session.id,
      providerCode: "paid",
    };
  }
  if (session.status === "expired") {
    return {
      outcome: "cancelled",
      reason: "The payment link expired before it was paid.",
      providerCode: "expired",
    };
  }
  return { outcome: "pending", providerCode: `${session.status ?? "unknown"}/${session.payment_status}` };
}

/**
 * Verify: the session as Stripe holds it now. No session id, or one Stripe does not know, is
 * "pending" (a create whose answer was lost): the reconciler expires the payment in the end.
 */
export async function retrieveSession(stripe: Stripe, sessionId: string | undefined): Promise<VerifyResult> {
  if (sessionId === undefined) return { outcome: "pending", providerCode: "no_session" };
  try {
    return toVerifyResult(await stripe.checkout.sessions.retrieve(sessionId));
  } catch (error) {
    if (isNotFound(error)) return { outcome: "pending", providerCode: "not_found" };
    throw toProviderError(error, "checkout session retrieve");
  }
}

export const isNotFound = (error: unknown) => (error as { statusCode?: number } | null)?.statusCode === 404;
