import { z } from "zod";
import { type PaymentPlugin, ProviderError } from "../plugin.js";

const configSchema = z.strictObject({
  /** Where to send the money and what to do next, shown to the shopper at checkout. */
  instructions: z.string().trim().min(1).max(1000),
});

/**
 * Bank or mobile-money transfer, proven by a receipt the merchant reviews. Nothing to call:
 * initiating shows the instructions, and the merchant's verdict settles the payment.
 */
export const manualPlugin: PaymentPlugin<typeof configSchema> = {
  name: "manual",
  label: "Bank transfer / manual",
  methods: ["manual"],
  configSchema,
  create: (instance) => ({
    initiate: async () => ({
      status: "awaiting_proof",
      action: { kind: "instructions", text: instance.config.instructions },
    }),
    // No provider to ask: a manual payment waits for the merchant's review.
    verify: async () => ({ outcome: "pending" }),
    parseWebhook: async () => {
      throw new ProviderError("no_webhooks", "The manual method receives no webhooks", {
        retryable: false,
        shopperMessage: "This payment is confirmed by the shop.",
      });
    },
    healthCheck: async () => ({ ok: true }),
  }),
};
