import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.js";
import { flutterwaveConfigSchema, flutterwavePlugin } from "../../../src/payments/flutterwave/index.js";
import { secretFieldsOf } from "../../../src/payments/plugin.js";
import { configErrorOf } from "../../helpers/shop.js";

const KEYS = {
  FLUTTERWAVE_SECRET_KEY: "FLWSECK_TEST-0123456789abcdef0123456789abcdef-X",
  FLUTTERWAVE_SECRET_HASH: "a-long-webhook-secret-hash",
};
const flutterwaveOf = (env: NodeJS.ProcessEnv) =>
  loadConfig(env).sections.flutterwave as Record<string, unknown> | undefined;

describe("Flutterwave config", () => {
  it("keeps the key and the hash secret and fills the defaults", () => {
    expect(secretFieldsOf(flutterwaveConfigSchema).sort()).toEqual(["secretHash", "secretKey"]);
    const config = { secretKey: KEYS.FLUTTERWAVE_SECRET_KEY, secretHash: KEYS.FLUTTERWAVE_SECRET_HASH };
    expect(flutterwaveConfigSchema.parse(config)).toEqual({
      ...config,
      baseUrl: "https://api.flutterwave.com",
      timeoutMs: 10_000,
      paymentOptions: ["card", "mpesa"],
    });
  });

  it.each([
    ["a public key", { secretKey: "FLWPUBK_TEST-abc-X" }],
    ["a short secret hash", { secretHash: "short" }],
    ["an unknown payment option", { paymentOptions: ["cash"] }],
    ["no payment options", { paymentOptions: [] }],
  ])("refuses %s", (_what, change) => {
    const config = {
      secretKey: KEYS.FLUTTERWAVE_SECRET_KEY,
      secretHash: KEYS.FLUTTERWAVE_SECRET_HASH,
      ...change,
    };
    expect(flutterwaveConfigSchema.safeParse(config).success).toBe(false);
  });
});

describe("FLUTTERWAVE_* environment", () => {
  it("makes no instance without keys, a test-mode one with them, live with a live key", () => {
    expect(flutterwaveOf({})).toBeUndefined();
    expect(flutterwaveOf({ ...KEYS, FLUTTERWAVE_BASE_URL: "http://127.0.0.1:12112/" })).toEqual({
      secretKey: KEYS.FLUTTERWAVE_SECRET_KEY,
      secretHash: KEYS.FLUTTERWAVE_SECRET_HASH,
      baseUrl: "http://127.0.0.1:12112",
      testMode: true,
    });
    expect(flutterwaveOf({ ...KEYS, FLUTTERWAVE_SECRET_KEY: "FLWSECK-abc123-X" })?.testMode).toBe(false);
  });

  it("needs the key and the hash together", () => {
    expect(configErrorOf({ FLUTTERWAVE_SECRET_KEY: KEYS.FLUTTERWAVE_SECRET_KEY })).toContain(
      "FLUTTERWAVE_SECRET_HASH is required because FLUTTERWAVE_SECRET_KEY is set",
    );
    expect(configErrorOf({ FLUTTERWAVE_SECRET_HASH: KEYS.FLUTTERWAVE_SECRET_HASH })).toContain(
      "FLUTTERWAVE_SECRET_KEY is required because FLUTTERWAVE_SECRET_HASH is set",
    );
  });

  it("seeds a config the plugin's schema accepts", () => {
    const environment = flutterwavePlugin.environment!;
    const seed = environment.seed(flutterwaveOf(KEYS), { paymentInstructions: "" });
    expect(seed).toMatchObject({ displayName: "Flutterwave", testMode: true });
    expect(flutterwaveConfigSchema.parse(seed.config)).toMatchObject({
      secretHash: KEYS.FLUTTERWAVE_SECRET_HASH,
    });
  });
});
