import type { ProviderOutcome } from "../plugin.js";

/** What a Daraja `ResultCode` (callback or STK Query) means for the payment and the shopper. */
export interface ResultCodeMeaning {
  readonly outcome: Extract<ProviderOutcome, "succeeded" | "failed" | "cancelled">;
  /** Why it did not go through, in words a shopper understands; absent when paid. */
  readonly reason?: string;
  /** Sending the prompt again will not help (see VerifyResult.retryWontHelp). */
  readonly retryWontHelp?: true;
}

export const UNKNOWN_RESULT_REASON = "M-Pesa could not complete the payment.";

const failed = (reason: string): ResultCodeMeaning => ({ outcome: "failed", reason });
/** A failure no new prompt fixes: the phone cannot show one, or the shortcode takes none. */
const noPromptHelps = (reason: string): ResultCodeMeaning => ({ ...failed(reason), retryWontHelp: true });
const cancelled: ResultCodeMeaning = { outcome: "cancelled", reason: "You cancelled the M-Pesa request." };

/**
 * Codes from providers.md §1.4 and the community table in reliability.md §1.3. Only 0 is a payment;
 * anything not listed is a failure with `UNKNOWN_RESULT_REASON` (never a crash).
 */
export const RESULT_CODES: Readonly<Record<string, ResultCodeMeaning>> = {
  "0": { outcome: "succeeded" },
  "1": failed("Your M-Pesa balance was not enough."),
  "2": failed("The amount is below the M-Pesa minimum of KES 1."),
  "3": failed("The amount is above the most M-Pesa allows in one payment."),
  "4": failed("This payment would go over your daily M-Pesa limit."),
  "8": noPromptHelps(
    "The shop's M-Pesa account cannot take this amount right now; please choose another way to pay.",
  ),
  "17": failed("The same amount was just paid; wait two minutes before trying again."),
  "26": failed("M-Pesa was busy; please try again in a few minutes."),
  "1001": failed("Another M-Pesa request is in progress on your phone."),
  "1019": failed("The M-Pesa request expired before it was completed."),
  // The prompt never reached the SIM (an old SIM toolkit, a feature phone, no network).
  "1025": noPromptHelps("M-Pesa could not send the request to your phone."),
  "1031": cancelled,
  "1032": cancelled,
  "1037": noPromptHelps("We could not reach your phone. Make sure it is on and has network, then try again."),
  "2001": failed("The M-Pesa PIN was wrong."),
  "2028": noPromptHelps(
    "The shop's M-Pesa account could not take this payment; please choose another way to pay.",
  ),
  "8006": failed("Your M-Pesa PIN is locked; call Safaricom customer care to unlock it."),
  SFC_IC0003: noPromptHelps(
    "The shop's M-Pesa account could not take this payment; please choose another way to pay.",
  ),
};

/** The meaning of a ResultCode given as a number (callback) or a string (Query). */
export function toResultMeaning(code: number | string): ResultCodeMeaning {
  const key = String(code).trim();
  return Object.hasOwn(RESULT_CODES, key)
    ? (RESULT_CODES[key] as ResultCodeMeaning)
    : failed(UNKNOWN_RESULT_REASON);
}
