import { ProviderError } from "../plugin.js";

/** Daraja's error body (providers.md §1.3): `{ requestId, errorCode, errorMessage }`. */
export interface DarajaErrorBody {
  readonly requestId?: string;
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** A Daraja answer that was not a 2xx, with its error body when it had one. */
export interface DarajaFailure {
  readonly status: number;
  readonly error: DarajaErrorBody | undefined;
}

export const INVALID_ACCESS_TOKEN = "404.001.03";
/** Reused by Daraja for wrong credentials, unknown merchant, a locked subscriber and "being processed". */
export const MERCHANT_ERROR = "500.001.1001";
export const SPIKE_ARREST = "500.003.02";
export const INVALID_REQUEST = "400.002.02";

const UNAVAILABLE =
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

/** No answer at all (connection refused, reset, timeout): always worth another try. */
export function networkError(what: string, cause: unknown): ProviderError {
  const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
  return new ProviderError(
    timedOut ? "timeout" : "unreachable",
    `Daraja ${what} ${timedOut ? "timed out" : "could not be reached"}: check baseUrl and the network`,
    { retryable: true, shopperMessage: UNAVAILABLE, cause },
  );
}

/** A 2xx answer whose body is not what Daraja documents. */
export function unexpectedAnswer(what: string, detail: string): ProviderError {
  return new ProviderError("bad_response", `Daraja ${what} answered unexpectedly: ${detail}`, {
    retryable: true,
    shopperMessage: UNAVAILABLE,
  });
}

/** A failed OAuth token request (wrong key/secret, or Daraja down). */
export function tokenError(failure: DarajaFailure): ProviderError {
  return new ProviderError(
    failure.error?.errorCode ?? `http_${failure.status}`,
    `Daraja refused an access token: ${describe(failure)}; check consumerKey and consumerSecret`,
    // Another instance (another app) may still work.
    { retryable: true, shopperMessage: UNAVAILABLE },
  );
}

/**
 * An STK push refused by Daraja. `500.001.1001` carries several meanings, told apart by the message:
 * a locked subscriber is the shopper's to resolve (another instance would hit the same lock), while
 * wrong credentials or an unknown merchant are this instance's problem (another may work).
 */
export function stkPushError(failure: DarajaFailure): ProviderError {
  const code = failure.error?.errorCode ?? `http_${failure.status}`;
  const message = failure.error?.errorMessage ?? "";
  if (isSubscriberLocked(message)) {
    return new ProviderError(code, `Daraja refused the STK push: ${describe(failure)}`, {
      retryable: false,
      shopperMessage: SUBSCRIBER_LOCKED,
    });
  }
  if (code === MERCHANT_ERROR) {
    return new ProviderError(
      code,
      `Daraja refused the STK push: ${describe(failure)}; check shortcode, passkey, partyB and transactionType`,
      { retryable: true, shopperMessage: UNAVAILABLE },
    );
  }
  if (code === INVALID_ACCESS_TOKEN || failure.status === 429) {
    // A token refused even after a refresh, or a rate limit: this instance, not the request.
    return new ProviderError(code, `Daraja could not take the STK push now: ${describe(failure)}`, {
      retryable: true,
      shopperMessage: UNAVAILABLE,
    });
  }
  if (code === INVALID_REQUEST || (failure.status >= 400 && failure.status < 500)) {
    const aboutPhone = /PhoneNumber|PartyA/.test(message);
    return new ProviderError(code, `Daraja refused the STK push as invalid: ${describe(failure)}`, {
      retryable: false,
      shopperMessage: aboutPhone
        ? INVALID_PHONE
        : "M-Pesa could not accept this payment. Please choose another way to pay.",
    });
  }
  // 500.003.02 spike arrest, 500.003.03 quota, 500.003.1001 internal, any other 5xx.
  return new ProviderError(code, `Daraja could not take the STK push now: ${describe(failure)}`, {
    retryable: true,
    shopperMessage: UNAVAILABLE,
  });
}

/** An STK Query error that is not "still pending": the reconciler should ask again later. */
export function stkQueryError(failure: DarajaFailure): ProviderError {
  return new ProviderError(
    failure.error?.errorCode ?? `http_${failure.status}`,
    `Daraja could not answer the STK Query: ${describe(failure)}`,
    { retryable: true, shopperMessage: UNAVAILABLE },
  );
}
