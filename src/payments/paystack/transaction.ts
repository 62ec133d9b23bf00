import { currencyExponent, formatMoney, type Money } from "../../domain/money.js";
import type { Payment } from "../../domain/payment.js";
import { type InitiateRequest, type InitiateResult, ProviderError, type VerifyResult } from "../plugin.js";
import type { PaystackClient } from "./client.js";
import { fillEmailPlaceholder, type PaystackConfig } from "./config.js";
import {
  initializeError,
  NEEDS_EMAIL,
  NOT_ACCEPTED,
  refundError,
  UNAVAILABLE,
  unauthorizedKey,
  unavailable,
  unexpectedAnswer,
} from "./errors.js";
import { toIdString } from "./json.js";

export const INITIALIZE_PATH = "/transaction/initialize";
export const VERIFY_PATH = "/transaction/verify";
export const REFUND_PATH = "/refund";

/** Paystack references take only letters, digits, `-`, `.` and `=` (providers.md §2.1). */
const REFERENCE_ALLOWED = /[^A-Za-z0-9.=-]/g;

/**
 * The Paystack reference of a payment: its id with anything Paystack refuses turned into `-`
 * (`pay_3f9c…` → `pay-3f9c…`). A pure function of the id, so the reference can be rebuilt when an
 * initialize answer was lost, and a second initialize of the same payment is refused by Paystack
 * ("Duplicate Transaction Reference") instead of charging twice.
 */
export function toPaystackReference(paymentId: string): string {
  return paymentId.replace(REFERENCE_ALLOWED, "-");
}

/** The reference a payment was started with (stored), or the one its id gives. */
export function referenceOf(payment: Payment): string {
  return payment.providerRef !== undefined && payment.providerRef !== ""
    ? payment.providerRef
    : toPaystackReference(payment._id);
}

const asRecord = (json: unknown): Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};

/** The `data` of a successful envelope `{ status: true, message, data: {…} }`, or undefined. */
function dataOf(json: unknown): Record<string, unknown> | undefined {
  const body = asRecord(json);
  if (body.status !== true) return undefined;
  const data = body.data;
  return typeof data === "object" && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}

/**
 * Duka's minor units are Paystack's subunits only for two-decimal currencies (KES, NGN, GHS, ZAR,
 * USD: ×100). For currencies without minor units (XOF, RWF) Paystack's convention is unconfirmed, so
 * they are refused here rather than risk charging 100 times too much or too little.
 */
function toSubunits(amount: Money): number {
  if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0) {
    throw new ProviderError("invalid_amount", `Paystack cannot charge ${amount.amount} ${amount.currency}`, {
      retryable: false,
      shopperMessage: NOT_ACCEPTED,
    });
  }
  if (currencyExponent(amount.currency) !== 2) {
    throw new ProviderError(
      "unsupported",
      `This plugin charges only two-decimal currencies through Paystack, not ${amount.currency}`,
      // Another card provider may take this currency.
      { retryable: true, shopperMessage: NOT_ACCEPTED },
    );
  }
  return amount.amount;
}

/** The shopper's e-mail, else the placeholder's, else a ProviderError asking for one. */
function emailFor(request: InitiateRequest, config: PaystackConfig): { email: string; fromShopper: boolean } {
  const given = request.payer.email?.trim();
  if (given) return { email: given, fromShopper: true };
  if (config.emailPlaceholder) {
    return { email: fillEmailPlaceholder(config.emailPlaceholder, request.customer), fromShopper: false };
  }
  throw new ProviderError(
    "needs_email",
    "A Paystack payment needs the shopper's e-mail (or an emailPlaceholder in the instance config)",
    { retryable: false, shopperMessage: NEEDS_EMAIL },
  );
}

/** The initialize body (providers.md §2.1). */
export function toInitializeRequest(request: InitiateRequest, config: PaystackConfig) {
  const { payment, customer } = request;
  const { email } = emailFor(request, config);
  return {
    email,
    amount: toSubunits(payment.amount),
    currency: payment.amount.currency,
    reference: toPaystackReference(payment._id),
    ...(config.callbackUrl === undefined ? {} : { callback_url: config.callbackUrl }),
    metadata: {
      tenantId: payment.tenantId,
      orderRef: payment.orderRef,
      chat: `${customer.channel}:${customer.chatId}`,
    },
  };
}

/** Initializes a transaction: "pending" with a link to Paystack's hosted checkout. */
export async function initializeTransaction(
  client: PaystackClient,
  config: PaystackConfig,
  request: InitiateRequest,
): Promise<InitiateResult> {
  const fromShopper = Boolean(request.payer.email?.trim());
  const body = toInitializeRequest(request, config);
  const answer = await client.post(INITIALIZE_PATH, body, "initialize");
  if (!answer.ok) throw initializeError(answer.failure, fromShopper);
  const data = dataOf(answer.json);
  const url = data?.authorization_url;
  if (typeof url !== "string" || !URL.canParse(url)) {
    throw unexpectedAnswer("initialize", "no authorization_url in the answer");
  }
  const reference =
    typeof data?.reference === "string" && data.reference !== "" ? data.reference : body.reference;
  return {
    status: "pending",
    providerRef: reference,
    action: { kind: "link", url, label: `Pay ${formatMoney(request.payment.amount)}` },
  };
}

