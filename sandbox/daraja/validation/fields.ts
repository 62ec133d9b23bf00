import { invalidField } from "../errors.js";
import { parseDarajaTimestamp } from "../time.js";
import { TRANSACTION_TYPES, type TransactionType } from "../types.js";

/**
 * Field checks shared by processrequest and stkpushquery. Each returns the normalised value or throws
 * Daraja's 400 `400.002.02` "Bad Request - Invalid <Field>". Numeric fields may arrive as JSON numbers
 * or digit strings (Daraja's samples use both) and come back as strings.
 */

const SHORTCODE = /^\d{5,7}$/;
const MSISDN = /^254(7|1)\d{8}$/;

/**
 * Words Safaricom refuses in callback URLs (C2B URL rules, widely reported for STK too, §1.5). Checked
 * case-insensitively in everything after the scheme: host, path and query.
 */
export const FORBIDDEN_CALLBACK_WORDS = [
  "m-pesa",
  "mpesa",
  "safaricom",
  "exec",
  "exe",
  "cmd",
  "sql",
  "query",
];

function digitsOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === "string") return value;
  return undefined;
}

export function shortcodeField(body: Record<string, unknown>, name: string): string {
  const value = digitsOf(body[name]);
  if (value === undefined || !SHORTCODE.test(value)) throw invalidField(name);
  return value;
}

export function msisdnField(body: Record<string, unknown>, name: string): string {
  const value = digitsOf(body[name]);
  if (value === undefined || !MSISDN.test(value)) throw invalidField(name);
  return value;
}

export function nonEmptyStringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value.trim() === "") throw invalidField(name);
  return value;
}

/**
 * `YYYYMMDDHHmmss`, a real date-time, and (unless `toleranceMs` is null) within `toleranceMs` of `now`
 * read as Kenya time. Daraja's own skew rule is [unconfirmed]; the tolerance catches UTC-vs-EAT and
 * stale-timestamp bugs without flaking on slow machines.
 */
export function timestampField(
  body: Record<string, unknown>,
  now: number,
  toleranceMs: number | null,
): string {
  const value = digitsOf(body.Timestamp);
  const at = value === undefined ? undefined : parseDarajaTimestamp(value);
  if (value === undefined || at === undefined) throw invalidField("Timestamp");
  if (toleranceMs !== null && Math.abs(at - now) > toleranceMs) throw invalidField("Timestamp");
  return value;
}

export function transactionTypeField(body: Record<string, unknown>): TransactionType {
  const value = body.TransactionType;
  if (typeof value !== "string" || !(TRANSACTION_TYPES as readonly string[]).includes(value)) {
    throw invalidField("TransactionType");
  }
  return value as TransactionType;
}

/** A whole number of KES ≥ 1, as a JSON number or a digit string; decimals are refused ([unconfirmed]). */
export function amountField(body: Record<string, unknown>): number {
  const value = body.Amount;
  let amount: number | undefined;
  if (typeof value === "number") amount = value;
  else if (typeof value === "string" && /^\d+$/.test(value)) amount = Number(value);
  if (amount === undefined || !Number.isSafeInteger(amount) || amount < 1) throw invalidField("Amount");
  return amount;
}

/** An absolute http(s) URL with no whitespace and none of `FORBIDDEN_CALLBACK_WORDS`. */
export function callbackUrlField(body: Record<string, unknown>, name = "CallBackURL"): string {
  const value = body[name];
  if (typeof value !== "string" || value === "" || /\s/.test(value)) throw invalidField(name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField(name);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "") {
    throw invalidField(name);
  }
  let rest = `${url.host}${url.pathname}${url.search}`;
  try {
    rest = decodeURIComponent(rest);
  } catch {
    throw invalidField(name);
  }
  rest = rest.toLowerCase();
  if (FORBIDDEN_CALLBACK_WORDS.some((word) => rest.includes(word))) throw invalidField(name);
  return value;
}

/** Required, 1–`max` characters; a JSON number is taken as its decimal text. */
export function boundedTextField(body: Record<string, unknown>, name: string, max: number): string {
  const raw = body[name];
  const value = typeof raw === "number" && Number.isFinite(raw) ? String(raw) : raw;
  if (typeof value !== "string" || value.length === 0 || value.length > max) throw invalidField(name);
  return value;
}

/** Optional (null/absent), else a string of at most `max` characters. */
export function optionalTextField(
  body: Record<string, unknown>,
  name: string,
  max: number,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length > max) throw invalidField(name);
  return value;
}
