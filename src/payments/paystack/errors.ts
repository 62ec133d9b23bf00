import { formatMoney, type Money } from "../../domain/money.js";
import { ProviderError } from "../plugin.js";
import {
  codeOfStatus,
  type ProviderFailure,
  unexpectedAnswer as unexpectedProviderAnswer,
} from "../provider-http.js";

/** Paystack's error envelope (providers.md §2): `{ status: false, message, type?, code?, meta? }`. */
export interface PaystackErrorBody {
  readonly message: string;
  readonly type?: string;
  readonly code?: string;
}

/** A Paystack answer that was not a 2xx, with its error body when it had one. */
export type PaystackFailure = ProviderFailure<PaystackErrorBody>;

export const UNAVAILABLE =
  "Card payments are not available right now. Please try again in a minute or choose another way to pay.";
export const NOT_ACCEPTED = "Card payments are not available right now. Please choose another way to pay.";
export const ALREADY_STARTED =
  "This card payment was already started. Please choose to pay again to get a new payment link.";
export const NEEDS_EMAIL =
  "Card payments need an e-mail address for the receipt. Please send your e-mail address.";
export const INVALID_EMAIL =
  "That e-mail address was not accepted. Please send a valid e-mail address for the card receipt.";
export const REFUND_FAILED = "The refund could not be started; the shop will contact you.";

/** The error body of a Paystack answer, if it has one. */
export function toPaystackErrorBody(json: unknown): PaystackErrorBody | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { message, type, code } = json as Record<string, unknown>;
  if (typeof message !== "string") return undefined;
  return {
    message,
    ...(typeof type === "string" ? { type } : {}),
    ...(typeof code === "string" ? { code } : {}),
  };
}

const describe = ({ status, error }: PaystackFailure) =>
  error === undefined ? `HTTP ${status}` : `"${error.message}" (HTTP ${status})`;

/** HTTP statuses that blame the request itself: the same request elsewhere fails the same way. */
export const isRequestRefused = (status: number) => status === 400 || status === 422;

/** Paystack's own error code, for the record. */
const providerCodeOf = ({ error }: PaystackFailure) =>
  error?.code === undefined ? {} : { providerCode: error.code };

/** A 2xx answer whose body is not what Paystack documents. */
export const unexpectedAnswer = (what: string, detail: string): ProviderError =>
  unexpectedProviderAnswer("Paystack", what, detail, UNAVAILABLE);

/** 401: this instance's key is wrong or revoked; another instance (other keys) may still work. */
export function unauthorizedKey(what: string, failure: PaystackFailure): ProviderError {
  return new ProviderError(
    "invalid_config",
    `Paystack refused the secret key on ${what}: ${describe(failure)}; check secretKey`,
    { retryable: true, shopperMessage: UNAVAILABLE, ...providerCodeOf(failure) },
  );
}

/** Paystack could not answer now (5xx, 429, an unexpected status): ask again or elsewhere. */
export function unavailable(what: string, failure: PaystackFailure): ProviderError {
  return new ProviderError(
    failure.status === 429 ? "rate_limited" : "unavailable",
    `Paystack could not answer ${what}: ${describe(failure)}`,
    { retryable: true, shopperMessage: UNAVAILABLE, ...providerCodeOf(failure) },
  );
}

/**
 * A refused initialize. 400 (validation) is the request's fault: not retried, with Paystack's
 * message for the record and a generic one for the shopper; everything else may work on another try.
 * `shopperEmail` says whether the e-mail came from the shopper (then they can fix it).
 */
export function initializeError(failure: PaystackFailure, shopperEmail: boolean): ProviderError {
  if (failure.status === 401) return unauthorizedKey("initialize", failure);
  if (!isRequestRefused(failure.status)) return unavailable("initialize", failure);
  const message = failure.error?.message ?? "";
  const detail = `Paystack refused to initialize the transaction: ${describe(failure)}`;
  // Branching on wording is a best effort (the live texts are [practice], not documented).
  if (/duplicate/i.test(message)) {
    return new ProviderError("duplicate_reference", detail, {
      retryable: false,
      shopperMessage: ALREADY_STARTED,
      ...providerCodeOf(failure),
    });
  }
  if (/e-?mail/i.test(message)) {
    return new ProviderError("invalid_email", detail, {
      retryable: false,
      shopperMessage: shopperEmail ? INVALID_EMAIL : NOT_ACCEPTED,
      ...providerCodeOf(failure),
    });
  }
  return new ProviderError("invalid_request", detail, {
    retryable: false,
    shopperMessage: NOT_ACCEPTED,
    ...providerCodeOf(failure),
  });
}

/** A refused refund: 400 (unpaid, more than is left, fully refunded) is final; the rest may pass later. */
export function refundError(failure: PaystackFailure, reference: string, amount: Money): ProviderError {
  if (failure.status === 401) return unauthorizedKey("refund", failure);
  if (!isRequestRefused(failure.status)) {
    return new ProviderError(
      codeOfStatus(failure.status),
      `Paystack could not take the refund of ${formatMoney(amount)} for ${reference} now: ${describe(failure)}`,
      { retryable: true, shopperMessage: REFUND_FAILED, ...providerCodeOf(failure) },
    );
  }
  return new ProviderError(
    "refund_refused",
    `Paystack refused the refund of ${formatMoney(amount)} for ${reference}: ${describe(failure)}`,
    { retryable: false, shopperMessage: REFUND_FAILED, ...providerCodeOf(failure) },
  );
}
