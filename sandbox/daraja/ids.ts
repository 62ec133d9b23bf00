import { randomBytes, randomInt } from "node:crypto";
import { toDarajaTimestamp } from "./time.js";

/**
 * Ids shaped like Daraja's so code that logs, stores or pattern-checks them sees realistic values.
 * Clients must treat them as opaque strings (providers.md §1.3).
 */

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const DAY_CHARS = "123456789ABCDEFGHIJKLMNOPQRSTUV";

function pick(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function digits(length: number): string {
  return pick("0123456789", length);
}

/** Error bodies' `requestId`, in the older `12345-1234567-1` shape. */
export function newRequestId(): string {
  return `${randomInt(10_000, 99_999)}-${randomInt(1_000_000, 99_999_999)}-${randomInt(1, 4)}`;
}

/** Newer `MerchantRequestID` shape, e.g. `2654-4b64-97ff-b827b542881d3130`. */
export function newMerchantRequestId(): string {
  const hex = randomBytes(12).toString("hex");
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 24)}${digits(randomInt(4, 8))}`;
}

/** `ws_CO_` + DDMMYYYYHHmmss (Kenya time) + milliseconds + 8 random digits (25 digits in all). */
export function newCheckoutRequestId(epochMs: number): string {
  const stamp = toDarajaTimestamp(epochMs);
  const ddmmyyyy = `${stamp.slice(6, 8)}${stamp.slice(4, 6)}${stamp.slice(0, 4)}`;
  const millis = String(Math.floor(epochMs % 1000)).padStart(3, "0");
  return `ws_CO_${ddmmyyyy}${stamp.slice(8, 14)}${millis}${digits(8)}`;
}

/** 28 alphanumerics, like `c9SQxWWhmdVRlyh0zh8gZDTkubVF`. */
export function newAccessToken(): string {
  return pick(ALNUM, 28);
}

/**
 * A 10-character uppercase receipt such as `NLJ7RT61SV`: real receipts start with a year letter
 * (A = 2006, so N = 2019), a month letter (A–L) and a day character (1–9, then A = 10 … V = 31);
 * the rest is random here.
 */
export function newReceiptNumber(epochMs: number): string {
  const stamp = toDarajaTimestamp(epochMs);
  const year = String.fromCharCode(65 + ((((Number(stamp.slice(0, 4)) - 2006) % 26) + 26) % 26));
  const month = String.fromCharCode(64 + Number(stamp.slice(4, 6)));
  const day = DAY_CHARS[Number(stamp.slice(6, 8)) - 1] ?? "1";
  return `${year}${month}${day}${pick(UPPER_ALNUM, 7)}`;
}
