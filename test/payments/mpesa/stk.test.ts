import { describe, expect, it } from "vitest";
import { SANDBOX_PASSKEY } from "../../../sandbox/daraja/index.js";
import { money } from "../../../src/domain/money.js";
import { toKenyaTimestamp, toStkPassword } from "../../../src/payments/mpesa/index.js";
import { toStkPushRequest, toWholeShillings } from "../../../src/payments/mpesa/stk.js";
import { ProviderError } from "../../../src/payments/plugin.js";
import { testConfig, testPayment } from "./harness.js";

describe("toKenyaTimestamp", () => {
  it.each([
    ["2021-06-28T06:24:08Z", "20210628092408"],
    // Kenya is UTC+3: late evening UTC is already the next day (and month, and year) there.
    ["2026-03-01T21:30:00Z", "20260302003000"],
    ["2025-12-31T21:00:00Z", "20260101000000"],
    ["2025-12-31T20:59:59Z", "20251231235959"],
    ["2024-02-28T22:15:00Z", "20240229011500"],
    // No daylight saving: a northern-summer date has the same offset.
    ["2025-07-15T09:05:07Z", "20250715120507"],
    ["2025-07-15T09:05:07.999Z", "20250715120507"],
  ])("%s → %s", (iso, expected) => {
    expect(toKenyaTimestamp(Date.parse(iso))).toBe(expected);
  });
});

describe("toStkPassword", () => {
  it("matches Daraja's documented sample password", () => {
    // The password in the Daraja sample request (providers.md §1.3, §1.7).
    const sample =
      "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4";
    expect(toStkPassword("174379", SANDBOX_PASSKEY, "20210628092408")).toBe(sample);
  });
});

describe("toWholeShillings", () => {
  it.each([
    [100, 1],
    [45_000, 450],
    [15_000_000, 150_000],
  ])("KES %i minor units → %i shillings", (minor, shillings) => {
    expect(toWholeShillings(money(minor, "KES"))).toBe(shillings);
  });

  it.each([
    ["cents", money(45_050, "KES")],
    ["one cent", money(1, "KES")],
    ["nothing", money(0, "KES")],
    ["another currency", money(45_000, "NGN")],
  ])("refuses %s, non-retryable, with the whole-shillings message", (_label, amount) => {
    let thrown: unknown;
    try {
      toWholeShillings(amount);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    const error = thrown as ProviderError;
    expect(error.code).toBe("invalid_amount");
    expect(error.retryable).toBe(false);
    expect(error.shopperMessage).toBe("M-Pesa takes whole shillings only; please choose another way to pay.");
  });
});

describe("toStkPushRequest", () => {
  const config = testConfig("http://127.0.0.1:1");
  const now = Date.parse("2026-03-01T21:30:00Z");

  it("builds every field Daraja documents", () => {
    const body = toStkPushRequest({
      config,
      payment: testPayment(),
      phone: "254708374149",
      callbackUrl: "https://duka.example.com/webhooks/daraja/pi_1/tok",
      now,
    });
    expect(body).toEqual({
      BusinessShortCode: "174379",
      Password: toStkPassword("174379", SANDBOX_PASSKEY, "20260302003000"),
      Timestamp: "20260302003000",
      TransactionType: "CustomerPayBillOnline",
      Amount: 450,
      PartyA: "254708374149",
      PartyB: "174379",
      PhoneNumber: "254708374149",
      CallBackURL: "https://duka.example.com/webhooks/daraja/pi_1/tok",
      AccountReference: "DK-7F3K2",
      TransactionDesc: "Pay DK-7F3K2",
    });
  });

  it("keeps AccountReference within 12 and TransactionDesc within 13 characters for long references", () => {
    const body = toStkPushRequest({
      config,
      payment: testPayment({ orderRef: "DK-ABCDEFGHIJKLMN" }),
      phone: "254708374149",
      callbackUrl: "https://duka.example.com/x",
      now,
    });
    expect(body.AccountReference).toBe("DK-ABCDEFGHI");
    expect(body.TransactionDesc).toBe("Pay DK-ABCDEF");
    expect(body.TransactionDesc.length).toBeLessThanOrEqual(13);
  });

  it("uses the Till as PartyB for Buy Goods", () => {
    const till = testConfig("http://127.0.0.1:1", {
      transactionType: "CustomerBuyGoodsOnline",
      shortcode: "600100",
      partyB: "5123456",
    });
    const body = toStkPushRequest({
      config: till,
      payment: testPayment(),
      phone: "254708374149",
      callbackUrl: "https://x.example/y",
      now,
    });
    expect(body).toMatchObject({
      BusinessShortCode: "600100",
      PartyB: "5123456",
      TransactionType: "CustomerBuyGoodsOnline",
    });
  });

  it.each([undefined, "", "0812345678", "+255712345678", "25470837414", "phone"])(
    "refuses the phone %j",
    (phone) => {
      let thrown: unknown;
      try {
        toStkPushRequest({ config, payment: testPayment(), phone, callbackUrl: "https://x.example/y", now });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProviderError);
      expect((thrown as ProviderError).code).toBe("invalid_phone");
      expect((thrown as ProviderError).retryable).toBe(false);
      expect((thrown as ProviderError).shopperMessage).toContain("0712 345 678");
    },
  );
});
