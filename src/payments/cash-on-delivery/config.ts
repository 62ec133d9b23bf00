import { z } from "zod";

/** What the shopper is told when no instructions are configured. */
export const DEFAULT_DELIVERY_INSTRUCTIONS = "Pay the rider in cash or by M-Pesa when your order arrives.";

export const cashOnDeliveryConfigSchema = z.strictObject({
  /** How to pay on delivery, shown to the shopper when the order is placed. */
  instructions: z.string().trim().min(1).max(1000).default(DEFAULT_DELIVERY_INSTRUCTIONS),
  /**
   * The largest order total taken on delivery, in major units of the order's currency (5000 =
   * KES 5,000): goods handed over before payment are the merchant's risk. Unset: no limit.
   */
  maxTotal: z.number().positive().optional(),
});

export type CashOnDeliveryConfig = z.output<typeof cashOnDeliveryConfigSchema>;
