/**
 * `ResultDesc` texts for the callback/Query `ResultCode`s in providers.md §1.4 (and the community
 * table in reliability.md §1.3 for 26). Codes not listed get `UNKNOWN_RESULT_DESC`; a test can pass
 * its own `resultDesc` to `complete()` for any code.
 */
export const RESULT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "0": "The service request is processed successfully.",
  "1": "The balance is insufficient for the transaction.",
  "2": "Declined due to limit rule: less than the minimum transaction amount.",
  "3": "Declined due to limit rule: greater than the maximum transaction amount.",
  "4": "Declined due to limit rule: would exceed daily transfer limit.",
  "8": "Declined due to limit rule: would exceed the maximum balance.",
  "17": "Rule limited.",
  "26": "System busy. Please try again in few minutes.",
  "1001": "Unable to lock subscriber, a transaction is already in process for the current subscriber",
  "1019": "Transaction has expired",
  "1025": "An error occurred while sending a push request",
  "1031": "Request cancelled by user",
  "1032": "Request cancelled by user",
  "1037": "DS timeout user cannot be reached",
  "2001": "The initiator information is invalid.",
  "2028": "The request is not permitted according to product assignment",
  "8006": "The security credential is locked",
  "9999": "Request failed",
  SFC_IC0003: "The operator does not exist",
};

export const UNKNOWN_RESULT_DESC = "The transaction could not be processed.";

export function resultDescFor(resultCode: number | string): string {
  return RESULT_DESCRIPTIONS[String(resultCode)] ?? UNKNOWN_RESULT_DESC;
}
