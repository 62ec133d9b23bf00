import type { TransactionType } from "../types.js";
import {
  amountField,
  boundedTextField,
  callbackUrlField,
  msisdnField,
  nonEmptyStringField,
  optionalTextField,
  shortcodeField,
  timestampField,
  transactionTypeField,
} from "./fields.js";

/** The processrequest fields after the format checks (merchant, password and lock come after). */
export interface StkPushFields {
  readonly businessShortCode: string;
  readonly password: string;
  readonly timestamp: string;
  readonly transactionType: TransactionType;
  readonly amount: number;
  readonly partyA: string;
  readonly partyB: string;
  readonly phoneNumber: string;
  readonly callBackUrl: string;
  readonly accountReference: string;
  readonly transactionDesc: string | undefined;
}

/** `AccountReference` limit (providers.md §1.3). */
export const ACCOUNT_REFERENCE_MAX = 12;
/** `TransactionDesc` limit (providers.md §1.3); the only optional field. */
export const TRANSACTION_DESC_MAX = 13;

/**
 * Format checks in the order of Daraja's field table; the first bad field decides the answer
 * (400 `400.002.02` "Bad Request - Invalid <Field>").
 */
export function parseStkPushFields(
  body: Record<string, unknown>,
  now: number,
  timestampToleranceMs: number | null,
): StkPushFields {
  return {
    businessShortCode: shortcodeField(body, "BusinessShortCode"),
    password: nonEmptyStringField(body, "Password"),
    timestamp: timestampField(body, now, timestampToleranceMs),
    transactionType: transactionTypeField(body),
    amount: amountField(body),
    partyA: msisdnField(body, "PartyA"),
    partyB: shortcodeField(body, "PartyB"),
    phoneNumber: msisdnField(body, "PhoneNumber"),
    callBackUrl: callbackUrlField(body),
    accountReference: boundedTextField(body, "AccountReference", ACCOUNT_REFERENCE_MAX),
    transactionDesc: optionalTextField(body, "TransactionDesc", TRANSACTION_DESC_MAX),
  };
}

/** The stkpushquery fields. */
export interface StkQueryFields {
  readonly businessShortCode: string;
  readonly password: string;
  readonly timestamp: string;
  readonly checkoutRequestId: string;
}

export function parseStkQueryFields(
  body: Record<string, unknown>,
  now: number,
  timestampToleranceMs: number | null,
): StkQueryFields {
  return {
    businessShortCode: shortcodeField(body, "BusinessShortCode"),
    password: nonEmptyStringField(body, "Password"),
    timestamp: timestampField(body, now, timestampToleranceMs),
    checkoutRequestId: nonEmptyStringField(body, "CheckoutRequestID"),
  };
}
