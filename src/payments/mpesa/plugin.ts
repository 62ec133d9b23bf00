import { ConfigError } from "../../domain/errors.js";
import type { PayerRequest } from "../../domain/payment-option.js";
import { type PaymentPlugin, ProviderError } from "../plugin.js";
import { parseStkCallback } from "./callback.js";
import { createDarajaClient, DEFAULT_TIMEOUT_MS, darajaHealthCheck } from "./client.js";
import { mpesaConfigSchema } from "./config.js";
import { mpesaEnvironment } from "./environment.js";
import { initiateStkPush, queryStkPush, toStkPushRequest } from "./stk.js";

export interface MpesaPluginOptions {
  /** "Now" in epoch ms, for the Kenya-time `Timestamp`. Default: Date.now. */
  readonly clock?: () => number;
  /** Per Daraja HTTP call, body included. Default: 10 000 ms. */
  readonly timeoutMs?: number;
}

/** The number the PIN prompt is pushed to, asked for in M-Pesa's words. */
const MPESA_PAYER: PayerRequest = {
  field: "phone",
  prompt: "Which M-Pesa number should get the payment request?",
  promptForOrder: "Which M-Pesa number should get the payment request for {order}?",
  invalid: "That is not an M-Pesa number I can use. Send it like 0712 345 678.",
};

/**
 * M-Pesa Express (STK Push) through Safaricom Daraja. `initiate` pushes a PIN prompt to the
 * shopper's phone; the result arrives as an unsigned callback (authenticated by the token in its
 * path) and can always be asked for with `verify` (STK Query). No refunds: M-Pesa reversals need
 * other Daraja APIs.
 */
export function createMpesaPlugin(options: MpesaPluginOptions = {}): PaymentPlugin<typeof mpesaConfigSchema> {
  const { clock = Date.now, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  return {
    name: "mpesa",
    label: "M-Pesa",
    // The number the Daraja sandbox's test credentials list as PartyA.
    testInstructions: "give the Daraja sandbox test number 254708374149 as the paying number.",
    promptsPayer: true,
    methods: ["mobile_money"],
    configSchema: mpesaConfigSchema,
    /**
     * `/webhooks/daraja/<instance id>/<callbackToken>`: Daraja signs nothing, so the unguessable
     * token in the path authenticates a callback, and a wrong one is answered like an unknown
     * instance. No "mpesa" (or "safaricom", "query", …) in the URL: Safaricom reportedly rejects
     * such URLs (providers.md §1.5). Daraja reads no particular answer; integrations return this.
     */
    webhook: {
      segment: "daraja",
      pathParams: ["token"],
      pathValues: (config) => [config.callbackToken],
      unauthenticated: "not_found",
      acknowledgement: { ResultCode: 0, ResultDesc: "Accepted" },
    },
    environment: mpesaEnvironment,
    receiptLabel: "M-Pesa receipt",
    payer: () => MPESA_PAYER,
    create(instance) {
      const { config } = instance;
      const client = createDarajaClient({ config, shared: instance.shared, timeoutMs });
      const callbackUrl = instance.webhookUrl;
      // The registry derives it from `webhook` above; without it Daraja would have nowhere to post.
      if (!callbackUrl) throw new ConfigError(`M-Pesa instance ${instance.id} has no callback URL`);
      return {
        async initiate({ payment, payer }) {
          const request = toStkPushRequest({
            config,
            payment,
            phone: payer.phone,
            callbackUrl,
            now: clock(),
          });
          return initiateStkPush(client, request, payment.amount);
        },
        async verify(payment) {
          if (payment.providerRef === undefined || payment.providerRef === "") {
            throw new ProviderError(
              "invalid_request",
              `Payment ${payment._id} has no CheckoutRequestID to query`,
              {
                retryable: false,
                shopperMessage: "M-Pesa could not complete the payment.",
              },
            );
          }
          return queryStkPush(client, config, payment.providerRef, clock());
        },
        parseWebhook: async (request) => parseStkCallback(request, config.callbackToken, config.allowedIps),
        healthCheck: () => darajaHealthCheck(client),
      };
    },
  };
}

export const mpesaPlugin = createMpesaPlugin();
