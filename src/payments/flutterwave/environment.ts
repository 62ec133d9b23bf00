import { httpUrlMessage, pattern, url } from "../../config/env-values.js";
import { maskSecret } from "../../log/mask.js";
import { pluginEnvironment } from "../plugin.js";

interface FlutterwaveSettings {
  readonly secretKey: string;
  readonly secretHash: string;
  /** FLUTTERWAVE_BASE_URL. Default https://api.flutterwave.com. */
  readonly baseUrl: string;
  /** True for `FLWSECK_TEST-` keys. */
  readonly testMode: boolean;
}

/** FLUTTERWAVE_*: a secret key and a webhook secret hash make the default tenant's instance (DESIGN §7). */
export const flutterwaveEnvironment = pluginEnvironment<FlutterwaveSettings>({
  name: "flutterwave",
  variables: {
    FLUTTERWAVE_SECRET_KEY: pattern(
      /^FLWSECK(_TEST)?-[A-Za-z0-9]+-X$/,
      "must be a Flutterwave secret key (FLWSECK_TEST-…-X or FLWSECK-…-X)",
    ).optional(),
    FLUTTERWAVE_SECRET_HASH: pattern(
      /^.{16,}$/,
      "must be the webhook secret hash, at least 16 characters",
    ).optional(),
    FLUTTERWAVE_BASE_URL: url(["http", "https"], httpUrlMessage).default("https://api.flutterwave.com"),
  },
  secretVariables: ["FLUTTERWAVE_SECRET_KEY", "FLUTTERWAVE_SECRET_HASH"],
  check(env, issue) {
    // Without the hash no webhook could be trusted: payments would settle only by verify.
    if (env.FLUTTERWAVE_SECRET_KEY !== undefined && env.FLUTTERWAVE_SECRET_HASH === undefined) {
      issue(
        "FLUTTERWAVE_SECRET_HASH",
        "is required because FLUTTERWAVE_SECRET_KEY is set (Dashboard → Settings → Webhooks)",
      );
    }
    if (env.FLUTTERWAVE_SECRET_HASH !== undefined && env.FLUTTERWAVE_SECRET_KEY === undefined) {
      issue("FLUTTERWAVE_SECRET_KEY", "is required because FLUTTERWAVE_SECRET_HASH is set");
    }
  },
  read(env) {
    if (typeof env.FLUTTERWAVE_SECRET_KEY !== "string" || typeof env.FLUTTERWAVE_SECRET_HASH !== "string")
      return undefined;
    return {
      secretKey: env.FLUTTERWAVE_SECRET_KEY,
      secretHash: env.FLUTTERWAVE_SECRET_HASH,
      baseUrl: env.FLUTTERWAVE_BASE_URL as string,
      testMode: env.FLUTTERWAVE_SECRET_KEY.startsWith("FLWSECK_TEST-"),
    };
  },
  describe: (settings) => ({
    secretKey: maskSecret(settings.secretKey),
    secretHash: maskSecret(settings.secretHash),
    baseUrl: settings.baseUrl,
    testMode: settings.testMode,
  }),
  summary: (settings) => `cards and M-Pesa through Flutterwave${settings.testMode ? " (test mode)" : ""}`,
  setupHint: { variables: "FLUTTERWAVE_SECRET_KEY, FLUTTERWAVE_SECRET_HASH", takes: "cards and M-Pesa" },
  seed: (settings) => ({
    displayName: "Flutterwave",
    testMode: settings.testMode,
    config: { secretKey: settings.secretKey, secretHash: settings.secretHash, baseUrl: settings.baseUrl },
    variables: {
      secretKey: "FLUTTERWAVE_SECRET_KEY",
      secretHash: "FLUTTERWAVE_SECRET_HASH",
      baseUrl: "FLUTTERWAVE_BASE_URL",
    },
  }),
});
