import { randomBytes } from "node:crypto";
import { z } from "zod";

/** Words Daraja refuses in callback URLs (providers.md §1.5), checked case-insensitively. */
export const FORBIDDEN_CALLBACK_WORDS = [
  "m-pesa",
  "mpesa",
  "safaricom",
  "exec",
  "exe",
  "cmd",
  "sql",
  "query",
];

export const hasForbiddenWord = (value: string) =>
  FORBIDDEN_CALLBACK_WORDS.some((word) => value.toLowerCase().includes(word));

const digits = (min: number, max: number, what: string) =>
  z.string().regex(new RegExp(`^\\d{${min},${max}}$`), `${what} must be ${min}–${max} digits`);

/** The unguessable path token of a Daraja callback URL, as every Daraja plugin stores it. */
export const callbackTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{24,128}$/, "callbackToken must be 24–128 characters of A-Z, a-z, 0-9, _ or -")
  .refine((token) => !hasForbiddenWord(token), {
    message: `callbackToken must not contain ${FORBIDDEN_CALLBACK_WORDS.join(", ")} (Daraja rejects such URLs); generate another`,
  })
  .meta({ secret: true });

/** Safaricom's callback addresses, when an operator restricts callbacks to them. */
export const allowedIpsSchema = z
  .array(z.union([z.ipv4(), z.ipv6()]))
  .max(64)
  .optional();

/**
 * One Daraja app and shortcode. Secrets (`consumerKey`, `consumerSecret`, `passkey`, `callbackToken`)
 * are stored encrypted by the registry and never logged.
 */
export const mpesaConfigSchema = z.strictObject({
  /** The Daraja app's consumer key ("My Apps" in the portal). */
  consumerKey: z.string().trim().min(1, "consumerKey is required").meta({ secret: true, perMode: true }),
  consumerSecret: z
    .string()
    .trim()
    .min(1, "consumerSecret is required")
    .meta({ secret: true, perMode: true }),
  /** The Lipa na M-Pesa Online passkey Safaricom sent for the shortcode at Go Live. */
  passkey: z.string().trim().min(1, "passkey is required").meta({ secret: true, perMode: true }),
  /** BusinessShortCode: the Paybill, or for tills the HO/store number used at Go Live. */
  shortcode: digits(5, 7, "shortcode").meta({ perMode: true }),
  /** Who receives the money: the Till number for CustomerBuyGoodsOnline. Default: `shortcode`. */
  partyB: digits(5, 7, "partyB").optional().meta({ perMode: true }),
  /** Default: CustomerPayBillOnline. */
  transactionType: z
    .enum(["CustomerPayBillOnline", "CustomerBuyGoodsOnline"])
    .default("CustomerPayBillOnline")
    .meta({ perMode: true }),
  /** Default: the sandbox, https://sandbox.safaricom.co.ke (production: https://api.safaricom.co.ke). */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://sandbox.safaricom.co.ke")
    .meta({ perMode: true }),
  /**
   * The unguessable token in the callback path (Daraja signs nothing, so this is what proves a
   * callback came from the URL we gave Daraja). Generate it with `generateCallbackToken()`.
   */
  callbackToken: callbackTokenSchema,
  /**
   * Where callbacks may come from (Safaricom's published addresses). Unset: any address, the
   * token and the STK Query confirmation being the real checks; an allowlist is defence in depth.
   */
  allowedIps: allowedIpsSchema,
});

export type MpesaConfig = z.output<typeof mpesaConfigSchema>;

/** A fresh callback token: 256 random bits as hex (hex cannot spell any word Daraja refuses). */
export function generateCallbackToken(): string {
  return randomBytes(32).toString("hex");
}

/** The PartyB actually sent: the Till for Buy Goods when configured, else the shortcode. */
export function partyBOf(config: MpesaConfig): string {
  return config.partyB ?? config.shortcode;
}
