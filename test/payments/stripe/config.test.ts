import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { secretFieldsOf } from "../../../src/payments/plugin.js";
import { stripeConfigSchema, stripePlugin } from "../../../src/payments/stripe/index.js";
import { configErrorOf } from "../../helpers/shop.js";

const KEYS = { STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_def456" };
const stripeOf = (env: NodeJS.ProcessEnv) =>
  loadConfig(env).sections.stripe as Record<string, unknown> | undefined;

describe("Stripe config", () => {
  it("keeps both keys secret and fills the defaults", () => {
    expect(secretFieldsOf(stripeConfigSchema).sort()).toEqual(["secretKey", "webhookSecret"]);
    expect(stripeConfigSchema.parse({ secretKey: "sk_live_x1", webhookSecret: "whsec_y2" })).toEqual({
      secretKey: "sk_live_x1",
      webhookSecret: "whsec_y2",
      apiBase: "https://api.stripe.com",
      timeoutMs: 10_000,
      toleranceSeconds: 300,
      sessionMinutes: 30,
    });
  });

  it.each([
    ["a publishable key", { secretKey: "pk_test_x" }],
    ["a webhook secret without whsec_", { webhookSecret: "sec_y" }],
    ["a session under Stripe's 30 minutes", { sessionMinutes: 29 }],
    ["a session over Stripe's 24 hours", { sessionMinutes: 1441 }],
    ["a tolerance of 0", { toleranceSeconds: 0 }],
  ])("refuses %s", (_what, change) => {
    const config = { secretKey: "sk_test_x", webhookSecret: "whsec_y", ...change };
    expect(stripeConfigSchema.safeParse(config).success).toBe(false);
  });
});

describe("STRIPE_* environment", () => {
  it("makes no instance without keys, and a test-mode one with them", () => {
    expect(stripeOf({})).toBeUndefined();
    expect(
      stripeOf({
        ...KEYS,
        STRIPE_API_BASE: "http://127.0.0.1:12111/",
        STRIPE_WEBHOOK_TOLERANCE_SECONDS: "60",
      }),
    ).toEqual({
      secretKey: KEYS.STRIPE_SECRET_KEY,
      webhookSecret: KEYS.STRIPE_WEBHOOK_SECRET,
      apiBase: "http://127.0.0.1:12111",
      toleranceSeconds: 60,
      testMode: true,
    });
    expect(stripeOf({ ...KEYS, STRIPE_SECRET_KEY: "sk_live_abc123" })?.testMode).toBe(false);
  });

  it("needs both keys together", () => {
    expect(configErrorOf({ STRIPE_SECRET_KEY: KEYS.STRIPE_SECRET_KEY })).toContain(
      "STRIPE_WEBHOOK_SECRET is required because STRIPE_SECRET_KEY is set",
    );
    expect(configErrorOf({ STRIPE_WEBHOOK_SECRET: KEYS.STRIPE_WEBHOOK_SECRET })).toContain(
      "STRIPE_SECRET_KEY is required because STRIPE_WEBHOOK_SECRET is set",
    );
  });

  it("seeds a config the plugin's schema accepts", () => {
    const environment = stripePlugin.environment!;
    const seed = environment.seed(stripeOf(KEYS), { paymentInstructions: "" });
    expect(seed).toMatchObject({ displayName: "Card (Stripe)", testMode: true });
    expect(stripeConfigSchema.parse(seed.config)).toMatchObject({ secretKey: KEYS.STRIPE_SECRET_KEY });
    expect(environment.summary(stripeOf(KEYS))).toBe("cards through Stripe Checkout (test mode)");
  });
});
