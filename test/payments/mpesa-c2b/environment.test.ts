import { describe, expect, it } from "vitest";
import { sectionSettings } from "../../../src/config/env-section.js";
import { c2bEnvironment } from "../../../src/payments/mpesa-c2b/environment.js";
import { configErrorOf, testConfig } from "../../helpers/shop.js";

const C2B = {
  MPESA_C2B_CONSUMER_KEY: "key123",
  MPESA_C2B_CONSUMER_SECRET: "secret123",
  MPESA_C2B_SHORTCODE: "600100",
};

describe("MPESA_C2B_* variables", () => {
  it("seed a Till instance with its settings, a fresh callback token made once", () => {
    const config = testConfig({
      ...C2B,
      MPESA_C2B_TYPE: "till",
      MPESA_C2B_TILL_NUMBER: "654321",
      MPESA_C2B_VALIDATE: "true",
      MPESA_C2B_CALLBACK_IPS: "196.201.214.200",
    });
    const settings = sectionSettings(config, c2bEnvironment);
    expect(settings).toMatchObject({
      shortcode: "600100",
      type: "till",
      tillNumber: "654321",
      validate: true,
      registerOnStart: false,
    });
    const seed = c2bEnvironment.seed(settings, { paymentInstructions: "" });
    expect(seed).toMatchObject({
      displayName: "M-Pesa Till",
      testMode: true,
      config: {
        shortcode: "600100",
        type: "till",
        tillNumber: "654321",
        validate: true,
        allowedIps: ["196.201.214.200"],
      },
    });
    expect(seed.createOnly?.callbackToken).toMatch(/^[0-9a-f]{64}$/);
    expect(c2bEnvironment.describe(settings as never)).not.toMatchObject({ consumerSecret: "secret123" });
  });

  it("switch Pull Transactions on with a nominated Safaricom number, refusing anything else", () => {
    const settings = sectionSettings(
      testConfig({ ...C2B, MPESA_C2B_PULL_NOMINATED_NUMBER: "254722000111" }),
      c2bEnvironment,
    );
    expect(settings).toMatchObject({ pullNominatedNumber: "254722000111" });
    expect(c2bEnvironment.seed(settings, { paymentInstructions: "" }).config).toMatchObject({
      pullNominatedNumber: "254722000111",
    });
    expect(configErrorOf({ ...C2B, MPESA_C2B_PULL_NOMINATED_NUMBER: "0722000111" })).toContain(
      "MPESA_C2B_PULL_NOMINATED_NUMBER must be the Safaricom number nominated for Pull Transactions",
    );
  });

  it("leave the plugin off when unset, and ask for all three credentials once one is set", () => {
    expect(sectionSettings(testConfig({}), c2bEnvironment)).toBeUndefined();
    expect(configErrorOf({ MPESA_C2B_SHORTCODE: "600100" })).toContain(
      "MPESA_C2B_CONSUMER_KEY is required because MPESA_C2B_SHORTCODE is set",
    );
    expect(configErrorOf({ ...C2B, MPESA_C2B_TYPE: "buygoods" })).toContain(
      "MPESA_C2B_TYPE must be paybill or till",
    );
  });
});
