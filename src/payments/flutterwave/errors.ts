import { ProviderError } from "../plugin.js";
import {
  codeOfStatus,
  type ProviderFailure,
  unexpectedAnswer as unexpectedProviderAnswer,
} from "../provider-http.js";

/** Flutterwave's error envelope: `{ status: "error", message, data: null }` (providers-2 §2.3, §2.5). */
export interface FlutterwaveErrorBody {
  readonly message: string;
}

export type FlutterwaveFailure = ProviderFailure<FlutterwaveErrorBody>;

export const UNAVAILABLE =
  "Flutterwave payments are not available right now. Please try again in a minute or choose another way to pay.";
export const NOT_ACCEPTED =
  "Flutterwave payments are not available right now. Please choose another way to pay.";
export const NEEDS_EMAIL =
  "Paying through Flutterwave needs an e-mail address for the receipt. Please send your e-mail address.";
export const REFUND_FAILED = "The refund could not be started; the shop will contact you.";

export function toFlutterwaveErrorBody(json: unknown): FlutterwaveErrorBody | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { message } = json as Record<string, unknown>;
  return typeof message === "string" ? { message } : undefined;
}

export const unexpectedAnswer = (what: string, detail: string): ProviderError =>
  unexpectedProviderAnswer("Flutterwave", what, detail, UNAVAILABLE);

/**
 * A non-2xx answer in Duka's words, classed by status (shared rule): 401/403 the key, 429/5xx
 * Flutterwave now (retryable), other 4xx the request (`refused` names what a refusal means).
 */
export function toProviderError(
  what: string,
  failure: FlutterwaveFailure,
  refused: "invalid_request" | "refund_refused" = "invalid_request",
): ProviderError {
  const generic = codeOfStatus(failure.status);
  const code = generic === "invalid_request" ? refused : generic;
  const said = failure.error === undefined ? "" : `: ${failure.error.message}`;
  return new ProviderError(code, `Flutterwave ${what} answered HTTP ${failure.status}${said}`, {
    retryable: code !== "invalid_request" && code !== "refund_refused",
    shopperMessage: shopperMessageOf(code),
  });
}

/** A refused refund is the shop's to sort out; a refused request or key will not pass on a retry. */
function shopperMessageOf(code: string): string {
  if (code === "refund_refused") return REFUND_FAILED;
  return code === "invalid_request" || code === "invalid_config" ? NOT_ACCEPTED : UNAVAILABLE;
}
