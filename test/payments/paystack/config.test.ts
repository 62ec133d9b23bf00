import { describe, expect, it } from "vitest";
import {
  fillEmailPlaceholder,
  isPaystackEmail,
  PAYSTACK_SOURCE_IPS,
  paystackConfigSchema,
  paystackPlugin,
  toPaystackReference,
} from "../../../src/payments/paystack/index.js";
import { webhookPathOf } from "../../../src/payments/plugin-webhook.js";

const valid = { secretKey: "sk_test_abc123" };

describe("paystackConfigSchema", () => {
  it("fills the documented defaults and leaves the options unset", () => {
    expect(paystackConfigSchema.parse(valid)).toEqual({
      secretKey: "sk_test_abc123",
      baseUrl: "https://api.paystack.co",
    });
  });

  it("drops trailing slashes from baseUrl", () => {
    expect(paystackConfigSchema.parse({ ...valid, baseUrl: "http://127.0.0.1:4000//" }).baseUrl).toBe(
      "http://127.0.0.1:4000",
    );
  });

  it("accepts every option", () => {
    const config = paystackConfigSchema.parse({
      secretKey: "sk_live_XYZ_789",
      publicKey: "pk_live_XYZ_789",
      emailPlaceholder: "{channel}-{chatId}@shop.example",
      callbackUrl: "https://shop.example/paid",
      allowedIps: [...PAYSTACK_SOURCE_IPS, "2001:db8::1"],
    });
    expect(config.allowedIps).toHaveLength(4);
    expect(config.emailPlaceholder).toBe("{channel}-{chatId}@shop.example");
  });

  it.each([
    ["a public key as the secret key", { secretKey: "pk_test_abc" }],
    ["a secret key without mode", { secretKey: "sk_abc" }],
    ["a secret key with a space", { secretKey: "sk_test_ab c" }],
    ["a secret key as the public key", { publicKey: "sk_test_abc" }],
    ["a non-URL baseUrl", { baseUrl: "api.paystack.co" }],
    ["an ftp baseUrl", { baseUrl: "ftp://api.paystack.co" }],
    ["a non-URL callbackUrl", { callbackUrl: "/paid" }],
    ["an allowlist entry that is not an IP", { allowedIps: ["paystack.com"] }],
    ["a placeholder without {chatId}", { emailPlaceholder: "orders@shop.example" }],
    ["a placeholder with an unknown token", { emailPlaceholder: "{chatId}-{name}@shop.example" }],
    ["a placeholder with {chatId} in the domain", { emailPlaceholder: "buyer@{chatId}.shop.example" }],
    ["a placeholder without a domain", { emailPlaceholder: "{chatId}" }],
    ["a placeholder on a .local domain", { emailPlaceholder: "{chatId}@shop.local" }],
    ["a placeholder with a space", { emailPlaceholder: "shop {chatId}@shop.example" }],
    ["an unknown field", { webhookSecret: "whsec_1" }],
    ["no secret key", { secretKey: undefined }],
  ])("refuses %s", (_label, change) => {
    expect(paystackConfigSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it("publishes Paystack's webhook source addresses without making them a default", () => {
    expect([...PAYSTACK_SOURCE_IPS]).toEqual(["52.31.139.75", "52.49.173.169", "52.214.14.220"]);
    expect(paystackConfigSchema.parse(valid).allowedIps).toBeUndefined();
  });
});

describe("e-mail placeholders", () => {
  it.each([
    ["{chatId}@shop.example", { channel: "telegram", chatId: "1001" }, "1001@shop.example"],
    ["{chatId}@shop.example", { channel: "telegram", chatId: "-100123" }, "-100123@shop.example"],
    [
      "{channel}-{chatId}@shop.example",
      { channel: "whatsapp", chatId: "254712345678@c.us" },
      "whatsapp-254712345678-c-us@shop.example",
    ],
    ["buyer+{chatId}@shop.example", { channel: "telegram", chatId: "a.b c" }, "buyer+a-b-c@shop.example"],
  ])("fills %s for %j as %s, a valid address", (placeholder, customer, expected) => {
    const email = fillEmailPlaceholder(placeholder, customer);
    expect(email).toBe(expected);
    expect(isPaystackEmail(email)).toBe(true);
  });

  it("keeps a very long chat id within the local part's 64 characters", () => {
    const email = fillEmailPlaceholder("{channel}.{chatId}@shop.example", {
      channel: "whatsapp",
      chatId: "9".repeat(200),
    });
    expect(email.split("@")[0]?.length).toBeLessThanOrEqual(64);
    expect(isPaystackEmail(email)).toBe(true);
  });
});

describe("paystackPlugin", () => {
  it("describes itself", () => {
    expect(paystackPlugin.name).toBe("paystack");
    expect(paystackPlugin.label).toBe("Card (Paystack)");
    expect(paystackPlugin.methods).toEqual(["card"]);
  });

  it("asks shoppers for an e-mail only when no placeholder is configured, and sends a known one anyway", () => {
    const ask = "Paying by card needs an e-mail address for the receipt. What is yours?";
    expect(paystackPlugin.payer?.({ baseUrl: "https://api.paystack.co" })).toEqual({
      field: "email",
      prompt: ask,
    });
    expect(paystackPlugin.payer?.({ emailPlaceholder: "" })).toEqual({ field: "email", prompt: ask });
    expect(paystackPlugin.payer?.({ emailPlaceholder: "{chatId}@shop.example" })).toEqual({
      field: "email",
      prompt: ask,
      optional: true,
    });
  });

  it("receives webhooks on a path naming the instance", () => {
    const config = paystackConfigSchema.parse(valid);
    expect(webhookPathOf(paystackPlugin, { id: "pi_abc", config })).toBe("/webhooks/paystack/pi_abc");
  });
});

describe("toPaystackReference", () => {
  it.each([
    ["pay_3f9c0a1b2c3d4e5f60718293", "pay-3f9c0a1b2c3d4e5f60718293"],
    ["pay_a/b c:d", "pay-a-b-c-d"],
    ["pay.1=2-3", "pay.1=2-3"],
  ])("turns %s into %s, which only uses -, ., = and alphanumerics", (id, reference) => {
    expect(toPaystackReference(id)).toBe(reference);
    expect(reference).toMatch(/^[A-Za-z0-9.=-]+$/);
  });
});
