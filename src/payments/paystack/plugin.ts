import { type PaymentPlugin, ProviderError } from "../plugin.js";
import { createPaystackClient, DEFAULT_TIMEOUT_MS } from "./client.js";
import { type PaystackConfig, paystackConfigSchema, paystackPayer } from "./config.js";
import { paystackEnvironment } from "./environment.js";
import {
  createRefund,
  findRefund,
  initializeTransaction,
  referenceOf,
  VERIFY_PATH,
  verifyTransaction,
} from "./transaction.js";
import { parsePaystackWebhook } from "./webhook.js";

export interface PaystackPluginOptions {
  /** Per Paystack HTTP call, body included. Default: 10 000 ms. */
  readonly timeoutMs?: number;
}

/** A reference no payment has (references come from `pay_…` ids): verify answers "not found". */
export const HEALTH_CHECK_REFERENCE = "duka-health-check";

/**
 * Card payments through Paystack's hosted checkout. `initiate` creates a transaction and hands the
 * shopper its payment link; the result arrives as a `charge.success` webhook signed with the secret
 * key, and can always be asked for with `verify`. Paystack sends no event for failed or abandoned
 * payments (providers.md §2.3): those are found by the reconciler's verify. Refunds are supported.
 */
export function createPaystackPlugin(
  options: PaystackPluginOptions = {},
): PaymentPlugin<typeof paystackConfigSchema> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  return {
    name: "paystack",
    label: "Card (Paystack)",
    // Paystack's documented test card that succeeds after a PIN and an OTP.
    testInstructions: "card 4084 0840 8408 4081, any future expiry date, CVV 408, PIN 0000, OTP 123456.",
    methods: ["card"],
    configSchema: paystackConfigSchema,
    payer: paystackPayer,
    /**
     * `/webhooks/paystack/<instance id>`: events are signed with the instance's secret key
     * (x-paystack-signature, HMAC-SHA512 over the exact bytes), so a bad signature is a 401.
     * Paystack retries for 72 hours; a duplicate is answered like the first.
     */
    webhook: {
      segment: "paystack",
      unauthenticated: "unauthorized",
      acknowledgement: { received: true },
    },
    environment: paystackEnvironment,
    create(instance) {
      const config: PaystackConfig = instance.config;
      const client = createPaystackClient({ config, timeoutMs });
      return {
        initiate: (request) => initializeTransaction(client, config, request),
        verify: (payment) => verifyTransaction(client, referenceOf(payment)),
        parseWebhook: async (request) => parsePaystackWebhook(request, config, config.allowedIps),
        refund: (payment, amount) => createRefund(client, payment, amount),
        findRefund: (payment) => findRefund(client, payment),
        async healthCheck() {
          const started = performance.now();
          const latency = () => Math.round(performance.now() - started);
          try {
            // Cheap and authenticated: an unknown reference answers "not found" with a good key.
            const answer = await client.get(`${VERIFY_PATH}/${HEALTH_CHECK_REFERENCE}`, "health check");
            if (answer.ok || answer.failure.status === 400 || answer.failure.status === 404) {
              return { ok: true, latencyMs: latency() };
            }
            const message =
              answer.failure.status === 401 || answer.failure.status === 403
                ? "Paystack refused the secret key"
                : `Paystack answered HTTP ${answer.failure.status}`;
            return { ok: false, message, latencyMs: latency() };
          } catch (error) {
            // ProviderError messages name statuses and baseUrl, never the key.
            const message = error instanceof ProviderError ? error.message : "Paystack could not be reached";
            return { ok: false, message, latencyMs: latency() };
          }
        },
      };
    },
  };
}

export const paystackPlugin = createPaystackPlugin();
