import { z } from "zod";

/** Stripe refuses a Checkout Session that expires sooner than 30 minutes or later than 24 hours (providers-2 §1.2). */
export const SESSION_MINUTES_MIN = 30;
export const SESSION_MINUTES_MAX = 24 * 60;

/**
 * One Stripe account (test or live). The secret key authenticates API calls; the webhook secret
 * (one per webhook endpoint) signs the events Stripe posts. Both are stored encrypted and never logged.
 */
export const stripeConfigSchema = z.strictObject({
  /** `sk_test_…`, `sk_live_…` or a restricted `rk_…` key (Dashboard → Developers → API keys). */
  secretKey: z
    .string()
    .trim()
    .regex(/^(sk|rk)_(test|live)_\w+$/, "secretKey must be a Stripe secret key (sk_test_… or sk_live_…)")
    .meta({ secret: true, perMode: true }),
  /** `whsec_…`, shown once when the webhook endpoint is added (Dashboard → Developers → Webhooks). */
  webhookSecret: z
    .string()
    .trim()
    .regex(/^whsec_\w+$/, "webhookSecret must be a Stripe webhook signing secret (whsec_…)")
    .meta({ secret: true, perMode: true }),
  /** Default: https://api.stripe.com. Another origin only for the emulator (sandbox/stripe). */
  apiBase: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://api.stripe.com")
    .meta({ perMode: true }),
  /** Per Stripe HTTP call, body included. Default: 10 000 ms. */
  timeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
  /** How old a webhook's signed timestamp may be, in seconds. Default: 300 (Stripe's own default). */
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
  /**
   * How long the shopper's Checkout link stays open, in minutes. Default and minimum 30 (Stripe's
   * floor), at most 1440. Our own payment usually expires sooner (the last RECONCILE_DELAYS_SECONDS):
   * a payment on the still-open page then settles as any late success does. Set it to at least that
   * expiry when the delays are longer, so the link does not close first.
   */
  sessionMinutes: z
    .number()
    .int()
    .min(SESSION_MINUTES_MIN)
    .max(SESSION_MINUTES_MAX)
    .default(SESSION_MINUTES_MIN),
  /** Where the shopper's browser goes after paying. Default: Duka's public URL. A courtesy page only. */
  successUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type StripeConfig = z.output<typeof stripeConfigSchema>;
