/**
 * Pure masking of secrets and personal data in free text (log lines, error messages, summaries).
 * Over-masking a log line is cheap; leaking a token or a full phone number is not, so the
 * patterns lean towards matching too much.
 */

/** Telegram bot token `123456789:AA…`; also inside Bot API URLs (`/bot123456789:AA…/getMe`). */
const BOT_TOKEN = /(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g;

/** Paystack secret and public keys. */
const PAYSTACK_KEY = /(?<![A-Za-z0-9_])(?:sk|pk)_(?:live|test)_[A-Za-z0-9]{6,}/g;

/** `Authorization: Bearer …` values that end up in error messages (Daraja OAuth, Paystack). */
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/g;

/** `scheme://user:password@host` → the password part. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/?#@\s:]*):([^/?#@\s]+)@/gi;

/**
 * Phone numbers we are likely to see: Kenya, Tanzania, Uganda, Ghana (country code + 9 digits),
 * Nigeria (234 + 10 digits), Kenyan local `07…`/`01…` (10 digits), Nigerian local `070…`–`091…`
 * (11 digits), each optionally with a leading `+`. Digits only: `+254 712 345 678` is not matched.
 */
const PHONE_DIGITS = "(?:25[456]\\d{9}|233\\d{9}|234\\d{10}|0[17]\\d{8}|0[789][01]\\d{8})";
const PHONE = new RegExp(`(?<!\\d)(\\+?)(${PHONE_DIGITS})(?!\\d)`, "g");
/** A phone number written as a JSON number: not after `.`/digits, not followed by `.`, `e`. */
const JSON_NUMBER_PHONE = new RegExp(`(?<![\\d.+-])(${PHONE_DIGITS})(?![\\d.eE])`, "g");

/**
 * A secret shown to a person or a log: the first 8 and last 4 characters (`sk_live_…1234`),
 * which identifies a key without revealing it, or `***` when the value is too short (< 24
 * characters) to show 12 of its characters safely.
 */
export function maskSecret(secret: string): string {
  if (secret.length < 24) return "***";
  return `${secret.slice(0, 8)}…${secret.slice(-4)}`;
}

function maskPhoneDigits(plus: string, digits: string): string {
  return `${plus}${digits.slice(0, 4)}****${digits.slice(-3)}`;
}

/**
 * A phone number or WhatsApp id for people to read: `+254712345678` → `+2547****678`,
 * `254712345678@c.us` → `2547****678`. Fewer than 8 digits → `***`.
 */
export function maskPhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/@.*$/, "").replace(/\D/g, "");
  if (digits.length < 8) return "***";
  return maskPhoneDigits(trimmed.startsWith("+") ? "+" : "", digits);
}

/** `redis://user:pw@host` → `redis://user:***@host`; other text unchanged. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, scheme: string, user: string) => `${scheme}${user}:***@`);
}

/**
 * Masks, in any text: Telegram bot tokens (`<bot-token>`), Paystack keys (`sk_live_…1234`),
 * bearer credentials, passwords in URLs, and phone numbers (`2547****678`). The replacements
 * contain no quotes, backslashes or control characters, so the result of masking the inside of a
 * JSON string is still a valid JSON string.
 */
export function maskSensitive(text: string): string {
  return maskUrlCredentials(text)
    .replace(BOT_TOKEN, "<bot-token>")
    .replace(PAYSTACK_KEY, (key) => maskSecret(key))
    .replace(BEARER, (_match, scheme: string) => `${scheme} [redacted]`)
    .replace(PHONE, (_match, plus: string, digits: string) => maskPhoneDigits(plus, digits));
}

/**
 * {@link maskSensitive} for one serialized JSON document (a pino log line): masks inside every
 * string, and turns phone numbers written as JSON numbers (Daraja's `PhoneNumber` item is one)
 * into masked strings. The result is valid JSON whenever the input is.
 */
export function maskJson(json: string): string {
  let out = "";
  let i = 0;
  const n = json.length;
  while (i < n) {
    const quote = json.indexOf('"', i);
    const structuralEnd = quote === -1 ? n : quote;
    if (structuralEnd > i) {
      out += json
        .slice(i, structuralEnd)
        .replace(JSON_NUMBER_PHONE, (_match, digits: string) => `"${maskPhoneDigits("", digits)}"`);
    }
    if (quote === -1) break;
    let end = quote + 1;
    while (end < n && json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
    if (end >= n) {
      // Unterminated string: not JSON; mask the rest as text rather than invent a quote.
      out += `"${maskSensitive(json.slice(quote + 1))}`;
      break;
    }
    out += `"${maskSensitive(json.slice(quote + 1, end))}"`;
    i = end + 1;
  }
  return out;
}
