import type { EmulatorContext } from "../context.js";
import { invalidParam, missingParam, PaystackApiError } from "../errors.js";
import type { AccountState } from "../state/accounts.js";
import type { TransactionState } from "../state/records.js";
import { isAbsent, parseSubunits } from "./amount.js";

/** Checkout channels initialize accepts (providers.md §2.1). */
export const PAYSTACK_CHANNELS = [
  "card",
  "bank",
  "apple_pay",
  "ussd",
  "qr",
  "mobile_money",
  "bank_transfer",
  "eft",
  "capitec_pay",
  "payattitude",
] as const;

const REFERENCE = /^[A-Za-z0-9.=-]+$/;
// Paystack refuses addresses it cannot route, including the mDNS-only ".local" TLD [practice].
const EMAIL = /^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/;

function parseEmail(value: unknown): string {
  if (isAbsent(value)) throw missingParam("Email Address is required");
  const email = typeof value === "string" ? value.trim() : "";
  if (!EMAIL.test(email) || /\.local$/i.test(email)) {
    throw invalidParam("Invalid Email Address Passed", "Provide a valid customer email address");
  }
  return email;
}

function parseAmount(value: unknown): number {
  if (isAbsent(value)) throw missingParam("Amount is required");
  const amount = parseSubunits(value);
  if (amount === undefined) {
    throw invalidParam(
      "Invalid Amount Sent",
      "Send the amount as a positive integer in the currency's subunit (KES 150 is 15000)",
    );
  }
  return amount;
}

function parseCurrency(value: unknown, account: AccountState): string {
  if (isAbsent(value)) return account.currency;
  const currency = typeof value === "string" ? value.trim().toUpperCase() : "";
  if (!account.currencies.includes(currency)) {
    throw new PaystackApiError(400, "Currency not supported by merchant", {
      type: "validation_error",
      code: "unsupported_currency",
      nextStep: `Use one of the integration's currencies: ${account.currencies.join(", ")}`,
    });
  }
  return currency;
}

function parseReference(value: unknown, ctx: EmulatorContext, account: AccountState): string | undefined {
  if (isAbsent(value)) return undefined;
  const reference = typeof value === "number" ? String(value) : value;
  if (typeof reference !== "string" || !REFERENCE.test(reference)) {
    throw invalidParam(
      "Invalid transaction reference: only -, ., = and alphanumeric characters are allowed",
      "Use only -, ., = and alphanumeric characters in the reference",
    );
  }
  if (ctx.transactions.hasReference(account, reference)) {
    throw new PaystackApiError(400, "Duplicate Transaction Reference", {
      type: "validation_error",
      code: "duplicate_reference",
      nextStep: "Use a new reference for every transaction, or verify the existing one",
    });
  }
  return reference;
}

function parseCallbackUrl(value: unknown): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === "string" && URL.canParse(value)) {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url.toString();
  }
  throw invalidParam("Invalid callback_url", "Send a fully qualified URL, e.g. https://example.com/paid");
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Documented as a stringified JSON object; objects are accepted too (providers.md §2.1). */
function parseMetadata(value: unknown): Record<string, unknown> | undefined {
  if (isAbsent(value)) return undefined;
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  if (!isPlainObject(parsed)) {
    throw invalidParam("Invalid metadata", "Send metadata as a JSON object or a stringified JSON object");
  }
  return structuredClone(parsed);
}

function parseChannels(value: unknown): readonly string[] | undefined {
  if (isAbsent(value)) return undefined;
  const allowed: readonly string[] = PAYSTACK_CHANNELS;
  if (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((channel) => typeof channel === "string" && allowed.includes(channel))
  ) {
    return [...new Set(value as string[])];
  }
  throw invalidParam("Invalid channels", `Send an array of channels from: ${PAYSTACK_CHANNELS.join(", ")}`);
}

/** `POST /transaction/initialize`: validates in Paystack's order and stores an "abandoned" transaction. */
export function initializeTransaction(
  ctx: EmulatorContext,
  account: AccountState,
  body: Record<string, unknown>,
): TransactionState {
  const email = parseEmail(body.email);
  const amount = parseAmount(body.amount);
  const currency = parseCurrency(body.currency, account);
  const reference = parseReference(body.reference, ctx, account);
  const callbackUrl = parseCallbackUrl(body.callback_url);
  const metadata = parseMetadata(body.metadata);
  const channels = parseChannels(body.channels);
  const transaction = ctx.transactions.create({
    account,
    reference,
    amount,
    currency,
    email,
    metadata,
    callbackUrl,
    channels,
    createdAt: ctx.now(),
  });
  ctx.transactionChanged(transaction);
  return transaction;
}
