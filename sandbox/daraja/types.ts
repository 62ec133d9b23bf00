export type TransactionType = "CustomerPayBillOnline" | "CustomerBuyGoodsOnline";

export const TRANSACTION_TYPES: readonly TransactionType[] = [
  "CustomerPayBillOnline",
  "CustomerBuyGoodsOnline",
];

/** A Daraja app ("My Apps" in the portal): the pair that buys OAuth tokens. */
export interface DarajaApp {
  readonly consumerKey: string;
  readonly consumerSecret: string;
}

/** A shortcode the emulator knows as `BusinessShortCode`, with the passkey its `Password` is built from. */
export interface DarajaShortcode {
  /** 5–7 digits, e.g. "174379". */
  readonly shortcode: string;
  readonly passkey: string;
  /** The only `TransactionType` accepted for it. Default: "CustomerPayBillOnline". */
  readonly transactionType?: TransactionType;
  /** The only `PartyB` accepted: the Paybill itself, or the Till number for Buy Goods. Default: `shortcode`. */
  readonly partyB?: string;
}

/** Status of an STK push: waiting for the shopper, or answered (result recorded, callback scheduled). */
export type StkPushStatus = "pending" | "completed";

/**
 * One accepted STK push, with the request's fields after validation (numbers given as JSON numbers
 * are shown as strings, `amount` as a number). A snapshot: read `emulator.push(id)` for the current state.
 */
export interface StkPush {
  readonly checkoutRequestId: string;
  readonly merchantRequestId: string;
  readonly businessShortCode: string;
  readonly timestamp: string;
  readonly transactionType: TransactionType;
  readonly amount: number;
  readonly partyA: string;
  readonly partyB: string;
  readonly phoneNumber: string;
  readonly callBackUrl: string;
  readonly accountReference: string;
  readonly transactionDesc: string | undefined;
  /** The JSON body exactly as received (so tests can check e.g. that Amount went out as a number). */
  readonly request: Readonly<Record<string, unknown>>;
  readonly requestedAt: Date;
  readonly status: StkPushStatus;
  /** Set once completed. */
  readonly result: StkResult | undefined;
}

/** The final answer recorded by `complete()`; Query reports it and the callback carries it. */
export interface StkResult {
  readonly resultCode: number | string;
  readonly resultDesc: string;
  readonly completedAt: Date;
  /** Success only: the `MpesaReceiptNumber` item. */
  readonly receipt: string | undefined;
  /** Success only: the `Amount` item (differs from the push's amount when a test asked for a mismatch). */
  readonly amount: number | undefined;
  /** Success only: the `TransactionDate` item. */
  readonly transactionDate: number | undefined;
  /** The callback JSON (whether or not it was delivered). */
  readonly callback: StkCallbackBody;
  readonly delivery: CallbackDeliveryMode;
}

export type CallbackDeliveryMode = "normal" | "drop" | "duplicate" | "late";

/**
 * How the callback of a completed push reaches `CallBackURL`. Every POST is a single attempt (Daraja
 * documents no retry): a non-2xx answer or a connection error loses that copy.
 * - `normal`: one POST after `delayMs`.
 * - `drop`: no POST at all; Query still reports the result (the reconciler's case).
 * - `duplicate`: `copies` identical POSTs (default 2) sent at the same moment after `delayMs`.
 * - `late`: one POST after `delayMs`; without `delayMs` it is held until `releaseLateCallbacks()`,
 *   so a test can let the client settle through Query first.
 */
export interface CallbackDeliveryOptions {
  /** Default: "normal". */
  readonly delivery?: CallbackDeliveryMode;
  /** `duplicate` only: total number of POSTs, at least 2. Default: 2. */
  readonly copies?: number;
  /** Delay before the POST(s). Default: the emulator's `callbackDelayMs` (held, for `late`). */
  readonly delayMs?: number;
}

/**
 * The shopper's answer to a push. `resultCode: 0` is a payment (the callback gets CallbackMetadata);
 * anything else is a failure with the §1.4 description (or `resultDesc`).
 */
export interface StkOutcome extends CallbackDeliveryOptions {
  readonly resultCode: number | string;
  /** Default: the documented text for the code (see `RESULT_DESCRIPTIONS`). */
  readonly resultDesc?: string;
  /** Success only: report this `Amount` instead of the pushed one (an amount-mismatch test). */
  readonly amount?: number;
  /** Success only: use this `MpesaReceiptNumber` instead of a fresh random one. */
  readonly receipt?: string;
}

/** An item of `CallbackMetadata.Item`. `Balance` comes without `Value`, as in older real payloads. */
export interface StkCallbackItem {
  readonly Name: string;
  readonly Value?: number | string;
}

/** The JSON Daraja POSTs to `CallBackURL` (providers.md §1.4). */
export interface StkCallbackBody {
  readonly Body: {
    readonly stkCallback: {
      readonly MerchantRequestID: string;
      readonly CheckoutRequestID: string;
      /** A JSON number here (a string in the Query response). */
      readonly ResultCode: number | string;
      readonly ResultDesc: string;
      /** Success only. */
      readonly CallbackMetadata?: { readonly Item: readonly StkCallbackItem[] };
    };
  };
}

/** One POST of a callback to `CallBackURL`. */
export interface CallbackDelivery {
  readonly seq: number;
  readonly checkoutRequestId: string;
  readonly url: string;
  readonly body: StkCallbackBody;
  /** 1 for the first POST of this push's callback, 2 for the next (duplicate or redeliver), … */
  readonly copy: number;
  /** HTTP status of the receiver's answer; undefined when the connection failed. */
  readonly status: number | undefined;
  /** Connection failure or timeout. */
  readonly error: string | undefined;
  /** The receiver answered 2xx. */
  readonly delivered: boolean;
  /** The receiver's answer, first 2000 characters. */
  readonly responseBody: string | undefined;
  readonly sentAt: Date;
  readonly durationMs: number;
}

/** One HTTP request to the emulator as received and answered. */
export interface DarajaCallRecord {
  readonly id: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON body (the raw text when it is not JSON; undefined without a body). */
  readonly body: unknown;
  /** Scheme of the Authorization header. */
  readonly auth: "basic" | "bearer" | "other" | "none";
  /** Date.now() when the request arrived. */
  readonly receivedAt: number;
  /** Date.now() when answered. */
  finishedAt?: number;
  /** HTTP status sent (undefined for a dropped connection). */
  status?: number;
  /** The JSON answer. */
  response?: unknown;
  /** Daraja error code of an error answer, e.g. "400.002.02". */
  errorCode?: string;
  errorMessage?: string;
  /** The answer came from `failNext`/`failRandomly`. */
  injected?: boolean;
}

/**
 * A fault for the next calls of a path. `errorCode` answers `{ requestId, errorCode, errorMessage }`
 * with HTTP `status` (default: the code's first three digits, e.g. 500 for "500.003.02") and a default
 * message for known codes; `dropConnection` destroys the socket without an answer.
 */
export type DarajaFault =
  | { readonly errorCode: string; readonly errorMessage?: string; readonly status?: number }
  | { readonly dropConnection: true };

export interface DarajaEmulatorEvents {
  /** An HTTP request arrived. */
  request: [call: DarajaCallRecord];
  /** An HTTP request was answered. */
  response: [call: DarajaCallRecord];
  /** A push was accepted and is pending. */
  push: [push: StkPush];
  /** A push got its final result. */
  complete: [push: StkPush];
  /** A callback POST finished. */
  callback: [delivery: CallbackDelivery];
}
