import { z } from "zod";
import type { PayerRequest } from "../../domain/payment-option.js";

/**
 * The hosted-page options this plugin may ask for (providers-2 §2.2: `card`, `ussd`, `mobilemoneyghana`
 * are documented; the rest are practice). Flutterwave honours `payment_options` only when "Enable
 * Dashboard Payment Options" is unchecked on the dashboard.
 */
export const PAYMENT_OPTIONS = [
  "card",
  "mpesa",
  "ussd",
  "account",
  "banktransfer",
  "mobilemoneyghana",
  "mobilemoneyuganda",
  "mobilemoneyrwanda",
  "mobilemoneyzambia",
  "mobilemoneyfranco",
  "mobilemoneytanzania",
] as const;

/**
 * One Flutterwave v3 account (test or live: the key decides). The secret key authenticates API calls;
 * the secret hash is what the operator typed in Dashboard → Settings → Webhooks and comes back in each
 * webhook's `verif-hash` header (providers-2 §2.4). Both are stored encrypted and never logged.
 */
export const flutterwaveConfigSchema = z.strictObject({
  /** `FLWSECK_TEST-…-X` or `FLWSECK-…-X` (Dashboard → Settings → API keys). */
  secretKey: z
    .string()
    .trim()
    .regex(
      /^FLWSECK(_TEST)?-[A-Za-z0-9]+-X$/,
      "secretKey must be a Flutterwave secret key (FLWSECK_TEST-…-X or FLWSECK-…-X)",
    )
    .meta({ secret: true, perMode: true }),
  /** The webhook secret hash; long enough that guessing it is not a way in. */
  secretHash: z
    .string()
    .min(16, "secretHash must be at least 16 characters (Dashboard → Settings → Webhooks)")
    .meta({ secret: true, perMode: true }),
  /** Default: https://api.flutterwave.com (test and live alike). Another origin only for the emulator. */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://api.flutterwave.com")
    .meta({ perMode: true }),
  /** Per Flutterwave HTTP call, body included. Default: 10 000 ms. */
  timeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
  /** What the hosted page offers. Default: card and M-Pesa (this plugin's two methods). */
  paymentOptions: z.array(z.enum(PAYMENT_OPTIONS)).min(1).default(["card", "mpesa"]),
  /** Where the shopper's browser goes after paying. Default: Duka's public URL. A courtesy page only. */
  redirectUrl: z.url({ protocol: /^https?$/ }).optional(),
});

export type FlutterwaveConfig = z.output<typeof flutterwaveConfigSchema>;

/** Flutterwave requires `customer.email` on every payment (providers-2 §2.2): the shopper is asked. */
export function flutterwavePayer(): PayerRequest {
  return {
    field: "email",
    prompt: "Paying through Flutterwave needs an e-mail address for the receipt. What is yours?",
  };
}
