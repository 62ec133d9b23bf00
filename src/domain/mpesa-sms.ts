/**
 * Reading a pasted M-Pesa confirmation SMS (the message Safaricom sends the payer) into its
 * fields. Pure and total: any value in, a reading out, never an exception.
 *
 * A text counts as an SMS only with a plausible transaction code at the start, a `Ksh` amount and
 * a date and time; anything less is not one (the caller keeps treating it as ordinary text).
 * Formats (shared/docs/providers-2.md §4, checked against the pennywise parser's tests):
 *
 *   <CODE> Confirmed. Ksh1,250.00 sent to <BUSINESS> for account <ACCOUNT> on 3/12/26 at 10:15 AM …
 *   <CODE> Confirmed. Ksh780.00 paid to <TILL NAME>. on 4/12/26 at 6:02 PM.New M-PESA balance …
 *   <CODE> Confirmed. Ksh300.00 sent to <NAME> 0700 000 001 on 5/12/26 at 9:41 AM. …
 *   <CODE> Confirmed.You have received Ksh1,000.00 from <NAME> 0700000002 on … at …
 *   Congratulations! <CODE> confirmed.You have received Ksh780.00 from <BUSINESS>. on … at …
 *
 * Swahili (`<CODE> Imethibitishwa. Ksh… imetumwa kwa <NAME> tarehe d/m/yy saa h:mm PM.`) is
 * unconfirmed: the till and received wordings are guesses, so a Swahili text is read on the code,
 * the amount and the date alone when no wording matches (`kind: "unknown"`).
 *
 * A pasted SMS is evidence, not proof: anyone can type one. The merchant (or a C2B confirmation
 * with the same code) decides.
 */
import type { Money } from "./money.js";

/** Who the money went to or came from, as the SMS names them. */
export type MpesaSmsKind =
  /** Paid to a Paybill, with an account number. */
  | "paybill"
  /** Paid to a Till (Buy Goods). */
  | "till"
  /** Sent to a person (or a Pochi la Biashara). */
  | "send_money"
  /** Money received: the payer's SMS never says this, so it is worth a look. */
  | "received"
  /** A code, an amount and a date, in a wording not known here. */
  | "unknown";

export interface MpesaSms {
  /** The transaction code, upper case (10 characters; 9 before 2015). */
  readonly code: string;
  readonly kind: MpesaSmsKind;
  /** KES, in cents. */
  readonly amount: Money;
  /** The business or person on the other side, when the wording names them. */
  readonly counterparty?: { readonly name?: string; readonly number?: string };
  /** The Paybill account number the payer typed. */
  readonly account?: string;
  /** When M-Pesa says it happened (Kenya time, minute precision). */
  readonly at: Date;
  readonly language: "en" | "sw";
}

export type MpesaSmsReading =
  | { readonly ok: true; readonly sms: MpesaSms }
  | { readonly ok: false; readonly reason: "not_text" | "too_long" | "no_code" | "no_amount" | "no_date" };

/** An SMS with its adverts is ~400 characters; a longer paste is not one (and bounds the regexes). */
export const MAX_SMS_LENGTH = 2000;
/** Above any M-Pesa transaction limit (KES 250,000 per transaction). */
const MAX_AMOUNT_CENTS = 1_000_000 * 100;
const MAX_FIELD_LENGTH = 100;
/** East Africa Time has no daylight saving. */
const EAT_OFFSET_HOURS = 3;

const HEADER = /^(?:congratulations!?\s+)?([a-z0-9]{9,10})\s+(confirmed|imethibitishwa)\b\.?\s*/i;
const AMOUNT = String.raw`\bk(?:sh|es)\.?\s?(\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+(?:\.\d{2})?)(?![\d,]|\.[\d,])`;
const WHEN = String.raw`(?:on|tarehe)\s+(\d{1,2})\/(\d{1,2})\/(\d{2})\s+(?:at|saa)\s+(\d{1,2}):(\d{2})(?:\s?([ap])\.?m\b\.?)?`;
/** A Kenyan mobile number as SMS texts write it, or a shortcode/paybill number. */
const NUMBER = String.raw`(\+?254\d{9}|0\d{3}\s?\d{3}\s?\d{3}|\d{5,7})`;

