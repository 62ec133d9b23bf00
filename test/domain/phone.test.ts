import { describe, expect, it } from "vitest";
import { formatMsisdn, maskMsisdn, normalizeMsisdn } from "../../src/domain/phone.js";

describe("normalizeMsisdn", () => {
  it.each([
    ["0712345678", "254712345678"],
    ["0712 345 678", "254712345678"],
    ["+254 712 345 678", "254712345678"],
    ["254712345678", "254712345678"],
    ["712345678", "254712345678"],
    ["0110 123 456", "254110123456"],
    ["(0712) 345-678", "254712345678"],
    ["254708374149", "254708374149"],
  ])("%j → %s", (input, expected) => {
    expect(normalizeMsisdn(input)).toBe(expected);
  });

  it.each([
    "",
    "hello",
    "0212345678",
    "07123456",
    "07123456789",
    "+1 415 555 0100",
    "254812345678",
    "2547123456789",
    "0712a45678",
  ])("refuses %j", (input) => {
    expect(normalizeMsisdn(input)).toBeNull();
  });
});

describe("formatting", () => {
  it("writes a number the Kenyan way and masks it", () => {
    expect(formatMsisdn("254712345678")).toBe("0712 345 678");
    expect(maskMsisdn("254712345678")).toBe("0712 ••• 678");
  });
});
