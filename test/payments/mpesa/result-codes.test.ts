import { describe, expect, it } from "vitest";
import { RESULT_CODES, toResultMeaning, UNKNOWN_RESULT_REASON } from "../../../src/payments/mpesa/index.js";

describe("toResultMeaning", () => {
  it.each([
    [0, "succeeded", undefined],
    ["0", "succeeded", undefined],
    [1, "failed", "Your M-Pesa balance was not enough."],
    [1032, "cancelled", "You cancelled the M-Pesa request."],
    ["1032", "cancelled", "You cancelled the M-Pesa request."],
    [1031, "cancelled", "You cancelled the M-Pesa request."],
    [1037, "failed", "We could not reach your phone. Make sure it is on and has network, then try again."],
    [2001, "failed", "The M-Pesa PIN was wrong."],
    [1019, "failed", "The M-Pesa request expired before it was completed."],
    [17, "failed", "The same amount was just paid; wait two minutes before trying again."],
    [1001, "failed", "Another M-Pesa request is in progress on your phone."],
    [2, "failed", "The amount is below the M-Pesa minimum of KES 1."],
    [3, "failed", "The amount is above the most M-Pesa allows in one payment."],
    [4, "failed", "This payment would go over your daily M-Pesa limit."],
    [9999, "failed", UNKNOWN_RESULT_REASON],
    [123456, "failed", UNKNOWN_RESULT_REASON],
    ["SFC_IC0003", "failed", RESULT_CODES.SFC_IC0003?.reason],
    ["not-a-code", "failed", UNKNOWN_RESULT_REASON],
    // Inherited object keys are not codes.
    ["constructor", "failed", UNKNOWN_RESULT_REASON],
    ["toString", "failed", UNKNOWN_RESULT_REASON],
  ] as const)("%s → %s", (code, outcome, reason) => {
    const meaning = toResultMeaning(code);
    expect(meaning.outcome).toBe(outcome);
    expect(meaning.reason).toBe(reason);
  });

  it("gives every non-zero code a reason, and only 0 succeeds (reliability R20)", () => {
    for (const code of [0, 1, 17, 26, 1001, 1019, 1025, 1032, 1037, 2001, 9999, 424242]) {
      const meaning = toResultMeaning(code);
      if (code === 0) {
        expect(meaning).toEqual({ outcome: "succeeded" });
      } else {
        expect(meaning.outcome).not.toBe("succeeded");
        expect(meaning.reason).toMatch(/^[A-Z].+\.$/);
      }
    }
  });

  it("keeps shopper reasons short and free of Daraja jargon", () => {
    for (const [code, meaning] of Object.entries(RESULT_CODES)) {
      if (meaning.reason === undefined) continue;
      expect(meaning.reason.length, code).toBeLessThanOrEqual(110);
      expect(meaning.reason, code).not.toMatch(/ResultCode|initiator|subscriber|DS timeout/i);
    }
  });
});

describe("failures no new prompt fixes", () => {
  it("marks an unreachable phone, a prompt the SIM never showed and a shortcode refusing pushes", () => {
    const noRetry = Object.entries(RESULT_CODES)
      .filter(([, meaning]) => meaning.retryWontHelp)
      .map(([code]) => code)
      .sort();
    expect(noRetry).toEqual(["1025", "1037", "2028", "8", "SFC_IC0003"]);
  });

  it("leaves failures the shopper can fix by trying again unmarked", () => {
    for (const code of [1, 17, 26, 1001, 1019, 1032, 2001, 9999]) {
      expect(toResultMeaning(code).retryWontHelp).toBeUndefined();
    }
  });
});
