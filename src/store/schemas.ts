/**
 * The stored shape of every collection, and the one place indexes are declared. The MongoDB
 * backend syncs these indexes at open; the embedded engine reads the unique ones from
 * `schema.indexes()` and enforces them itself, so both refuse the same duplicates.
 *
 * Repositories write through the native driver (see mongo/collection.ts), so these schemas
 * describe documents and indexes; they do not cast or validate writes.
 */

import { Schema } from "mongoose";
import { ORDER_TRANSITIONS } from "../domain/order.js";
import { PAYMENT_TRANSITIONS } from "../domain/payment.js";
import { OUTBOX_LANES } from "./types.js";

const PROOF_STATUSES = ["pending", "confirmed", "rejected"] as const;
const OUTBOX_STATUSES = ["pending", "sent", "failed"] as const;
const PAYMENT_METHODS = ["manual", "mobile_money", "card", "paybill", "cash_on_delivery"] as const;
const HEALTH_STATUSES = ["unknown", "healthy", "unhealthy"] as const;

// Documents are keyed by our own prefixed string ids and never carry mongoose's `__v`.
const options = { versionKey: false } as const;

const moneySchema = new Schema(
  {
    amount: {
      type: Number,
      required: true,
      validate: { validator: Number.isSafeInteger, message: "amount is whole minor units" },
    },
    currency: { type: String, required: true },
  },
  { _id: false },
);

/**
 * `channel` is a registered channel's name (src/bot/channels.ts), written by the channel's adapter
 * or the validated MERCHANT_CHAT_IDS; the store does not keep its own copy of the list.
 */
const chatAddressSchema = new Schema(
  {
    channel: { type: String, required: true },
    chatId: { type: String, required: true },
  },
  { _id: false },
);

const orderLineSchema = new Schema(
  {
    sku: { type: String, required: true },
    name: { type: String, required: true },
    quantity: { type: Number, required: true },
    unitAmount: { type: Number, required: true },
  },
  { _id: false },
);

export const orderSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    ref: { type: String, required: true },
    customer: {
      channel: { type: String, required: true },
      chatId: { type: String, required: true },
      name: String,
    },
    lines: { type: [orderLineSchema], required: true },
    total: { type: moneySchema, required: true },
    status: { type: String, enum: Object.keys(ORDER_TRANSITIONS), required: true },
    paymentId: String,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    paidAt: Date,
    cancelledAt: Date,
    testMode: Boolean,
  },
  options,
);
// Shoppers quote the reference; two orders of one shop must never share it.
orderSchema.index({ tenantId: 1, ref: 1 }, { unique: true });
orderSchema.index({ tenantId: 1, "customer.channel": 1, "customer.chatId": 1, createdAt: -1 });
orderSchema.index({ tenantId: 1, status: 1, createdAt: -1 });

const attemptErrorSchema = new Schema(
  {
    code: { type: String, required: true },
    providerCode: String,
    message: { type: String, required: true },
  },
  { _id: false },
);

const paymentAttemptSchema = new Schema(
  {
    instanceId: { type: String, required: true },
    plugin: { type: String, required: true },
    at: { type: Date, required: true },
    ok: { type: Boolean, required: true },
    error: attemptErrorSchema,
  },
  { _id: false },
);

const routingShareSchema = new Schema(
  { instanceId: { type: String, required: true }, weight: { type: Number, required: true } },
  { _id: false },
);

const paymentRoutingSchema = new Schema(
  {
    kind: { type: String, enum: ["split"], required: true },
    shares: { type: [routingShareSchema], required: true },
    chosen: { type: String, required: true },
    sticky: { type: Boolean, required: true },
  },
  { _id: false },
);

export const paymentSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    orderId: { type: String, required: true },
    orderRef: { type: String, required: true },
    method: { type: String, enum: PAYMENT_METHODS, required: true },
    provider: { type: String, required: true },
    amount: { type: moneySchema, required: true },
    status: { type: String, enum: Object.keys(PAYMENT_TRANSITIONS), required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    settledAt: Date,
    instanceId: String,
    providerRef: String,
    testMode: Boolean,
    attempts: { type: [paymentAttemptSchema], default: undefined },
    routing: paymentRoutingSchema,
    action: Schema.Types.Mixed,
    receipt: String,
    payerPhone: String,
    refund: Schema.Types.Mixed,
    refundClaim: Schema.Types.Mixed,
    failure: Schema.Types.Mixed,
    flag: Schema.Types.Mixed,
  },
  options,
);
paymentSchema.index({ tenantId: 1, orderId: 1 });
// Webhooks and reconciliation find a payment by the provider's reference for it.
paymentSchema.index({ instanceId: 1, providerRef: 1 });
// The refund reconciler lists claims still open on paid payments, oldest first.
paymentSchema.index({ status: 1, "refundClaim.at": 1 });
// Per-instance statistics: the payments an instance was tried for, within a window.
paymentSchema.index({ tenantId: 1, "attempts.instanceId": 1, createdAt: -1 });

export const inboxSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    provider: { type: String, required: true },
    instanceId: { type: String, required: true },
    eventKey: { type: String, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ["received", "processed", "ignored", "failed"], required: true },
    note: String,
    receivedAt: { type: Date, required: true },
    processedAt: Date,
  },
  options,
);
// The guard against settling twice: a provider's event is recorded once, however often it comes.
inboxSchema.index({ provider: 1, eventKey: 1 }, { unique: true });
inboxSchema.index({ status: 1, receivedAt: 1 });

