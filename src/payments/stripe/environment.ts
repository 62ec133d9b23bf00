import { httpUrlMessage, integer, pattern, url } from "../../config/env-values.js";
import { maskSecret } from "../../log/mask.js";
import { pluginEnvironment } from "../plugin.js";

interface StripeSettings {
  readonly secretKey: string;
  readonly webhookSecret: string;
  /** STRIPE_API_BASE. Default https://api.stripe.com. */
  readonly apiBase: string;
  /** STRIPE_WEBHOOK_TOLERANCE_SECONDS. Default 300. */
  readonly toleranceSeconds: number;
  /** True for `sk_test_`/`rk_test_` keys. */
  readonly testMode: boolean;
}

/** STRIPE_*: a secret key and a webhook secret make the default tenant's Stripe instance (DESIGN §7). */
export const stripeEnvironment = pluginEnvironment<StripeSettings>({
  name: "stripe",
  variables: {
    STRIPE_SECRET_KEY: pattern(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
      "must be a Stripe secret key (sk_test_… or sk_live_…)",
    ).optional(),
    STRIPE_WEBHOOK_SECRET: pattern(
      /^whsec_[A-Za-z0-9]+$/,
      "must be a Stripe webhook signing secret (whsec_…)",
    ).optional(),
    STRIPE_API_BASE: url(["http", "https"], httpUrlMessage).default("https://api.stripe.com"),
    STRIPE_WEBHOOK_TOLERANCE_SECONDS: integer(1, 3600).default(300),
  },
  secretVariables: ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"],
  check(env, issue) {
    // Without the signing secret no event could be trusted: payments would settle only by verify.
    if (env.STRIPE_SECRET_KEY !== undefined && env.STRIPE_WEBHOOK_SECRET === undefined) {
      issue(
        "STRIPE_WEBHOOK_SECRET",
        "is required because STRIPE_SECRET_KEY is set (the endpoint's whsec_… secret)",
      );
    }
    if (env.STRIPE_WEBHOOK_SECRET !== undefined && env.STRIPE_SECRET_KEY === undefined) {
      issue("STRIPE_SECRET_KEY", "is required because STRIPE_WEBHOOK_SECRET is set");
    }
  },
  read(env) {
    if (typeof env.STRIPE_SECRET_KEY !== "string" || typeof env.STRIPE_WEBHOOK_SECRET !== "string")
      return undefined;
    return {
      secretKey: env.STRIPE_SECRET_KEY,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET,
      apiBase: env.STRIPE_API_BASE as string,
      toleranceSeconds: env.STRIPE_WEBHOOK_TOLERANCE_SECONDS as number,
      testMode: /^(sk|rk)_test_/.test(env.STRIPE_SECRET_KEY),
    };
  },
  describe: (settings) => ({
    secretKey: maskSecret(settings.secretKey),
    webhookSecret: maskSecret(settings.webhookSecret),
    apiBase: settings.apiBase,
    toleranceSeconds: settings.toleranceSeconds,
    testMode: settings.testMode,
  }),
  summary: (settings) => `cards through Stripe Checkout${settings.testMode ? " (test mode)" : ""}`,
  setupHint: { variables: "STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET", takes: "cards" },
  seed: (settings) => ({
    displayName: "Card (Stripe)",
    testMode: settings.testMode,
    config: {
      secretKey: settings.secretKey,
      webhookSecret: settings.webhookSecret,
      apiBase: settings.apiBase,
      toleranceSeconds: settings.toleranceSeconds,
    },
    variables: {
      secretKey: "STRIPE_SECRET_KEY",
      webhookSecret: "STRIPE_WEBHOOK_SECRET",
      apiBase: "STRIPE_API_BASE",
      toleranceSeconds: "STRIPE_WEBHOOK_TOLERANCE_SECONDS",
    },
  }),
});
