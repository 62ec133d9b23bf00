import { z } from "zod";
import { httpUrlMessage, ipList, pattern, url } from "../../config/env-values.js";
import { maskSecret } from "../../log/mask.js";
import { pluginEnvironment } from "../plugin.js";
import { generateCallbackToken } from "./config.js";

const CREDENTIALS = [
  "MPESA_CONSUMER_KEY",
  "MPESA_CONSUMER_SECRET",
  "MPESA_SHORTCODE",
  "MPESA_PASSKEY",
] as const;

interface MpesaSettings {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  /** MPESA_SHORTCODE: the Paybill or Till number (BusinessShortCode). */
  readonly shortcode: string;
  readonly passkey: string;
  readonly transactionType: "CustomerPayBillOnline" | "CustomerBuyGoodsOnline";
  readonly baseUrl: string;
  /** MPESA_CALLBACK_IPS: the only addresses Daraja callbacks may come from. Default: any. */
  readonly allowedIps?: readonly string[];
}

/** MPESA_*: all four credentials set make the default tenant's M-Pesa instance (DESIGN §7). */
export const mpesaEnvironment = pluginEnvironment<MpesaSettings>({
  name: "mpesa",
  variables: {
    MPESA_CONSUMER_KEY: pattern(/^\S+$/, "must not contain spaces").optional(),
    MPESA_CONSUMER_SECRET: pattern(/^\S+$/, "must not contain spaces").optional(),
    MPESA_SHORTCODE: pattern(/^\d{4,10}$/, "must be the Paybill or Till number (digits only)").optional(),
    MPESA_PASSKEY: pattern(
      /^[A-Za-z0-9]+$/,
      "must be the Lipa na M-Pesa passkey (letters and digits)",
    ).optional(),
    MPESA_TRANSACTION_TYPE: z
      .enum(["CustomerPayBillOnline", "CustomerBuyGoodsOnline"], {
        error: "must be CustomerPayBillOnline or CustomerBuyGoodsOnline",
      })
      .default("CustomerPayBillOnline"),
    MPESA_BASE_URL: url(["http", "https"], httpUrlMessage).default("https://sandbox.safaricom.co.ke"),
    MPESA_CALLBACK_IPS: ipList.optional(),
  },
  secretVariables: ["MPESA_CONSUMER_KEY", "MPESA_CONSUMER_SECRET", "MPESA_PASSKEY"],
  check(env, issue) {
    const set = CREDENTIALS.filter((name) => env[name] !== undefined);
    if (set.length === 0 || set.length === CREDENTIALS.length) return;
    for (const name of CREDENTIALS.filter((n) => env[n] === undefined)) {
      issue(
        name,
        `is required because ${set.join(", ")} is set (M-Pesa needs all four MPESA_ credentials or none)`,
      );
    }
  },
  read(env) {
    if (CREDENTIALS.some((name) => env[name] === undefined)) return undefined;
    return {
      consumerKey: env.MPESA_CONSUMER_KEY as string,
      consumerSecret: env.MPESA_CONSUMER_SECRET as string,
      shortcode: env.MPESA_SHORTCODE as string,
      passkey: env.MPESA_PASSKEY as string,
      transactionType: env.MPESA_TRANSACTION_TYPE as MpesaSettings["transactionType"],
      baseUrl: env.MPESA_BASE_URL as string,
      ...(env.MPESA_CALLBACK_IPS ? { allowedIps: env.MPESA_CALLBACK_IPS as string[] } : {}),
    };
  },
  describe: (settings) => ({
    consumerKey: maskSecret(settings.consumerKey),
    consumerSecret: maskSecret(settings.consumerSecret),
    shortcode: settings.shortcode,
    passkey: maskSecret(settings.passkey),
    transactionType: settings.transactionType,
    baseUrl: settings.baseUrl,
  }),
  summary: () => "M-Pesa (STK Push)",
  setupHint: { variables: CREDENTIALS.join(", "), takes: "M-Pesa" },
  seed: (settings) => ({
    displayName: "M-Pesa",
    testMode: settings.baseUrl.includes("sandbox"),
    config: {
      consumerKey: settings.consumerKey,
      consumerSecret: settings.consumerSecret,
      passkey: settings.passkey,
      shortcode: settings.shortcode,
      transactionType: settings.transactionType,
      baseUrl: settings.baseUrl,
      ...(settings.allowedIps ? { allowedIps: settings.allowedIps } : {}),
    },
    // Made once: Daraja keeps the URL it was given, so a restart must not change it.
    createOnly: { callbackToken: generateCallbackToken() },
    variables: {
      consumerKey: "MPESA_CONSUMER_KEY",
      consumerSecret: "MPESA_CONSUMER_SECRET",
      passkey: "MPESA_PASSKEY",
      shortcode: "MPESA_SHORTCODE",
      transactionType: "MPESA_TRANSACTION_TYPE",
      baseUrl: "MPESA_BASE_URL",
      allowedIps: "MPESA_CALLBACK_IPS",
    },
  }),
});
