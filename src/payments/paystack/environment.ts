import { z } from "zod";
import { httpUrlMessage, pattern, url } from "../../config/env-values.js";
import { maskSecret } from "../../log/mask.js";
import { pluginEnvironment } from "../plugin.js";

interface PaystackSettings {
  readonly secretKey: string;
  readonly publicKey?: string;
  /** PAYSTACK_BASE_URL. Default https://api.paystack.co. */
  readonly baseUrl: string;
  /** True for `sk_test_` keys. */
  readonly testMode: boolean;
  /** PAYSTACK_PREVIOUS_SECRET_KEY(_UNTIL): the key before a rotation, for webhooks until then. */
  readonly previousSecretKey?: string;
  readonly previousSecretKeyUntil?: string;
}

const secretKeyPattern = /^sk_(test|live)_[A-Za-z0-9]+$/;
const secretKeyMessage = "must be a Paystack secret key (sk_test_… or sk_live_…)";

/** An instant with its offset (2026-05-01T12:00:00Z), as the config's previousSecretKeyUntil takes it. */
const instant = z.iso.datetime({
  offset: true,
  error: "must be a date and time with its offset, like 2026-05-01T12:00:00Z",
});

const modeOf = (value: unknown, prefix: "sk" | "pk") =>
  new RegExp(`^${prefix}_(test|live)_`).exec(String(value ?? ""))?.[1];

/** PAYSTACK_*: a secret key makes the default tenant's Paystack instance (DESIGN §7). */
export const paystackEnvironment = pluginEnvironment<PaystackSettings>({
  name: "paystack",
  variables: {
    PAYSTACK_SECRET_KEY: pattern(secretKeyPattern, secretKeyMessage).optional(),
    PAYSTACK_PREVIOUS_SECRET_KEY: pattern(secretKeyPattern, secretKeyMessage).optional(),
    PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL: instant.optional(),
    PAYSTACK_PUBLIC_KEY: pattern(
      /^pk_(test|live)_[A-Za-z0-9]+$/,
      "must be a Paystack public key (pk_test_… or pk_live_…)",
    ).optional(),
    PAYSTACK_BASE_URL: url(["http", "https"], httpUrlMessage).default("https://api.paystack.co"),
  },
  secretVariables: ["PAYSTACK_SECRET_KEY", "PAYSTACK_PUBLIC_KEY", "PAYSTACK_PREVIOUS_SECRET_KEY"],
  check(env, issue) {
    if (env.PAYSTACK_PUBLIC_KEY !== undefined && env.PAYSTACK_SECRET_KEY === undefined) {
      issue("PAYSTACK_SECRET_KEY", "is required because PAYSTACK_PUBLIC_KEY is set");
    }
    if (
      env.PAYSTACK_PREVIOUS_SECRET_KEY !== undefined &&
      env.PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL === undefined
    ) {
      issue(
        "PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL",
        "is required because PAYSTACK_PREVIOUS_SECRET_KEY is set: until when may webhooks signed with the old key arrive (like 2026-05-01T12:00:00Z)?",
      );
    }
    if (env.PAYSTACK_PREVIOUS_SECRET_KEY !== undefined && env.PAYSTACK_SECRET_KEY === undefined) {
      issue("PAYSTACK_SECRET_KEY", "is required because PAYSTACK_PREVIOUS_SECRET_KEY is set");
    }
    const secretMode = modeOf(env.PAYSTACK_SECRET_KEY, "sk");
    const publicMode = modeOf(env.PAYSTACK_PUBLIC_KEY, "pk");
    if (secretMode && publicMode && secretMode !== publicMode) {
      issue("PAYSTACK_PUBLIC_KEY", `is a ${publicMode} key but PAYSTACK_SECRET_KEY is a ${secretMode} key`);
    }
  },
  read(env) {
    if (typeof env.PAYSTACK_SECRET_KEY !== "string") return undefined;
    return {
      secretKey: env.PAYSTACK_SECRET_KEY,
      ...(typeof env.PAYSTACK_PUBLIC_KEY === "string" ? { publicKey: env.PAYSTACK_PUBLIC_KEY } : {}),
      baseUrl: env.PAYSTACK_BASE_URL as string,
      testMode: env.PAYSTACK_SECRET_KEY.startsWith("sk_test_"),
      ...(typeof env.PAYSTACK_PREVIOUS_SECRET_KEY === "string"
        ? {
            previousSecretKey: env.PAYSTACK_PREVIOUS_SECRET_KEY,
            previousSecretKeyUntil: env.PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL as string,
          }
        : {}),
    };
  },
  describe: (settings) => ({
    secretKey: maskSecret(settings.secretKey),
    ...(settings.publicKey ? { publicKey: maskSecret(settings.publicKey) } : {}),
    baseUrl: settings.baseUrl,
    testMode: settings.testMode,
    ...(settings.previousSecretKey
      ? {
          previousSecretKey: maskSecret(settings.previousSecretKey),
          previousSecretKeyUntil: settings.previousSecretKeyUntil,
        }
      : {}),
  }),
  summary: (settings) => `cards through Paystack${settings.testMode ? " (test mode)" : ""}`,
  setupHint: { variables: "PAYSTACK_SECRET_KEY", takes: "cards" },
  seed: (settings) => ({
    displayName: "Card (Paystack)",
    testMode: settings.testMode,
    config: {
      secretKey: settings.secretKey,
      baseUrl: settings.baseUrl,
      ...(settings.publicKey ? { publicKey: settings.publicKey } : {}),
      ...(settings.previousSecretKey
        ? {
            previousSecretKey: settings.previousSecretKey,
            previousSecretKeyUntil: settings.previousSecretKeyUntil,
          }
        : {}),
    },
    variables: {
      secretKey: "PAYSTACK_SECRET_KEY",
      publicKey: "PAYSTACK_PUBLIC_KEY",
      baseUrl: "PAYSTACK_BASE_URL",
      previousSecretKey: "PAYSTACK_PREVIOUS_SECRET_KEY",
      previousSecretKeyUntil: "PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL",
    },
  }),
});
