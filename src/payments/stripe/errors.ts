import Stripe from "stripe";
import { ProviderError, type ProviderErrorCode } from "../plugin.js";
import {
  codeOfStatus,
  networkError,
  unexpectedAnswer as unexpectedProviderAnswer,
} from "../provider-http.js";

export const UNAVAILABLE =
  "Card payments are not available right now. Please try again in a minute or choose another way to pay.";
export const NOT_ACCEPTED = "Card payments are not available right now. Please choose another way to pay.";

/** A 2xx answer whose body is not what Stripe documents. */
export function unexpectedAnswer(what: string, detail: string): ProviderError {
  return unexpectedProviderAnswer("Stripe", what, detail, UNAVAILABLE);
}

/**
 * A failed Stripe call in Duka's words. No answer at all is retryable (shared with every provider);
 * an answer is classed by its status (401/403 the key, 429/5xx Stripe now, other 4xx the request:
 * `refused` when the caller names what a refusal means, like a refund Stripe will not make; else an
 * amount Stripe refuses, `amount_too_small` above our own floor, is `invalid_amount`). Stripe's own
 * code is kept as providerCode; its messages never carry the key.
 */
export function toProviderError(error: unknown, what: string, refused?: ProviderErrorCode): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!(error instanceof Stripe.errors.StripeError) || error instanceof Stripe.errors.StripeConnectionError) {
    return networkError("Stripe", what, UNAVAILABLE, error);
  }
  const status = error.statusCode ?? 500;
  const generic = codeOfStatus(status);
  const amountRefused = error.code?.startsWith("amount_") ? "invalid_amount" : generic;
  const code = generic !== "invalid_request" ? generic : (refused ?? amountRefused);
  const retryable = code !== "invalid_config" && (status === 409 || status === 429 || status >= 500);
  return new ProviderError(
    code,
    `Stripe ${what} answered HTTP ${status} (${error.code ?? error.type}): ${error.message}`,
    {
      retryable,
      shopperMessage: code === "invalid_config" ? NOT_ACCEPTED : UNAVAILABLE,
      ...(error.code === undefined ? {} : { providerCode: error.code }),
      cause: error,
    },
  );
}
