/**
 * Two kinds of failure live in the emulator:
 * - `DarajaApiError` is what the *client* (the M-Pesa plugin) sees: it becomes Daraja's
 *   `{ requestId, errorCode, errorMessage }` body with the given HTTP status. Codes and messages copy
 *   Daraja's wording (providers.md §1.2–§1.6) so client code that branches on them behaves as in
 *   production.
 * - `DarajaEmulatorError` is what a *test* sees when it misuses the shopper API (completing an unknown
 *   push, a `nextPush` timeout, using a closed emulator).
 */

export class DarajaApiError extends Error {
  override name = "DarajaApiError";
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMessage: string,
  ) {
    super(`${errorCode} ${errorMessage}`);
  }
}

/** 400 `400.002.02` "Bad Request - Invalid <Field>": any missing or malformed request field. */
export function invalidField(field: string): DarajaApiError {
  return new DarajaApiError(400, "400.002.02", `Bad Request - Invalid ${field}`);
}

/** 500 `500.001.1001`: Daraja reuses this code for several unrelated messages (clients branch on text). */
export function merchantError(message: string): DarajaApiError {
  return new DarajaApiError(500, "500.001.1001", message);
}

export const WRONG_CREDENTIALS = "Wrong credentials";
export const MERCHANT_DOES_NOT_EXIST = "Merchant does not exist";
export const SUBSCRIBER_LOCKED =
  "Unable to lock subscriber, a transaction is already in process for the current subscriber";
export const BEING_PROCESSED = "The transaction is being processed";

export const invalidAccessToken = () => new DarajaApiError(404, "404.001.03", "Invalid Access Token");
export const resourceNotFound = () => new DarajaApiError(404, "404.001.01", "Resource not found");
export const methodNotAllowed = () => new DarajaApiError(405, "405.001", "Method Not Allowed");

export type DarajaEmulatorErrorCode = "invalid_use" | "timeout" | "closed";

export class DarajaEmulatorError extends Error {
  override name = "DarajaEmulatorError";
  constructor(
    readonly code: DarajaEmulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function closedError(): DarajaEmulatorError {
  return new DarajaEmulatorError("closed", "The Daraja emulator was closed");
}
