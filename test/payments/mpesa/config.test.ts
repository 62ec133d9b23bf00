import { describe, expect, it } from "vitest";
import { generateCallbackToken, mpesaConfigSchema, mpesaPlugin } from "../../../src/payments/mpesa/index.js";
import { webhookPathOf } from "../../../src/payments/plugin-webhook.js";

const valid = {
  consumerKey: "key",
  consumerSecret: "secret",
  passkey: "passkey",
  shortcode: "174379",
  callbackToken: "a".repeat(32),
};

describe("mpesaConfigSchema", () => {
  it("fills the documented defaults", () => {
    const config = mpesaConfigSchema.parse(valid);
    expect(config.transactionType).toBe("CustomerPayBillOnline");
    expect(config.baseUrl).toBe("https://sandbox.safaricom.co.ke");
    expect(config.partyB).toBeUndefined();
  });

  it("drops a trailing slash from baseUrl", () => {
    expect(mpesaConfigSchema.parse({ ...valid, baseUrl: "https://api.safaricom.co.ke/" }).baseUrl).toBe(
      "https://api.safaricom.co.ke",
    );
  });

  it.each([
    ["a 4-digit shortcode", { shortcode: "1234" }],
    ["an 8-digit shortcode", { shortcode: "12345678" }],
    ["a shortcode with letters", { shortcode: "17437a" }],
    ["a non-digit partyB", { partyB: "till-1" }],
    ["an unknown transaction type", { transactionType: "CustomerPayBill" }],
    ["a non-URL baseUrl", { baseUrl: "sandbox.safaricom.co.ke" }],
    ["a short callback token", { callbackToken: "a".repeat(23) }],
    ["a callback token with a slash", { callbackToken: `${"a".repeat(30)}/b` }],
    ["a callback token Daraja would refuse", { callbackToken: `${"a".repeat(30)}MPesa` }],
    ["an unknown field", { till: "123456" }],
    ["an empty passkey", { passkey: "" }],
  ])("refuses %s", (_label, change) => {
    expect(mpesaConfigSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it("generates callback tokens the schema accepts and that differ", () => {
    const tokens = new Set(Array.from({ length: 20 }, generateCallbackToken));
    expect(tokens.size).toBe(20);
    for (const token of tokens)
      expect(mpesaConfigSchema.safeParse({ ...valid, callbackToken: token }).success).toBe(true);
  });
});

describe("mpesaPlugin", () => {
  it("describes itself", () => {
    expect(mpesaPlugin.name).toBe("mpesa");
    expect(mpesaPlugin.label).toBe("M-Pesa");
    expect(mpesaPlugin.methods).toEqual(["mobile_money"]);
  });

  it("puts the instance id and callback token in a path without 'mpesa'", () => {
    const config = mpesaConfigSchema.parse(valid);
    const path = webhookPathOf(mpesaPlugin, { id: "pi_abc", config });
    expect(path).toBe(`/webhooks/daraja/pi_abc/${"a".repeat(32)}`);
    expect(path?.toLowerCase()).not.toContain("mpesa");
  });
});
