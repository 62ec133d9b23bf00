import { formatMoney, type Money } from "../../domain/money.js";
import type { Payment } from "../../domain/payment.js";
import { maskMsisdn, normalizeMsisdn } from "../../domain/phone.js";
import { type InitiateResult, ProviderError, type VerifyResult } from "../plugin.js";
import type { DarajaClient } from "./client.js";
import { type MpesaConfig, partyBOf } from "./config.js";
import {
  INVALID_PHONE,
  isBeingProcessed,
  isSubscriberLocked,
  MERCHANT_ERROR,
  SPIKE_ARREST,
  stkPushError,
  stkQueryError,
  unexpectedAnswer,
  WHOLE_SHILLINGS_ONLY,
} from "./errors.js";
import { toResultMeaning } from "./result-codes.js";

export const STK_PUSH_PATH = "/mpesa/stkpush/v1/processrequest";
export const STK_QUERY_PATH = "/mpesa/stkpushquery/v1/query";
/** Daraja's limits (providers.md §1.3). */
export const ACCOUNT_REFERENCE_MAX = 12;
export const TRANSACTION_DESC_MAX = 13;

/** Kenya time: UTC+3 all year (no daylight saving). */
const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

/** `YYYYMMDDHHmmss` in Kenya time, as Daraja's `Timestamp` (and inside `Password`). */
export function toKenyaTimestamp(epochMs: number): string {
  return new Date(epochMs + EAT_OFFSET_MS).toISOString().replace(/\D/g, "").slice(0, 14);
}

/** `Password`: base64 of the plain concatenation shortcode + passkey + timestamp. */
export function toStkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, "utf8").toString("base64");
}

/** Whole shillings from KES minor units; refuses other currencies, cents and nothing-to-pay. */
export function toWholeShillings(amount: Money): number {
  if (amount.currency !== "KES" || amount.amount % 100 !== 0 || amount.amount < 100) {
    const why =
      amount.currency !== "KES"
        ? `M-Pesa takes KES only, not ${amount.currency}`
        : amount.amount < 100
          ? "M-Pesa takes at least KES 1"
          : "M-Pesa takes whole shillings only (no cents)";
    throw new ProviderError("invalid_amount", `${why}: ${formatMoney(amount)}`, {
      retryable: false,
      shopperMessage: WHOLE_SHILLINGS_ONLY,
    });
  }
  return amount.amount / 100;
}

export interface StkPushInput {
  readonly config: MpesaConfig;
  readonly payment: Payment;
  readonly phone: string | undefined;
  readonly callbackUrl: string;
  readonly now: number;
}

/** The processrequest body (providers.md §1.3), after checking phone and amount. */
export function toStkPushRequest({ config, payment, phone, callbackUrl, now }: StkPushInput) {
  const msisdn = phone === undefined ? null : normalizeMsisdn(phone);
  if (msisdn === null) {
    throw new ProviderError(
      "invalid_phone",
      "An M-Pesa payment needs a Kenyan mobile number (2547… or 2541…)",
      {
        retryable: false,
        shopperMessage: INVALID_PHONE,
      },
    );
  }
  const amount = toWholeShillings(payment.amount);
  const timestamp = toKenyaTimestamp(now);
  return {
    BusinessShortCode: config.shortcode,
    Password: toStkPassword(config.shortcode, config.passkey, timestamp),
    Timestamp: timestamp,
    TransactionType: config.transactionType,
    Amount: amount,
    PartyA: msisdn,
    PartyB: partyBOf(config),
    PhoneNumber: msisdn,
    CallBackURL: callbackUrl,
    AccountReference: payment.orderRef.slice(0, ACCOUNT_REFERENCE_MAX),
    TransactionDesc: `Pay ${payment.orderRef}`.slice(0, TRANSACTION_DESC_MAX).trim(),
  };
}

export type StkPushRequest = ReturnType<typeof toStkPushRequest>;

const asRecord = (json: unknown): Record<string, unknown> =>
  typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};

/** Sends the push; "pending" with the CheckoutRequestID, or a ProviderError saying whether to retry. */
export async function initiateStkPush(
  client: DarajaClient,
  request: StkPushRequest,
  amount: Money,
): Promise<InitiateResult> {
  const answer = await client.post(STK_PUSH_PATH, request, "STK push");
  if (!answer.ok) throw stkPushError(answer.failure);
  const body = asRecord(answer.json);
  const responseCode = body.ResponseCode === undefined ? undefined : String(body.ResponseCode);
  const description = typeof body.ResponseDescription === "string" ? body.ResponseDescription : "";
  // Some integrations report a 200 with ResponseCode "1" and the lock message (providers.md §1.3).
  if (responseCode !== undefined && responseCode !== "0") {
    throw stkPushError({
      status: answer.status,
      error: {
        errorCode: isSubscriberLocked(description) ? MERCHANT_ERROR : responseCode,
        errorMessage: description,
      },
    });
  }
  if (typeof body.CheckoutRequestID !== "string" || body.CheckoutRequestID === "") {
    throw unexpectedAnswer("STK push", "no CheckoutRequestID in the answer");
  }
  const customerMessage = typeof body.CustomerMessage === "string" ? body.CustomerMessage.trim() : "";
  return {
    status: "pending",
    providerRef: body.CheckoutRequestID,
    action: { kind: "push", text: pushText(customerMessage, request, amount) },
  };
}

/** What the shopper reads after the push: Daraja's CustomerMessage, then what to do on the phone. */
function pushText(customerMessage: string, request: StkPushRequest, amount: Money): string {
  const lead =
    customerMessage === ""
      ? ""
      : `${/[.!]$/.test(customerMessage) ? customerMessage : `${customerMessage}.`} `;
  return `${lead}Check your phone (${maskMsisdn(request.PhoneNumber)}) and enter your M-Pesa PIN to pay ${formatMoney(amount)} for ${request.AccountReference}.`;
}

/** The STK Query: the truth about a push, without amount or receipt (Daraja's Query has neither). */
export async function queryStkPush(
  client: DarajaClient,
  config: MpesaConfig,
  checkoutRequestId: string,
  now: number,
): Promise<VerifyResult> {
  const timestamp = toKenyaTimestamp(now);
  const answer = await client.post(
    STK_QUERY_PATH,
    {
      BusinessShortCode: config.shortcode,
      Password: toStkPassword(config.shortcode, config.passkey, timestamp),
      Timestamp: timestamp,
      CheckoutRequestID: checkoutRequestId,
    },
    "STK Query",
  );
  if (!answer.ok) {
    const { error } = answer.failure;
    // The shopper has not answered yet, or Daraja is rate-limiting: unknown, ask again later.
    if (error?.errorCode === MERCHANT_ERROR && isBeingProcessed(error.errorMessage))
      return { outcome: "pending" };
    if (error?.errorCode === SPIKE_ARREST) return { outcome: "pending", providerCode: SPIKE_ARREST };
    throw stkQueryError(answer.failure);
  }
  const body = asRecord(answer.json);
  const resultCode = body.ResultCode;
  if ((typeof resultCode !== "string" || resultCode.trim() === "") && typeof resultCode !== "number") {
    throw unexpectedAnswer("STK Query", "no ResultCode in the answer");
  }
  const code = String(resultCode).trim();
  const meaning = toResultMeaning(code);
  return {
    outcome: meaning.outcome,
    ...(meaning.reason === undefined ? {} : { reason: meaning.reason }),
    ...(meaning.retryWontHelp ? { retryWontHelp: true } : {}),
    providerCode: code,
  };
}