export const receivedPaymentSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    provider: { type: String, required: true },
    instanceId: { type: String, required: true },
    transId: { type: String, required: true },
    amount: { type: moneySchema, required: true },
    paidAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    account: String,
    msisdn: String,
    payerName: String,
    status: { type: String, enum: ["orphan", "matched"], required: true },
    paymentId: String,
    orderRef: String,
    matchedBy: { type: String, enum: ["account", "phone", "merchant", "code"] },
    matchedAt: Date,
    attachedBy: String,
  },
  options,
);
// A transaction is money once, however often its confirmation comes.
receivedPaymentSchema.index({ instanceId: 1, transId: 1 }, { unique: true });
// The merchant names a transaction by its id (/attach), and lists the orphans oldest first.
receivedPaymentSchema.index({ tenantId: 1, transId: 1 });
receivedPaymentSchema.index({ tenantId: 1, status: 1, receivedAt: 1 });
// What an order's payment received so far (a short payment completed by a second one).
receivedPaymentSchema.index({ tenantId: 1, paymentId: 1 });

export const proofSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    paymentId: { type: String, required: true },
    orderId: { type: String, required: true },
    orderRef: { type: String, required: true },
    // A file receipt's; a pasted SMS has none.
    mediaId: String,
    mimeType: String,
    size: Number,
    sha256: { type: String, required: true },
    sms: {
      code: String,
      kind: String,
      amount: moneySchema,
      counterparty: { name: String, number: String },
      account: String,
      at: Date,
      language: String,
    },
    transactionCode: String,
    flags: [String],
    submittedBy: { type: chatAddressSchema, required: true },
    submittedAt: { type: Date, required: true },
    status: { type: String, enum: PROOF_STATUSES, required: true },
    reusedFromOrderRef: String,
    reviewedBy: String,
    reviewedAt: Date,
    reason: String,
  },
  options,
);
proofSchema.index({ tenantId: 1, orderId: 1, status: 1 });
proofSchema.index({ tenantId: 1, sha256: 1 });
// Not unique: a code pasted for a second order is kept and flagged, and a C2B confirmation finds it.
proofSchema.index({ tenantId: 1, transactionCode: 1, submittedAt: 1 });
proofSchema.index({ tenantId: 1, status: 1, submittedAt: 1 });

export const conversationSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    channel: { type: String, required: true },
    chatId: { type: String, required: true },
    // Plain JSON owned by the dialogue machine; it migrates its own shape (`state.v`).
    state: { type: Schema.Types.Mixed, required: true },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  options,
);
// One dialogue per chat: a second writer must lose, not fork the conversation.
conversationSchema.index({ tenantId: 1, channel: 1, chatId: 1 }, { unique: true });

export const outboxSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    to: { type: chatAddressSchema, required: true },
    replies: { type: Schema.Types.Mixed, required: true },
    lane: { type: String, enum: OUTBOX_LANES },
    digest: { type: new Schema({ group: String, line: String }, { _id: false }), required: false },
    status: { type: String, enum: OUTBOX_STATUSES, required: true },
    sentCount: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    sentAt: Date,
    failedAt: Date,
    error: String,
  },
  options,
);
// The sweeper's work list spans tenants.
outboxSchema.index({ status: 1, createdAt: 1 });
// The messages waiting for one chat, to merge a pile-up into a digest.
outboxSchema.index({ status: 1, "to.channel": 1, "to.chatId": 1, createdAt: 1 });
// Sent messages are only needed to dedupe retries; MongoDB drops them after 30 days. (The
// embedded store keeps them: it serves small shops and demos.)
outboxSchema.index({ sentAt: 1 }, { expireAfterSeconds: 30 * 24 * 3600 });

export const auditSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    orderRef: String,
    subjectId: String,
    detail: Schema.Types.Mixed,
  },
  options,
);
auditSchema.index({ tenantId: 1, orderRef: 1, at: -1 });

const instanceHealthSchema = new Schema(
  {
    status: { type: String, enum: HEALTH_STATUSES, required: true },
    checkedAt: Date,
    message: String,
    latencyMs: Number,
  },
  { _id: false },
);

export const providerInstanceSchema = new Schema(
  {
    _id: String,
    tenantId: { type: String, required: true },
    plugin: { type: String, required: true },
    displayName: { type: String, required: true },
    // Plain JSON validated by the plugin's own zod schema, which the store does not know.
    config: { type: Schema.Types.Mixed, required: true },
    // Field name → { keyId, iv, tag, data }: AES-256-GCM ciphertexts, never plaintext.
    secrets: { type: Schema.Types.Mixed, required: true },
    // The test set, { config, secrets } shaped as the two above; absent: no test credentials.
    test: Schema.Types.Mixed,
    active: { type: Boolean, required: true },
    testMode: { type: Boolean, required: true },
    priority: { type: Number, required: true },
    weight: Number,
    health: { type: instanceHealthSchema, required: true },
    source: { type: String, enum: ["environment", "admin"] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  options,
);
// Operators and audit entries name instances by display name: one per name within a tenant.
providerInstanceSchema.index({ tenantId: 1, displayName: 1 }, { unique: true });
// The registry's lookup: a tenant's instances in fallback order.
providerInstanceSchema.index({ tenantId: 1, priority: 1 });
// One plugin's instances across tenants (operators' listings).
providerInstanceSchema.index({ plugin: 1 });

/** Collection name → schema; both backends open exactly these collections. */
export const schemas = {
  orders: orderSchema,
  payments: paymentSchema,
  proofs: proofSchema,
  conversations: conversationSchema,
  outbox: outboxSchema,
  audit: auditSchema,
  providerInstances: providerInstanceSchema,
  inbox: inboxSchema,
  receivedPayments: receivedPaymentSchema,
} as const;

export type CollectionName = keyof typeof schemas;
