import { DarajaApiError } from "../errors.js";
import type { DarajaFault } from "../types.js";

/** Messages Daraja sends with these codes (providers.md §1.3), used when a fault names none. */
const DEFAULT_MESSAGES: Record<string, string> = {
  "400.002.02": "Bad Request - Invalid Request",
  "404.001.01": "Resource not found",
  "404.001.03": "Invalid Access Token",
  "405.001": "Method Not Allowed",
  "500.001.1001": "The transaction is being processed",
  "500.003.02": "Error Occurred: Spike Arrest Violation",
  "500.003.03": "Error Occurred: Quota Violation",
  "500.003.1001": "Internal Server Error",
};

/** The error a fault answers with (not used for `dropConnection`). */
export function faultError(fault: Exclude<DarajaFault, { dropConnection: true }>): DarajaApiError {
  const prefix = Number(fault.errorCode.slice(0, 3));
  const status = fault.status ?? (prefix >= 400 && prefix <= 599 ? prefix : 500);
  const message = fault.errorMessage ?? DEFAULT_MESSAGES[fault.errorCode] ?? `Error ${fault.errorCode}`;
  return new DarajaApiError(status, fault.errorCode, message);
}