interface Wording {
  readonly kind: Exclude<MpesaSmsKind, "unknown">;
  readonly language: "en" | "sw";
  /** Groups: amount, counterparty, [account], then the six date groups. */
  readonly pattern: RegExp;
  readonly hasAccount?: boolean;
}

const pattern = (source: string) => new RegExp(source, "i");

/** Tried in order: a Paybill reads as "sent to" too, so it goes first. */
const WORDINGS: readonly Wording[] = [
  {
    kind: "paybill",
    language: "en",
    pattern: pattern(`^${AMOUNT} sent to (.+?) for account (.+?) ${WHEN}`),
    hasAccount: true,
  },
  { kind: "till", language: "en", pattern: pattern(`^${AMOUNT} paid to (.+?)\\.?\\s+${WHEN}`) },
  {
    kind: "received",
    language: "en",
    pattern: pattern(`^you have received ${AMOUNT} from (.+?)\\.?\\s+${WHEN}`),
  },
  { kind: "send_money", language: "en", pattern: pattern(`^${AMOUNT} sent to (.+?)\\.?\\s+${WHEN}`) },
  {
    kind: "paybill",
    language: "sw",
    pattern: pattern(`^${AMOUNT} imetumwa kwa (.+?) kwa akaunti (?:nambari\\s+)?(.+?) ${WHEN}`),
    hasAccount: true,
  },
  { kind: "till", language: "sw", pattern: pattern(`^${AMOUNT} imelipwa kwa (.+?)\\.?\\s+${WHEN}`) },
  {
    kind: "received",
    language: "sw",
    pattern: pattern(`^umepokea ${AMOUNT} kutoka (?:kwa\\s+)?(.+?)\\.?\\s+${WHEN}`),
  },
  { kind: "send_money", language: "sw", pattern: pattern(`^${AMOUNT} imetumwa kwa (.+?)\\.?\\s+${WHEN}`) },
];

const ANY_AMOUNT = pattern(AMOUNT);
const ANY_WHEN = pattern(WHEN);

/** Reads a pasted text as an M-Pesa confirmation SMS; never throws. */
export function parseMpesaSms(text: unknown): MpesaSmsReading {
  try {
    return read(text);
  } catch {
    // Nothing below is expected to throw; a bug here must not break a shopper's turn.
    return { ok: false, reason: "not_text" };
  }
}

function read(text: unknown): MpesaSmsReading {
  if (typeof text !== "string") return { ok: false, reason: "not_text" };
  if (text.length > MAX_SMS_LENGTH) return { ok: false, reason: "too_long" };
  const flat = text.normalize("NFKC").replace(/\s+/g, " ").trim();
  const header = HEADER.exec(flat);
  const code = header?.[1]?.toUpperCase();
  if (!header || !code || !isPlausibleCode(code)) return { ok: false, reason: "no_code" };
  const language = /^imethibitishwa$/i.test(header[2] ?? "") ? "sw" : "en";
  const body = flat.slice(header[0].length);

  for (const wording of WORDINGS) {
    const match = wording.pattern.exec(body);
    if (!match) continue;
    const [, amountText, party, ...rest] = match;
    const account = wording.hasAccount ? rest.shift() : undefined;
    const amount = toCents(amountText);
    const at = toEastAfricaTime(rest);
    if (amount === undefined || at === undefined) continue;
    return {
      ok: true,
      sms: {
        code,
        kind: wording.kind,
        amount: { amount, currency: "KES" },
        ...counterpartyOf(party),
        ...(account && cleanField(account) ? { account: cleanField(account) } : {}),
        at,
        language: wording.language,
      },
    };
  }
  return readLoosely(code, language, body);
}

