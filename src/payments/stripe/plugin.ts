import type { PaymentPlugin } from "../plugin.js";
import { createStripeClient } from "./client.js";
import { type StripeConfig, stripeConfigSchema } from "./config.js";
import { stripeEnvironment } from "./environment.js";
import { createRefund, findRefund } from "./refund.js";
import { createSession, isNotFound, retrieveSession, sessionIdOf } from "./session.js";
import { parseStripeWebhook } from "./webhook.js";

/** A session id no payment has: retrieving it answers 404 with a good key, 401 with a bad one. */
export const HEALTH_CHECK_SESSION = "cs_duka_health_check";

/**
 * Card payments through Stripe Checkout. `initiate` creates one Checkout Session per payment and
 * hands the shopper its hosted page; the result arrives as signed `checkout.session.*` events and
 * can always be asked for with `verify` (the session as Stripe holds it). Refunds, whole or in part,
 * go to the session's PaymentIntent. `charge.refunded` is acknowledged but not acted on: the
 * contract has no refund outcome, and refunds are started (and recorded) by Duka itself.
 */
export const stripePlugin: PaymentPlugin<typeof stripeConfigSchema> = {
  name: "stripe",
  label: "Card (Stripe)",
  // Stripe's test card that always succeeds.
  testInstructions: "card 4242 4242 4242 4242, any future expiry date, any CVC.",
  methods: ["card"],
  configSchema: stripeConfigSchema,
  /**
   * `/webhooks/stripe/<instance id>`: events are signed with the endpoint's `whsec_…`
   * (Stripe-Signature), so a bad or stale signature is a 401. Stripe retries non-2xx answers for
   * days; a duplicate is answered like the first.
   */
  webhook: { segment: "stripe", unauthenticated: "unauthorized", acknowledgement: { received: true } },
  environment: stripeEnvironment,
  create(instance) {
    const config: StripeConfig = instance.config;
    const stripe = createStripeClient(config);
    return {
      initiate: (request) => createSession(stripe, config, instance.publicUrl, request),
      verify: (payment) => retrieveSession(stripe, sessionIdOf(payment)),
      parseWebhook: async (request) => parseStripeWebhook(request, config),
      refund: (payment, amount) => createRefund(stripe, payment, amount),
      findRefund: (payment) => findRefund(stripe, payment),
      async healthCheck() {
        const started = performance.now();
        const latencyMs = () => Math.round(performance.now() - started);
        try {
          await stripe.checkout.sessions.retrieve(HEALTH_CHECK_SESSION);
          return { ok: true, latencyMs: latencyMs() };
        } catch (error) {
          if (isNotFound(error)) return { ok: true, latencyMs: latencyMs() };
          const status = (error as { statusCode?: number }).statusCode;
          const message =
            status === 401 || status === 403
              ? "Stripe refused the secret key"
              : status !== undefined
                ? `Stripe answered HTTP ${status}`
                : "Stripe could not be reached: check apiBase and the network";
          return { ok: false, message, latencyMs: latencyMs() };
        }
      },
    };
  },
};
