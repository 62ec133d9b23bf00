/**
 * JSON from Paystack, with its 64-bit ids kept exact. Paystack says transaction ids are unsigned
 * 64-bit integers (providers.md §2): `JSON.parse` would round one above 2^53 to the nearest double,
 * and two events could then share a dedupe key. Node 20's `JSON.parse` reviver cannot see the
 * source text, so integers that are not safe are quoted in the text before parsing: they come out
 * as strings of their exact digits, and everything else parses as usual.
 */

/** A string literal (skipped whole, so digits inside strings are never touched) or a number. */
const TOKEN = /"(?:[^"\\]|\\[\s\S])*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** The shortest run of digits that can be an unsafe integer: 2^53 has 16. */
const LONG_DIGIT_RUN = /\d{16}/;

/** `{"id":18446744073709551615}` → `{"id":"18446744073709551615"}`; other text unchanged. */
export function quoteUnsafeIntegers(text: string): string {
  // Most events have no such run: one quick scan instead of tokenizing every webhook.
  if (!LONG_DIGIT_RUN.test(text)) return text;
  return text.replace(TOKEN, (token) =>
    token.startsWith('"') || /[.eE]/.test(token) || Number.isSafeInteger(Number(token))
      ? token
      : `"${token}"`,
  );
}

/** Parses JSON (throws SyntaxError like JSON.parse); integers beyond 2^53 become digit strings. */
export function parsePaystackJson(text: string): unknown {
  return JSON.parse(quoteUnsafeIntegers(text));
}

/** An id as exact digits, whether it arrived as a safe number or (being too big) as a digit string. */
export function toIdString(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  return undefined;
}