/** Cut to a length a chat message can carry. */
const brief = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * What a transaction's `data.status` means (providers.md §2.2). Only "success" is a payment; a
 * status this code does not know is "pending" (the reconciler asks again and expires the payment in
 * the end) rather than a failure that might hide money that moved.
 */
export function toVerifyResult(data: Record<string, unknown>): VerifyResult {
  const status = typeof data.status === "string" ? data.status : "";
  switch (status) {
    case "success": {
      const amount = data.amount;
      const currency = typeof data.currency === "string" ? data.currency.trim().toUpperCase() : "";
      if (typeof amount !== "number" || !Number.isSafeInteger(amount) || !/^[A-Z]{3}$/.test(currency)) {
        throw unexpectedAnswer("verify", "a successful transaction without a usable amount and currency");
      }
      const receipt =
        typeof data.receipt_number === "string" && data.receipt_number.trim() !== ""
          ? data.receipt_number.trim()
          : typeof data.reference === "string"
            ? data.reference
            : undefined;
      return {
        outcome: "succeeded",
        amount: { amount, currency },
        ...(receipt === undefined ? {} : { receipt }),
        providerCode: status,
      };
    }
    case "failed": {
      const said = [data.gateway_response, data.message].find(
        (value): value is string => typeof value === "string" && value.trim() !== "",
      );
      const words = said === undefined ? "" : brief(said.trim().replace(/[.!]+$/, ""));
      return {
        outcome: "failed",
        reason: words === "" ? "The card payment was declined." : `The card payment was declined: ${words}.`,
        providerCode: status,
      };
    }
    case "reversed":
      return { outcome: "failed", reason: "The payment was reversed.", providerCode: status };
    default:
      // abandoned (checkout opened or not, never completed), ongoing (OTP, transfer), pending,
      // processing (direct debit), queued (bulk charges), and anything new.
      return { outcome: "pending", ...(status === "" ? {} : { providerCode: status }) };
  }
}

/**
 * Verify: the truth about a transaction. Paystack answers 200 whatever happened; `data.status` says
 * what. An unknown reference (400 or 404 "Transaction reference not found": which one is
 * unconfirmed, providers.md open item 5) is "pending", not "failed": Paystack does not know it yet
 * (an initialize whose answer was lost, a replica lagging), and the reconciler expires it in the end.
 */
export async function verifyTransaction(client: PaystackClient, reference: string): Promise<VerifyResult> {
  const answer = await client.get(`${VERIFY_PATH}/${encodeURIComponent(reference)}`, "verify");
  if (!answer.ok) {
    const { failure } = answer;
    if (failure.status === 400 || failure.status === 404)
      return { outcome: "pending", providerCode: "not_found" };
    if (failure.status === 401) throw unauthorizedKey("verify", failure);
    throw unavailable("verify", failure);
  }
  const data = dataOf(answer.json);
  if (data === undefined) throw unexpectedAnswer("verify", "no data in the answer");
  return toVerifyResult(data);
}

/**
 * The refund Paystack holds for a payment's transaction (the newest not failed), or null. Refunds
 * are listed by transaction id, which verify gives for the reference; an unknown reference has none.
 */
export async function findRefund(
  client: PaystackClient,
  payment: Payment,
): Promise<{ readonly providerRef: string } | null> {
  const reference = referenceOf(payment);
  const verified = await client.get(`${VERIFY_PATH}/${encodeURIComponent(reference)}`, "verify");
  if (!verified.ok) {
    if (verified.failure.status === 400 || verified.failure.status === 404) return null;
    if (verified.failure.status === 401) throw unauthorizedKey("verify", verified.failure);
    throw unavailable("verify", verified.failure);
  }
  const transactionId = toIdString(dataOf(verified.json)?.id);
  if (transactionId === undefined) throw unexpectedAnswer("verify", "no transaction id in the answer");
  const listed = await client.get(
    `${REFUND_PATH}?transaction=${encodeURIComponent(transactionId)}`,
    "refund list",
  );
  if (!listed.ok) {
    if (listed.failure.status === 401) throw unauthorizedKey("refund list", listed.failure);
    throw unavailable("refund list", listed.failure);
  }
  const refunds = asRecord(listed.json).data;
  if (!Array.isArray(refunds)) throw unexpectedAnswer("refund list", "no list of refunds in the answer");
  const held = refunds.map(asRecord).find((refund) => refund.status !== "failed");
  const id = toIdString(held?.id);
  return id === undefined ? null : { providerRef: id };
}

/** Asks Paystack to refund `amount` of a paid transaction; resolves with the refund's id. */
export async function createRefund(
  client: PaystackClient,
  payment: Payment,
  amount: Money,
): Promise<{ readonly providerRef: string }> {
  const reference = referenceOf(payment);
  if (
    amount.currency !== payment.amount.currency ||
    !Number.isSafeInteger(amount.amount) ||
    amount.amount <= 0
  ) {
    throw new ProviderError(
      "invalid_amount",
      `Cannot refund ${amount.amount} ${amount.currency} of a ${formatMoney(payment.amount)} payment`,
      { retryable: false, shopperMessage: UNAVAILABLE },
    );
  }
  const answer = await client.post(
    REFUND_PATH,
    { transaction: reference, amount: amount.amount, currency: amount.currency },
    "refund",
  );
  if (!answer.ok) throw refundError(answer.failure, reference, amount);
  const id = toIdString(dataOf(answer.json)?.id);
  if (id === undefined) throw unexpectedAnswer("refund", "no refund id in the answer");
  return { providerRef: id };
}
