import type { RefundState, TransactionState } from "./state/records.js";

/**
 * JSON shapes on the wire. Field names, order and null-vs-{} choices follow the samples in
 * Paystack's API reference (Transactions: Verify; Refunds: Create/Fetch; refund webhook samples).
 */

/** ISO-8601 UTC with the milliseconds zeroed, as Paystack prints dates ("2024-08-22T09:15:02.000Z"). */
export function isoDate(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

const isoOrNull = (ms: number | undefined) => (ms === undefined ? null : isoDate(ms));
const seconds = (ms: number) => Math.floor(ms / 1000);

function log(transaction: TransactionState): Record<string, unknown> | null {
  const first = transaction.history[0];
  const last = transaction.history.at(-1);
  if (first === undefined || last === undefined) return null;
  return {
    start_time: seconds(first.at),
    time_spent: seconds(last.at - first.at),
    attempts: transaction.attempts,
    errors: transaction.errors,
    success: transaction.paidAt !== undefined,
    mobile: false,
    input: [],
    history: transaction.history.map((entry) => ({
      type: entry.type,
      message: entry.message,
      time: seconds(entry.at - first.at),
    })),
  };
}

function authorization(transaction: TransactionState): Record<string, unknown> {
  const card = transaction.authorization;
  if (card === undefined) return {};
  return {
    authorization_code: card.authorizationCode,
    bin: card.bin,
    last4: card.last4,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    channel: "card",
    // Paystack's samples really carry the trailing space.
    card_type: `${card.brand} `,
    bank: card.bank,
    country_code: "NG",
    brand: card.brand,
    reusable: true,
    signature: card.signature,
    account_name: null,
  };
}

function customer(transaction: TransactionState): Record<string, unknown> {
  return {
    id: transaction.customer.id,
    first_name: null,
    last_name: null,
    email: transaction.customer.email,
    customer_code: transaction.customer.code,
    phone: null,
    metadata: null,
    risk_action: "default",
    international_format_phone: null,
  };
}

/** `data` of verify, fetch and the `charge.success` event. */
export function transactionData(transaction: TransactionState): Record<string, unknown> {
  const created = isoDate(transaction.createdAt);
  const paid = isoOrNull(transaction.paidAt);
  return {
    id: transaction.id,
    domain: transaction.account.domain,
    status: transaction.status,
    reference: transaction.reference,
    receipt_number: null,
    amount: transaction.amount,
    message: transaction.message,
    gateway_response: transaction.gatewayResponse,
    paid_at: paid,
    created_at: created,
    channel: "card",
    currency: transaction.currency,
    ip_address: transaction.ipAddress,
    // Paystack answers "" when no metadata was sent.
    metadata: transaction.metadata === undefined ? "" : structuredClone(transaction.metadata),
    log: log(transaction),
    fees: transaction.fees,
    fees_split: null,
    authorization: authorization(transaction),
    customer: customer(transaction),
    plan: null,
    split: {},
    order_id: null,
    paidAt: paid,
    createdAt: created,
    requested_amount: transaction.amount,
    pos_transaction_data: null,
    source: null,
    fees_breakdown: null,
    connect: null,
    transaction_date: created,
    plan_object: {},
    subaccount: {},
  };
}

const refundedBy = (refund: RefundState) => refund.transaction.account.email;
const isDeducted = (refund: RefundState) => refund.status === "processed";

/** `data` of `POST /refund` (the transaction embedded, as in the Create Refund sample). */
export function refundCreatedData(refund: RefundState): Record<string, unknown> {
  const transaction = refund.transaction;
  const card = transaction.authorization;
  return {
    transaction: {
      id: transaction.id,
      domain: transaction.account.domain,
      reference: transaction.reference,
      amount: transaction.amount,
      paid_at: isoOrNull(transaction.paidAt),
      channel: "card",
      currency: transaction.currency,
      authorization: {
        exp_month: card?.expMonth ?? null,
        exp_year: card?.expYear ?? null,
        account_name: null,
      },
      customer: { international_format_phone: null },
      plan: {},
      subaccount: { currency: null },
      split: {},
      order_id: null,
      paidAt: isoOrNull(transaction.paidAt),
      pos_transaction_data: null,
      source: null,
      fees_breakdown: null,
    },
    integration: transaction.account.integration,
    deducted_amount: isDeducted(refund) ? refund.amount : 0,
    channel: null,
    merchant_note: refund.merchantNote,
    customer_note: refund.customerNote,
    status: refund.status,
    refunded_by: refundedBy(refund),
    expected_at: isoDate(refund.expectedAt),
    currency: refund.currency,
    domain: transaction.account.domain,
    amount: refund.amount,
    fully_deducted: isDeducted(refund),
    id: refund.id,
    createdAt: isoDate(refund.createdAt),
    updatedAt: isoDate(refund.updatedAt),
  };
}

/** `data` of `GET /refund/:id` and the items of `GET /refund` (transaction as its id). */
export function refundData(refund: RefundState): Record<string, unknown> {
  const transaction = refund.transaction;
  return {
    integration: transaction.account.integration,
    transaction: transaction.id,
    dispute: null,
    settlement: null,
    domain: transaction.account.domain,
    amount: refund.amount,
    deducted_amount: isDeducted(refund) ? refund.amount : 0,
    fully_deducted: isDeducted(refund),
    currency: refund.currency,
    channel: isDeducted(refund) ? "card" : null,
    status: refund.status,
    refunded_by: refundedBy(refund),
    refunded_at: isoOrNull(refund.refundedAt),
    expected_at: isoDate(refund.expectedAt),
    customer_note: refund.customerNote,
    merchant_note: refund.merchantNote,
    id: refund.id,
    createdAt: isoDate(refund.createdAt),
    updatedAt: isoDate(refund.updatedAt),
  };
}

/**
 * `data` of `refund.*` events, after Paystack's webhook samples: `amount` is a *string* in the
 * pending/processing/processed samples and a number in the failed one, so it is sent that way here
 * (clients must accept both). `id` (the refund id, as a string) appears only in the needs-attention
 * sample; the emulator sends it on every refund event so tests can correlate.
 */
export function refundEventData(refund: RefundState): Record<string, unknown> {
  const transaction = refund.transaction;
  const amountAsString = refund.status === "pending" || refund.status === "processed";
  return {
    status: refund.status,
    transaction_reference: transaction.reference,
    refund_reference: refund.refundReference,
    amount: amountAsString ? String(refund.amount) : refund.amount,
    currency: refund.currency,
    processor: "emulator",
    customer: { first_name: null, last_name: null, email: transaction.customer.email },
    integration: transaction.account.integration,
    domain: transaction.account.domain,
    id: String(refund.id),
    ...(refund.status === "needs-attention"
      ? { customer_note: refund.customerNote, merchant_note: refund.merchantNote }
      : {}),
  };
}
