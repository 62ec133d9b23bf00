import { z } from "zod";
import { boolean, httpUrlMessage, ipList, pattern, url } from "../../config/env-values.js";
import { maskSecret } from "../../log/mask.js";
import { generateCallbackToken } from "../mpesa/config.js";
import { pluginEnvironment } from "../plugin.js";

const REQUIRED = ["MPESA_C2B_CONSUMER_KEY", "MPESA_C2B_CONSUMER_SECRET", "MPESA_C2B_SHORTCODE"] as const;

interface C2bSettings {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly shortcode: string;
  readonly type: "paybill" | "till";
  readonly tillNumber?: string;
  readonly baseUrl: string;
  readonly validate: boolean;
  readonly registerOnStart: boolean;
  readonly allowedIps?: readonly string[];
  readonly initiatorName?: string;
  readonly securityCredential?: string;
  readonly pullNominatedNumber?: string;
}

/** MPESA_C2B_*: the app's key and secret and the shortcode make the default tenant's Paybill/Till instance. */
export const c2bEnvironment = pluginEnvironment<C2bSettings>({
  name: "mpesa-c2b",
  variables: {
    MPESA_C2B_CONSUMER_KEY: pattern(/^\S+$/, "must not contain spaces").optional(),
    MPESA_C2B_CONSUMER_SECRET: pattern(/^\S+$/, "must not contain spaces").optional(),
    MPESA_C2B_SHORTCODE: pattern(
      /^\d{5,7}$/,
      "must be the Paybill or Till store number (5–7 digits)",
    ).optional(),
    MPESA_C2B_TYPE: z.enum(["paybill", "till"], { error: "must be paybill or till" }).default("paybill"),
    MPESA_C2B_TILL_NUMBER: pattern(
      /^\d{5,7}$/,
      "must be the Till number shoppers pay (5–7 digits)",
    ).optional(),
    MPESA_C2B_BASE_URL: url(["http", "https"], httpUrlMessage).default("https://sandbox.safaricom.co.ke"),
    MPESA_C2B_VALIDATE: boolean("must be true or false").default(false),
    MPESA_C2B_REGISTER_ON_START: boolean("must be true or false").default(false),
    MPESA_C2B_CALLBACK_IPS: ipList.optional(),
    MPESA_C2B_INITIATOR_NAME: pattern(/^\S{1,64}$/, "must be the API initiator's user name").optional(),
    MPESA_C2B_SECURITY_CREDENTIAL: pattern(
      /^\S{1,2048}$/,
      "must be the portal's security credential (no spaces)",
    ).optional(),
    MPESA_C2B_PULL_NOMINATED_NUMBER: pattern(
      /^254(7|1)\d{8}$/,
      "must be the Safaricom number nominated for Pull Transactions, like 254712345678",
    ).optional(),
  },
  secretVariables: ["MPESA_C2B_CONSUMER_KEY", "MPESA_C2B_CONSUMER_SECRET", "MPESA_C2B_SECURITY_CREDENTIAL"],
  check(env, issue) {
    // Transaction Status needs both: one alone would silently skip the check.
    const initiator = ["MPESA_C2B_INITIATOR_NAME", "MPESA_C2B_SECURITY_CREDENTIAL"] as const;
    const given = initiator.filter((name) => env[name] !== undefined);
    if (given.length === 1) {
      for (const name of initiator.filter((n) => env[n] === undefined)) {
        issue(name, `is required because ${given[0]} is set (Transaction Status needs both)`);
      }
    }
    const set = REQUIRED.filter((name) => env[name] !== undefined);
    if (set.length === 0 || set.length === REQUIRED.length) return;
    for (const name of REQUIRED.filter((n) => env[n] === undefined)) {
      issue(
        name,
        `is required because ${set.join(", ")} is set (M-Pesa Paybill/Till needs all three or none)`,
      );
    }
  },
  read(env) {
    if (REQUIRED.some((name) => env[name] === undefined)) return undefined;
    return {
      consumerKey: env.MPESA_C2B_CONSUMER_KEY as string,
      consumerSecret: env.MPESA_C2B_CONSUMER_SECRET as string,
      shortcode: env.MPESA_C2B_SHORTCODE as string,
      type: env.MPESA_C2B_TYPE as C2bSettings["type"],
      ...(env.MPESA_C2B_TILL_NUMBER ? { tillNumber: env.MPESA_C2B_TILL_NUMBER as string } : {}),
      baseUrl: env.MPESA_C2B_BASE_URL as string,
      validate: env.MPESA_C2B_VALIDATE as boolean,
      registerOnStart: env.MPESA_C2B_REGISTER_ON_START as boolean,
      ...(env.MPESA_C2B_CALLBACK_IPS ? { allowedIps: env.MPESA_C2B_CALLBACK_IPS as string[] } : {}),
      ...(env.MPESA_C2B_INITIATOR_NAME ? { initiatorName: env.MPESA_C2B_INITIATOR_NAME as string } : {}),
      ...(env.MPESA_C2B_SECURITY_CREDENTIAL
        ? { securityCredential: env.MPESA_C2B_SECURITY_CREDENTIAL as string }
        : {}),
      ...(env.MPESA_C2B_PULL_NOMINATED_NUMBER
        ? { pullNominatedNumber: env.MPESA_C2B_PULL_NOMINATED_NUMBER as string }
        : {}),
    };
  },
  describe: (settings) => ({
    consumerKey: maskSecret(settings.consumerKey),
    consumerSecret: maskSecret(settings.consumerSecret),
    shortcode: settings.shortcode,
    type: settings.type,
    ...(settings.tillNumber ? { tillNumber: settings.tillNumber } : {}),
    baseUrl: settings.baseUrl,
    validate: settings.validate,
    registerOnStart: settings.registerOnStart,
    ...(settings.initiatorName ? { initiatorName: settings.initiatorName } : {}),
    ...(settings.securityCredential ? { securityCredential: maskSecret(settings.securityCredential) } : {}),
    ...(settings.pullNominatedNumber ? { pullNominatedNumber: settings.pullNominatedNumber } : {}),
  }),
  summary: (settings) => (settings.type === "till" ? "M-Pesa Buy Goods Till (C2B)" : "M-Pesa Paybill (C2B)"),
  setupHint: { variables: REQUIRED.join(", "), takes: "M-Pesa Paybill/Till" },
  seed: (settings) => ({
    displayName: settings.type === "till" ? "M-Pesa Till" : "M-Pesa Paybill",
    testMode: settings.baseUrl.includes("sandbox"),
    config: {
      consumerKey: settings.consumerKey,
      consumerSecret: settings.consumerSecret,
      shortcode: settings.shortcode,
      type: settings.type,
      ...(settings.tillNumber ? { tillNumber: settings.tillNumber } : {}),
      baseUrl: settings.baseUrl,
      validate: settings.validate,
      registerOnStart: settings.registerOnStart,
      ...(settings.allowedIps ? { allowedIps: settings.allowedIps } : {}),
      ...(settings.initiatorName ? { initiatorName: settings.initiatorName } : {}),
      ...(settings.securityCredential ? { securityCredential: settings.securityCredential } : {}),
      ...(settings.pullNominatedNumber ? { pullNominatedNumber: settings.pullNominatedNumber } : {}),
    },
    // Made once: Daraja keeps the URLs it was given, so a restart must not change them.
    createOnly: { callbackToken: generateCallbackToken() },
    variables: {
      consumerKey: "MPESA_C2B_CONSUMER_KEY",
      consumerSecret: "MPESA_C2B_CONSUMER_SECRET",
      shortcode: "MPESA_C2B_SHORTCODE",
      type: "MPESA_C2B_TYPE",
      tillNumber: "MPESA_C2B_TILL_NUMBER",
      baseUrl: "MPESA_C2B_BASE_URL",
      validate: "MPESA_C2B_VALIDATE",
      registerOnStart: "MPESA_C2B_REGISTER_ON_START",
      allowedIps: "MPESA_C2B_CALLBACK_IPS",
      initiatorName: "MPESA_C2B_INITIATOR_NAME",
      securityCredential: "MPESA_C2B_SECURITY_CREDENTIAL",
      pullNominatedNumber: "MPESA_C2B_PULL_NOMINATED_NUMBER",
    },
  }),
});
