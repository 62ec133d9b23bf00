import { describe, expect, it } from "vitest";
import {
  parsePaystackJson,
  quoteUnsafeIntegers,
  toVerifyResult,
} from "../../../src/payments/paystack/index.js";
import { ProviderError } from "../../../src/payments/plugin.js";

describe("toVerifyResult (data.status → outcome)", () => {
  it.each([
    ["abandoned", "pending"],
    ["ongoing", "pending"],
    ["pending", "pending"],
    ["processing", "pending"],
    ["queued", "pending"],
    ["some_new_status", "pending"],
    ["reversed", "failed"],
    ["failed", "failed"],
  ])("maps %s to %s", (status, outcome) => {
    const result = toVerifyResult({ status, reference: "r1", amount: 100, currency: "KES" });
    expect(result.outcome).toBe(outcome);
    expect(result.providerCode).toBe(status);
    expect(result.amount).toBeUndefined();
  });

  it("counts only success as paid, with amount, currency and a receipt", () => {
    expect(
      toVerifyResult({
        status: "success",
        reference: "r1",
        amount: 15_000,
        currency: "kes",
        receipt_number: null,
      }),
    ).toEqual({
      outcome: "succeeded",
      amount: { amount: 15_000, currency: "KES" },
      receipt: "r1",
      providerCode: "success",
    });
  });

  it("prefers receipt_number over the reference as the receipt", () => {
    const result = toVerifyResult({
      status: "success",
      reference: "r1",
      amount: 1,
      currency: "KES",
      receipt_number: "RCPT-9",
    });
    expect(result.receipt).toBe("RCPT-9");
  });

  it("refuses a success without a usable amount rather than settle on a guess", () => {
    for (const amount of ["15000", 150.5, undefined]) {
      expect(() => toVerifyResult({ status: "success", reference: "r1", amount, currency: "KES" })).toThrow(
        ProviderError,
      );
    }
  });

  it.each([
    [{ gateway_response: "Declined." }, "The card payment was declined: Declined."],
    [{ gateway_response: "", message: "Invalid CVV" }, "The card payment was declined: Invalid CVV."],
    [{}, "The card payment was declined."],
  ])("words a failure from %j as %s", (fields, reason) => {
    expect(toVerifyResult({ status: "failed", ...fields }).reason).toBe(reason);
  });

  it("keeps a long gateway response short enough for a chat", () => {
    const reason = toVerifyResult({ status: "failed", gateway_response: "x".repeat(500) }).reason ?? "";
    expect(reason.length).toBeLessThan(160);
  });
});

describe("parsePaystackJson", () => {
  it("keeps 64-bit ids exact and leaves other numbers and strings alone", () => {
    const text =
      '{"id":18446744073709551615,"n":-9007199254740993,"safe":4294967297,"amount":1.5,"e":1e21,"s":"18446744073709551615 \\"x\\" 9007199254740993"}';
    expect(parsePaystackJson(text)).toEqual({
      id: "18446744073709551615",
      n: "-9007199254740993",
      safe: 4_294_967_297,
      amount: 1.5,
      e: 1e21,
      s: '18446744073709551615 "x" 9007199254740993',
    });
    // What plain JSON.parse would have done.
    expect(String((JSON.parse(text) as { id: number }).id)).not.toBe("18446744073709551615");
  });

  it("quotes an unsafe integer of exactly 16 digits, the shortest there is", () => {
    expect(parsePaystackJson('{"id":9007199254740993}')).toEqual({ id: "9007199254740993" });
    expect(parsePaystackJson('{"id":9007199254740991}')).toEqual({ id: 9_007_199_254_740_991 });
  });

  it("still refuses what is not JSON", () => {
    expect(() => parsePaystackJson("{ id: 1 }")).toThrow(SyntaxError);
    expect(quoteUnsafeIntegers("not json 12345678901234567890")).toBe('not json "12345678901234567890"');
  });
});
