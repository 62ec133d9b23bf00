import { type PaymentPlugin, ProviderError } from "../plugin.js";
import { createFlutterwaveClient } from "./client.js";
import { type FlutterwaveConfig, flutterwaveConfigSchema, flutterwavePayer } from "./config.js";
import { flutterwaveEnvironment } from "./environment.js";
import {
  createPayment,
  createRefund,
  transactionPath,
  txRefOf,
  verifyById,
  verifyByReference,
} from "./transaction.js";
import { parseFlutterwaveWebhook } from "./webhook.js";

/** A transaction id no payment has: verifying it answers "not found" with a good key, 401 with a bad one. */
export const HEALTH_CHECK_TRANSACTION = "0";

/**
 * Cards and M-Pesa through Flutterwave Standard (v3). `initiate` creates a hosted payment whose
 * tx_ref is our payment id and hands the shopper its link; the page offers `paymentOptions`.
 * Both methods are declared: one instance is a card provider and a second route to M-Pesa (the
 * registry offers each method once and falls back across instances that declare it). The result
 * arrives as `charge.completed` (authenticated by `verif-hash`, then verified by transaction id)
 * and can always be asked for with `verify` by tx_ref. Refunds, whole or in part, are supported.
 */
export const flutterwavePlugin: PaymentPlugin<typeof flutterwaveConfigSchema> = {
  name: "flutterwave",
  label: "Flutterwave",
  methods: ["card", "mobile_money"],
  methodLabels: { card: "Card (Flutterwave)", mobile_money: "M-Pesa (Flutterwave)" },
  // Flutterwave's documented PIN-flow test card; it documents no test M-Pesa number, so test
  // payments of either method are made by card on the hosted page.
  testInstructions:
    "on the payment page choose card: 5531 8866 5214 2950, expiry 09/32, CVV 564, PIN 3310, OTP 12345.",
  configSchema: flutterwaveConfigSchema,
  payer: flutterwavePayer,
  /**
   * `/webhooks/flutterwave/<instance id>`: a wrong or missing `verif-hash` is a 401. Flutterwave
   * wants HTTP 200 (anything else is a failure and retried, when retries are on); a duplicate is
   * answered like the first.
   */
  webhook: {
    segment: "flutterwave",
    unauthenticated: "unauthorized",
    acknowledgement: { status: "success" },
  },
  environment: flutterwaveEnvironment,
  create(instance) {
    const config: FlutterwaveConfig = instance.config;
    const client = createFlutterwaveClient(config);
    return {
      initiate: (request) => createPayment(client, config, instance.publicUrl, request),
      verify: (payment) => verifyByReference(client, txRefOf(payment)),
      parseWebhook: (request) =>
        parseFlutterwaveWebhook(request, config.secretHash, (id, txRef) => verifyById(client, id, txRef)),
      refund: (payment, amount) => createRefund(client, payment, amount),
      async healthCheck() {
        const started = performance.now();
        const latencyMs = () => Math.round(performance.now() - started);
        try {
          const answer = await client.get(
            `${transactionPath(HEALTH_CHECK_TRANSACTION)}/verify`,
            "health check",
          );
          const status = answer.ok ? 200 : answer.failure.status;
          // An unknown id: 200-shaped "error" (providers-2 §2.3), or 400/404 [unconfirmed].
          if (status === 200 || status === 400 || status === 404) return { ok: true, latencyMs: latencyMs() };
          const message =
            status === 401 || status === 403
              ? "Flutterwave refused the secret key"
              : `Flutterwave answered HTTP ${status}`;
          return { ok: false, message, latencyMs: latencyMs() };
        } catch (error) {
          // ProviderError messages name baseUrl, never the key.
          const message = error instanceof ProviderError ? error.message : "Flutterwave could not be reached";
          return { ok: false, message, latencyMs: latencyMs() };
        }
      },
    };
  },
};
