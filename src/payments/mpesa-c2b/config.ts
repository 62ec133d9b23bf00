import { z } from "zod";
import { allowedIpsSchema, callbackTokenSchema } from "../mpesa/config.js";

const shortcode = (what: string) => z.string().regex(/^\d{5,7}$/, `${what} must be 5–7 digits`);

/**
 * One Paybill or Till taking payments the shopper makes from the SIM menu or *334# (Daraja C2B).
 * Secrets (`consumerKey`, `consumerSecret`, `securityCredential`, `callbackToken`) are stored
 * encrypted and never logged. The Daraja app, shortcode and initiator differ between the sandbox
 * and production (`perMode`); the callback token is in the registered URLs: one per instance.
 */
export const c2bConfigSchema = z.strictObject({
  /** The Daraja app with the C2B product (it may be the STK Push app). */
  consumerKey: z.string().trim().min(1, "consumerKey is required").meta({ secret: true, perMode: true }),
  consumerSecret: z
    .string()
    .trim()
    .min(1, "consumerSecret is required")
    .meta({ secret: true, perMode: true }),
  /** The organisation shortcode the URLs are registered for: the Paybill, or a Till's store number. */
  shortcode: shortcode("shortcode").meta({ perMode: true }),
  /** `paybill`: paid with an account number (the order reference); `till`: Buy Goods, no account. */
  type: z.enum(["paybill", "till"]).default("paybill").meta({ perMode: true }),
  /** The Till number shoppers pay, when it differs from `shortcode`. Default: `shortcode`. */
  tillNumber: shortcode("tillNumber").optional().meta({ perMode: true }),
  /** Default: the sandbox, https://sandbox.safaricom.co.ke (production: https://api.safaricom.co.ke). */
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((url) => url.replace(/\/+$/, ""))
    .default("https://sandbox.safaricom.co.ke")
    .meta({ perMode: true }),
  /** The Register URL version, matching the API product of the Daraja app (v2 masks the MSISDN, v1 hashes it). */
  apiVersion: z.enum(["v1", "v2"]).default("v2").meta({ perMode: true }),
  /**
   * Answer Daraja's validation requests from the orders (refuse unknown or paid account numbers
   * and amounts above what is due). Safaricom must also switch external validation on for the
   * shortcode; false: every validation is accepted.
   */
  validate: z.boolean().default(false),
  /** What M-Pesa does when our validation answer does not come in time (Register URL `ResponseType`). */
  responseType: z.enum(["Completed", "Cancelled"]).default("Completed"),
  /** Register the URLs with Daraja at each start (production registers once; a repeat is reported, not fatal). */
  registerOnStart: z.boolean().default(false),
  /**
   * The portal's API initiator with the "Transaction Status query ORG API" role, and its security
   * credential (the initiator password encrypted with Safaricom's certificate, as the portal
   * generates it). Both set: every confirmation is checked with Transaction Status before it settles.
   */
  initiatorName: z.string().trim().min(1).max(64).optional().meta({ perMode: true }),
  securityCredential: z.string().trim().min(1).max(2048).optional().meta({ secret: true, perMode: true }),
  /**
   * The Safaricom number nominated for Daraja's Pull Transactions (2547… or 2541…): set, the
   * shortcode is registered for it with the URLs, and the payments of the last hours are pulled
   * regularly so a confirmation Daraja never sent still settles. Live shortcodes only.
   */
  pullNominatedNumber: z
    .string()
    .regex(/^254(7|1)\d{8}$/, "pullNominatedNumber must be a Safaricom number like 254712345678")
    .optional()
    .meta({ perMode: true }),
  /** The unguessable token in the callback paths (Daraja signs nothing). */
  callbackToken: callbackTokenSchema,
  /** Where callbacks may come from (Safaricom's addresses); unset: any address. */
  allowedIps: allowedIpsSchema,
});

export type C2bConfig = z.output<typeof c2bConfigSchema>;

/** The number the shopper pays: the Till for Buy Goods, else the Paybill. */
export function payNumberOf(config: C2bConfig): string {
  return config.type === "till" ? (config.tillNumber ?? config.shortcode) : config.shortcode;
}
