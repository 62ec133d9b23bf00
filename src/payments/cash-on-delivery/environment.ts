import { z } from "zod";
import { integer } from "../../config/env-values.js";
import { pluginEnvironment } from "../plugin.js";
import { DEFAULT_DELIVERY_INSTRUCTIONS } from "./config.js";

interface CashOnDeliverySettings {
  readonly instructions: string;
  readonly maxTotal?: number;
}

/** CASH_ON_DELIVERY=on offers cash on delivery in the default tenant's shop. */
export const cashOnDeliveryEnvironment = pluginEnvironment<CashOnDeliverySettings>({
  name: "cash-on-delivery",
  variables: {
    CASH_ON_DELIVERY: z.enum(["on", "off"], { error: "must be on or off" }).default("off"),
    CASH_ON_DELIVERY_INSTRUCTIONS: z.string().max(1000, "must be at most 1000 characters").optional(),
    CASH_ON_DELIVERY_MAX_TOTAL: integer(1, 1_000_000_000).optional(),
  },
  read(env) {
    if (env.CASH_ON_DELIVERY !== "on") return undefined;
    return {
      instructions:
        typeof env.CASH_ON_DELIVERY_INSTRUCTIONS === "string"
          ? env.CASH_ON_DELIVERY_INSTRUCTIONS
          : DEFAULT_DELIVERY_INSTRUCTIONS,
      ...(typeof env.CASH_ON_DELIVERY_MAX_TOTAL === "number"
        ? { maxTotal: env.CASH_ON_DELIVERY_MAX_TOTAL }
        : {}),
    };
  },
  describe: (settings) => ({ ...settings }),
  summary: (settings) =>
    `cash on delivery${settings.maxTotal ? ` (orders up to ${settings.maxTotal})` : ""}, marked paid with /paid`,
  seed: (settings) => ({
    displayName: "Cash on delivery",
    testMode: false,
    config: {
      instructions: settings.instructions,
      ...(settings.maxTotal ? { maxTotal: settings.maxTotal } : {}),
    },
    variables: { instructions: "CASH_ON_DELIVERY_INSTRUCTIONS", maxTotal: "CASH_ON_DELIVERY_MAX_TOTAL" },
  }),
});
