import { formatMoney, fromMajor } from "../../domain/money.js";
import { type PaymentPlugin, ProviderError } from "../plugin.js";
import { cashOnDeliveryConfigSchema } from "./config.js";
import { cashOnDeliveryEnvironment } from "./environment.js";

/**
 * Cash on delivery: nothing to call and no money yet. Initiating places the order for delivery
 * (`awaiting_delivery`); only the merchant's word that the cash was collected (`/paid REF`, the
 * admin API) settles it, so the reconciler never asks about it and it never expires.
 */
export const cashOnDeliveryPlugin: PaymentPlugin<typeof cashOnDeliveryConfigSchema> = {
  name: "cash-on-delivery",
  label: "Cash on delivery",
  methods: ["cash_on_delivery"],
  configSchema: cashOnDeliveryConfigSchema,
  environment: cashOnDeliveryEnvironment,
  create: (instance) => ({
    initiate: async ({ order }) => {
      const { maxTotal } = instance.config;
      if (maxTotal !== undefined && order.total.amount > fromMajor(maxTotal, order.total.currency).amount) {
        // Refused before anything is placed for delivery; the shopper picks another way to pay.
        throw new ProviderError(
          "invalid_amount",
          `Order total is above the cash on delivery limit ${maxTotal}`,
          {
            retryable: false,
            shopperMessage: `Cash on delivery is only for orders up to ${formatMoney(fromMajor(maxTotal, order.total.currency))}. Please choose another way to pay.`,
          },
        );
      }
      return {
        status: "awaiting_delivery",
        action: { kind: "instructions", text: instance.config.instructions },
      };
    },
    // No provider to ask: the merchant says when the cash was collected.
    verify: async () => ({ outcome: "pending" }),
    parseWebhook: async () => {
      throw new ProviderError("unsupported", "Cash on delivery receives no webhooks", {
        retryable: false,
        shopperMessage: "This payment is confirmed by the shop on delivery.",
      });
    },
    healthCheck: async () => ({ ok: true }),
  }),
};
