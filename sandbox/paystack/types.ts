/** Statuses this emulator produces (Paystack has more: ongoing, pending, processing, queued). */
export type TransactionStatus = "abandoned" | "failed" | "success" | "reversed";

export type RefundStatus = "pending" | "processed" | "failed" | "needs-attention";

export type PaystackDomain = "test" | "live";

/** The card behind a successful charge, as `data.authorization` describes it. */
export interface PaystackCard {
  readonly authorizationCode: string;
  readonly bin: string;
  readonly last4: string;
  /** Two digits, e.g. "12". */
  readonly expMonth: string;
  /** Four digits, e.g. "2030". */
  readonly expYear: string;
  readonly brand: string;
  readonly bank: string;
  /** Same card → same signature, whoever pays with it. */
  readonly signature: string;
}

/** A transaction as it is now (a snapshot: later changes do not show in it). */
export interface PaystackTransaction {
  readonly id: number;
  readonly domain: PaystackDomain;
  /** The account (integration) it belongs to. */
  readonly publicKey: string;
  readonly reference: string;
  readonly accessCode: string;
  readonly authorizationUrl: string;
  readonly status: TransactionStatus;
  /** Subunits. */
  readonly amount: number;
  readonly currency: string;
  readonly email: string;
  /** As sent (a JSON string is parsed); undefined when none was sent. */
  readonly metadata: Record<string, unknown> | undefined;
  readonly callbackUrl: string | undefined;
  readonly channels: readonly string[] | undefined;
  readonly gatewayResponse: string;
  /** Failure reason of the last attempt; null otherwise. */
  readonly message: string | null;
  readonly card: PaystackCard | undefined;
  readonly fees: number | null;
  /** Checkout attempts (form posts or `pay()` calls that reached the processor). */
  readonly attempts: number;
  /** Subunits in refunds that are pending, processed or need attention. */
  readonly refundedAmount: number;
  readonly createdAt: Date;
  readonly paidAt: Date | undefined;
}

export interface PaystackRefund {
  readonly id: number;
  readonly publicKey: string;
  readonly transactionId: number;
  readonly transactionReference: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: RefundStatus;
  readonly customerNote: string;
  readonly merchantNote: string;
  /** The processor's reference, set once processed (or failed). */
  readonly refundReference: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly refundedAt: Date | undefined;
}

/** Card details for `pay()`: a number alone uses a future expiry and CVV 408. */
export interface CardDetails {
  /** Spaces and dashes are ignored. */
  readonly number: string;
  /** "MM/YY", "MM/YYYY" or "MMYY". Default: December two years ahead. */
  readonly expiry?: string;
  /** Default: "408". */
  readonly cvv?: string;
}

/** A webhook body: `{ event, data }`. */
export interface PaystackEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/**
 * How `sendWebhook` fills `x-paystack-signature` (for forging tests, reliability.md R23):
 * - right: hex HMAC-SHA512 of the exact bytes sent, keyed with the account's secret key (what Paystack does)
 * - wrong-key: the same HMAC with a different key
 * - reserialized: the body is sent pretty-printed (2-space indent, same keys) while the signature is the
 *   right one for the compact bytes; a receiver that hashes `JSON.stringify(req.body)` wrongly accepts it
 * - other-body: the right key over different bytes (the body plus a trailing space)
 * - sha256: HMAC-SHA256 instead of SHA-512
 * - uppercase: the right signature in uppercase hex
 * - truncated: the first half of the right signature
 * - random: 128 random hex digits
 * - empty: the header present with an empty value
 * - none: no header
 */
export type SignMode =
  | "right"
  | "wrong-key"
  | "reserialized"
  | "other-body"
  | "sha256"
  | "uppercase"
  | "truncated"
  | "random"
  | "empty"
  | "none";

/** One attempt to POST an event to a webhook URL. */
export interface WebhookDelivery {
  /** Attempt id, increasing. */
  readonly id: number;
  /** Shared by all attempts (retries) of one delivery. */
  readonly deliveryId: number;
  /** "auto": the emulator's own event (a charge, a refund); "manual": from `sendWebhook`. */
  readonly source: "auto" | "manual";
  readonly url: string;
  readonly publicKey: string;
  /** The event name, when the body is JSON with an `event` string. */
  readonly event: string | undefined;
  /** `data.reference` or `data.transaction_reference`, when present. */
  readonly reference: string | undefined;
  /** The exact bytes sent. */
  readonly body: Buffer;
  /** The `x-paystack-signature` value sent; undefined when no header was sent. */
  readonly signature: string | undefined;
  readonly signWith: SignMode;
  readonly attempt: number;
  /** HTTP status answered (undefined on a network error or timeout). */
  readonly status?: number;
  readonly error?: string;
  readonly delivered: boolean;
  /** No further attempt will be made for this delivery (delivered, or retries exhausted). */
  readonly final: boolean;
  readonly sentAt: Date;
  readonly durationMs: number;
}

/** The routes `calls()` and `failNext()` name. */
export const PAYSTACK_ROUTES = [
  "transaction.initialize",
  "transaction.verify",
  "transaction.fetch",
  "refund.create",
  "refund.list",
  "refund.fetch",
  "checkout.view",
  "checkout.submit",
] as const;

export type PaystackRoute = (typeof PAYSTACK_ROUTES)[number];

/** One HTTP request as the emulator received and answered it. */
export interface ApiCallRecord {
  readonly id: number;
  /** "unknown" for paths that match no route (answered 404). */
  readonly route: PaystackRoute | "unknown";
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Parsed JSON or form body; undefined when empty or unparseable. */
  body: unknown;
  /** The account whose secret key authenticated the call (never the secret itself). */
  publicKey?: string;
  readonly receivedAt: number;
  finishedAt?: number;
  /** HTTP status sent (undefined while pending or when the connection was dropped). */
  status?: number;
  /** The JSON answered (API routes only). */
  response?: unknown;
  /** The answer came from `failNext`/`failRandomly`. */
  injected?: boolean;
  /** The connection was dropped without an answer. */
  aborted?: boolean;
}

/**
 * Fault for the next calls of a route, applied after authentication and before any effect:
 * `{ status, message? }` answers `{ status: false, message }` with that HTTP status (a default message
 * per status); `dropConnection` destroys the socket without an answer.
 */
export type PaystackFault =
  | { readonly status: number; readonly message?: string }
  | { readonly dropConnection: true };

export interface PaystackEmulatorEvents {
  /** A request arrived (body parsed, not yet answered). */
  request: [call: ApiCallRecord];
  /** A request was answered. */
  response: [call: ApiCallRecord];
  /** A transaction was created or changed. */
  transaction: [transaction: PaystackTransaction];
  /** A refund was created or changed. */
  refund: [refund: PaystackRefund];
  /** A webhook attempt finished. */
  webhook: [delivery: WebhookDelivery];
}
