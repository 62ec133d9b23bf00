import { describe, expect, it } from "vitest";
import { money } from "../../../src/domain/money.js";
import { ProviderError } from "../../../src/payments/plugin.js";
import {
  fromStripeAmount,
  stripeExponent,
  toChargeAmount,
  toStripeAmount,
} from "../../../src/payments/stripe/index.js";

describe("Stripe currencies", () => {
  it.each([
    ["KES", 2],
    ["NGN", 2],
    ["USD", 2],
    ["JPY", 0],
    ["UGX", 0],
    ["XOF", 0],
    ["KWD", 3],
  ])("%s has %i decimals at Stripe", (currency, digits) => {
    expect(stripeExponent(currency)).toBe(digits);
  });

  it.each([
    [money(125_000, "KES"), { amount: 125_000, currency: "kes" }],
    [money(150_000, "NGN"), { amount: 150_000, currency: "ngn" }],
    [money(500, "JPY"), { amount: 500, currency: "jpy" }],
    // ICU gives ISK no decimals; Stripe counts it in hundredths.
    [money(500, "ISK"), { amount: 50_000, currency: "isk" }],
  ])("charges %j as %j", (value, expected) => {
    expect(toChargeAmount(value)).toEqual(expected);
    expect(fromStripeAmount(expected.amount, expected.currency)).toEqual(value);
  });

  it.each([
    ["below KES 65.00", money(6_499, "KES"), /KES 65\.00/],
    ["below USD 0.50", money(49, "USD"), /USD 0\.50/],
    ["below JPY 50", money(49, "JPY"), /JPY 50/],
  ])("refuses a charge %s before any session, telling the shopper the minimum", (_what, value, words) => {
    const error = (() => {
      try {
        toChargeAmount(value);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("invalid_amount");
    expect((error as ProviderError).retryable).toBe(false);
    expect((error as ProviderError).shopperMessage).toMatch(words);
  });

  it("takes the minimum itself, and refunds below it (refunds have no minimum)", () => {
    expect(toChargeAmount(money(6_500, "KES")).amount).toBe(6_500);
    expect(toStripeAmount(money(100, "KES")).amount).toBe(100);
  });

  it("refuses what Stripe cannot take: nothing, too much, a KWD amount not ending in 0", () => {
    for (const value of [money(0, "USD"), money(100_000_000, "USD"), money(1_001, "KWD")]) {
      expect(() => toStripeAmount(value)).toThrow(ProviderError);
    }
  });

  it("reads back only amounts that convert exactly", () => {
    expect(fromStripeAmount(50_050, "isk")).toBeUndefined();
    expect(fromStripeAmount(100, "zzz")).toBeUndefined();
  });
});