/** A known header in a wording not known here: the first date and time, and the amount before it. */
function readLoosely(code: string, language: "en" | "sw", body: string): MpesaSmsReading {
  const when = ANY_WHEN.exec(body);
  // Every wording names the amount before the date, and the balance and the fee after it.
  const amount = toCents(ANY_AMOUNT.exec(when ? body.slice(0, when.index) : body)?.[1]);
  if (amount === undefined) return { ok: false, reason: "no_amount" };
  const at = toEastAfricaTime(when?.slice(1) ?? []);
  if (at === undefined) return { ok: false, reason: "no_date" };
  return { ok: true, sms: { code, kind: "unknown", amount: { amount, currency: "KES" }, at, language } };
}

/**
 * Letters and digits both: every code seen has them (`UL3XDEMO7Q`, `DY12DEMO9`), and it keeps
 * words ("Delivered confirmed") and numbers from reading as codes. The first character is a letter.
 */
export function isPlausibleCode(code: string): boolean {
  return /^[A-Z][A-Z0-9]{8,9}$/.test(code) && /\d/.test(code) && /[A-Z].*[A-Z]/.test(code);
}

/** "1,250.00" → 125000; undefined unless it is a positive amount M-Pesa could move. */
function toCents(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [whole = "", fraction = "00"] = text.replace(/,/g, "").split(".");
  if (whole.length > 9) return undefined;
  const cents = Number(whole) * 100 + Number(fraction);
  return Number.isSafeInteger(cents) && cents > 0 && cents <= MAX_AMOUNT_CENTS ? cents : undefined;
}

/**
 * `d/m/yy` and `h:mm AM` (or a 24-hour `h:mm` without AM/PM) in Kenya time, as an instant;
 * undefined when no such day or time exists.
 */
function toEastAfricaTime(groups: readonly (string | undefined)[]): Date | undefined {
  const numbers = groups.slice(0, 5).map(Number);
  const [d = NaN, m = NaN, y = NaN, h = NaN, min = NaN] = numbers;
  const meridiem = groups[5]?.toLowerCase();
  if (numbers.length < 5 || !numbers.every(Number.isInteger)) return undefined;
  if ((meridiem ? h < 1 || h > 12 : h > 23) || min > 59) return undefined;
  const hours24 = meridiem ? (h % 12) + (meridiem === "p" ? 12 : 0) : h;
  const local = new Date(Date.UTC(2000 + y, m - 1, d, hours24, min));
  // Date.UTC rolls 31/2 over into March: a day or month that does not exist is no date.
  if (local.getUTCDate() !== d || local.getUTCMonth() !== m - 1) return undefined;
  return new Date(local.getTime() - EAT_OFFSET_HOURS * 3_600_000);
}

/** An instant as M-Pesa writes it, in Kenya time: "3/12/2026 10:15 EAT". */
export function toKenyaTimeText(at: Date): string {
  const local = new Date(at.getTime() + EAT_OFFSET_HOURS * 3_600_000);
  const time = local.toISOString().slice(11, 16);
  return `${local.getUTCDate()}/${local.getUTCMonth() + 1}/${local.getUTCFullYear()} ${time} EAT`;
}

/** "JANE DEMO 0700 000 001" → name and number; "501901 - KCB Money Transfer" → number and name. */
function counterpartyOf(raw: string | undefined): Pick<MpesaSms, "counterparty"> {
  const party = (raw ?? "").trim();
  const trailing = new RegExp(`^(.*?)\\s*${NUMBER}$`).exec(party);
  const leading = /^(\d{5,7})\s*-\s*(.+)$/.exec(party);
  const [nameText, numberText] = leading
    ? [leading[2], leading[1]]
    : trailing
      ? [trailing[1], trailing[2]]
      : [party, undefined];
  const name = cleanField(nameText ?? "");
  const number = numberText?.replace(/\s/g, "");
  if (!name && !number) return {};
  return { counterparty: { ...(name ? { name } : {}), ...(number ? { number } : {}) } };
}

/**
 * A name or account as shown to the merchant: without the markup characters chat messages use
 * for bold and code, control characters, or a trailing full stop; at most 100 characters.
 */
function cleanField(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}*_`~]/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.,]+$/, "")
    .trim()
    .slice(0, MAX_FIELD_LENGTH);
}
