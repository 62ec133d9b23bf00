import { PaystackEmulatorError } from "./errors.js";
import type { CardDetails } from "./types.js";

/** Paystack's test cards (providers.md §2.5). Spaces are optional wherever a card number is taken. */
export const TEST_CARDS = {
  /** Succeeds with any future expiry and CVV 408. */
  success: "4084 0840 8408 4081",
  declined: "4084 0800 0000 5408",
  insufficientFunds: "4084 0800 0067 0037",
  /** The charge succeeds; a refund of it ends `failed`. */
  refundFails: "4084 0800 0067 1803",
  /** The charge succeeds; a refund of it ends `needs-attention`. */
  refundNeedsAttention: "4084 0800 0067 1902",
} as const;

export const TEST_CARD_CVV = "408";

const digitsOnly = (value: string) => value.replace(/[\s-]/g, "");

const BEHAVIOURS = new Map<string, CardBehaviour>([
  [digitsOnly(TEST_CARDS.success), "success"],
  [digitsOnly(TEST_CARDS.declined), "declined"],
  [digitsOnly(TEST_CARDS.insufficientFunds), "insufficient-funds"],
  [digitsOnly(TEST_CARDS.refundFails), "refund-fails"],
  [digitsOnly(TEST_CARDS.refundNeedsAttention), "refund-needs-attention"],
]);

export type CardBehaviour =
  | "success"
  | "declined"
  | "insufficient-funds"
  | "refund-fails"
  | "refund-needs-attention"
  | "invalid";

export interface ParsedCard {
  /** Digits only. */
  readonly number: string;
  readonly expMonth: number;
  /** Four digits. */
  readonly expYear: number;
  readonly cvv: string;
  readonly behaviour: CardBehaviour;
}

function invalid(message: string): PaystackEmulatorError {
  return new PaystackEmulatorError("invalid_card_details", message);
}

function parseExpiry(raw: string): { month: number; year: number } | undefined {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(raw);
  if (match === null) return undefined;
  const month = Number(match[1]);
  const yearText = match[2] ?? "";
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  if (month < 1 || month > 12) return undefined;
  return { month, year };
}

/**
 * What a checkout form would refuse before contacting the processor: a malformed number, expiry or
 * CVV, or an expired card (valid through the end of its expiry month). Throws `invalid_card_details`.
 */
export function parseCard(input: string | CardDetails, now: Date): ParsedCard {
  const details: CardDetails = typeof input === "string" ? { number: input } : input;
  const number = digitsOnly(details.number);
  if (number === "") throw invalid("Enter a card number");
  if (!/^\d{12,19}$/.test(number)) throw invalid("Card number must be 12 to 19 digits");
  const expiry = parseExpiry(details.expiry ?? `12/${now.getUTCFullYear() + 2}`);
  if (expiry === undefined) throw invalid("Enter the expiry date as MM/YY");
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (expiry.year * 12 + (expiry.month - 1) < thisMonth) throw invalid("This card has expired");
  const cvv = (details.cvv ?? TEST_CARD_CVV).trim();
  if (!/^\d{3,4}$/.test(cvv)) throw invalid("Enter the 3- or 4-digit CVV");
  return {
    number,
    expMonth: expiry.month,
    expYear: expiry.year,
    cvv,
    behaviour: BEHAVIOURS.get(number) ?? "invalid",
  };
}

/** The processor's answer for a well-formed card. */
export type ChargeDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly gatewayResponse: string; readonly message: string };

export function decideCharge(card: ParsedCard): ChargeDecision {
  switch (card.behaviour) {
    case "success":
      return card.cvv === TEST_CARD_CVV
        ? { ok: true }
        : { ok: false, gatewayResponse: "Declined", message: "Invalid CVV" };
    case "refund-fails":
    case "refund-needs-attention":
      return { ok: true };
    case "declined":
      return { ok: false, gatewayResponse: "Declined", message: "Declined" };
    case "insufficient-funds":
      return { ok: false, gatewayResponse: "Insufficient Funds", message: "Insufficient Funds" };
    case "invalid":
      return { ok: false, gatewayResponse: "Invalid card", message: "Invalid card number" };
  }
}
