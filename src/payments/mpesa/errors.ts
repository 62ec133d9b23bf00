import { ProviderError } from "../plugin.js";
import {
  codeOfStatus,
  type ProviderFailure,
  unexpectedAnswer as unexpectedProviderAnswer,
} from "../provider-http.js";

/** Daraja's error body (providers.md §1.3): `{ requestId, errorCode, errorMessage }`. */
export interface DarajaErrorBody {
  readonly requestId?: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** A Daraja answer that was not a 2xx, with its error body when it had one. */
export type DarajaFailure = ProviderFailure<DarajaErrorBody>;

export const INVALID_ACCESS_TOKEN = "404.001.03";
/** Reused by Daraja for wrong credentials, unknown merchant, a locked subscriber and "being processed". */
export const MERCHANT_ERROR = "500.001.1001";
export const SPIKE_ARREST = "500.003.02";
export const INVALID_REQUEST = "400.002.02";

export const UNAVAILABLE =
  "M-Pesa is not available right now. Please try again in a minute or choose another way to pay.";
export const WHOLE_SHILLINGS_ONLY = "M-Pesa takes whole shillings only; please choose another way to pay.";
export const INVALID_PHONE =
  "That does not look like a Safaricom M-Pesa number. Please send a number like 0712 345 678.";
export const SUBSCRIBER_LOCKED =
  "Another M-Pesa request is already waiting on your phone. Finish it or wait a minute, then try again.";

export const isSubscriberLocked = (message: string) =>
  /already in process|unable to lock subscriber/i.test(message);
export const isBeingProcessed = (message: string) => /being processed/i.test(message);

/** The error body of a Daraja answer, if it has one. */
export function toDarajaErrorBody(json: unknown): DarajaErrorBody | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const { requestId, errorCode, errorMessage } = json as Record<string, unknown>;
  if (typeof errorCode !== "string") return undefined;
  return {
    ...(typeof requestId === "string" ? { requestId } : {}),
    errorCode,
    errorMessage: typeof errorMessage === "string" ? errorMessage : "",
  };
}

const describe = ({ status, error }: DarajaFailure) =>
  error === undefined ? `HTTP ${status}` : `${error.errorCode} "${error.errorMessage}" (HTTP ${status})`;

/** Daraja's own code, for the record. */
const providerCodeOf = ({ error }: DarajaFailure) =>
  error === undefined ? {} : { providerCode: error.errorCode };

/** A 2xx answer whose body is not what Daraja documents. */
export const unexpectedAnswer = (what: string, detail: string): ProviderError =>
  unexpectedProviderAnswer("Daraja", what, detail, UNAVAILABLE);

/** A failed OAuth token request (wrong key/secret, or Daraja down). */
export function tokenError(failure: DarajaFailure): ProviderError {
  const refused = failure.status >= 400 && failure.status < 500 && failure.status !== 429;
  return new ProviderError(
    refused ? "invalid_config" : codeOfStatus(failure.status),
    `Daraja refused an access token: ${describe(failure)}; check consumerKey and consumerSecret`,
    // Another instance (another app) may still work.
    { retryable: true, shopperMessage: UNAVAILABLE, ...providerCodeOf(failure) },
  );
}

/**
 * An STK push refused by Daraja. `500.001.1001` carries several meanings, told apart by the message:
 * a locked subscriber is the shopper's to resolve (another instance would hit the same lock), while
 * wrong credentials or an unknown merchant are this instance's problem (another may work).
 */
export function stkPushError(failure: DarajaFailure): ProviderError {
  const code = failure.error?.errorCode;
  const message = failure.error?.errorMessage ?? "";
  const raw = providerCodeOf(failure);
  if (isSubscriberLocked(message)) {
    return new ProviderError("subscriber_busy", `Daraja refused the STK push: ${describe(failure)}`, {
      retryable: false,
      shopperMessage: SUBSCRIBER_LOCKED,
      ...raw,
    });
  }
  if (code === MERCHANT_ERROR) {
    return new ProviderError(
      "invalid_config",
      `Daraja refused the STK push: ${describe(failure)}; check shortcode, passkey, partyB and transactionType`,
      { retryable: true, shopperMessage: UNAVAILABLE, ...raw },
    );
  }
  if (code === INVALID_ACCESS_TOKEN || failure.status === 429) {
    // A token refused even after a refresh, or a rate limit: this instance, not the request.
    return new ProviderError(
      failure.status === 429 ? "rate_limited" : "unavailable",
      `Daraja could not take the STK push now: ${describe(failure)}`,
      { retryable: true, shopperMessage: UNAVAILABLE, ...raw },
    );
  }
  if (code === INVALID_REQUEST || (failure.status >= 400 && failure.status < 500)) {
    const aboutPhone = /PhoneNumber|PartyA/.test(message);
    return new ProviderError(
      aboutPhone ? "invalid_phone" : "invalid_request",
      `Daraja refused the STK push as invalid: ${describe(failure)}`,
      {
        retryable: false,
        shopperMessage: aboutPhone
          ? INVALID_PHONE
          : "M-Pesa could not accept this payment. Please choose another way to pay.",
        ...raw,
      },
    );
  }
  // 500.003.02 spike arrest, 500.003.03 quota, 500.003.1001 internal, any other 5xx.
  return new ProviderError(
    code === SPIKE_ARREST ? "rate_limited" : "unavailable",
    `Daraja could not take the STK push now: ${describe(failure)}`,
    { retryable: true, shopperMessage: UNAVAILABLE, ...raw },
  );
}

/** An STK Query error that is not "still pending": the reconciler should ask again later. */
export function stkQueryError(failure: DarajaFailure): ProviderError {
  return new ProviderError(
    codeOfStatus(failure.status),
    `Daraja could not answer the STK Query: ${describe(failure)}`,
    { retryable: true, shopperMessage: UNAVAILABLE, ...providerCodeOf(failure) },
  );
}
