/**
 * Repository contracts. Each repository is written once against MongoDB filter/update documents
 * (`Collection`), and runs on mongoose in production and on the embedded engine otherwise.
 * Status changes are compare-and-set: they return null when the document was not in a status
 * the transition table allows, so a racing caller learns it lost instead of overwriting.
 */

import type { AuditEntry } from "../domain/audit.js";
import type { Reply } from "../domain/channel.js";
import type { ConversationState } from "../domain/conversation.js";
import type { InboxEvent } from "../domain/inbox.js";
import type { ChatAddress, Order, OrderStatus } from "../domain/order.js";
import type { Payment, PaymentStatus } from "../domain/payment.js";
import type { Proof, ProofStatus, SmsProofFlag } from "../domain/proof.js";
import type {
  HealthStatus,
  InstanceChanges,
  InstanceHealth,
  ProviderInstance,
} from "../domain/provider-instance.js";
import type { ReceivedPayment } from "../domain/received-payment.js";

export type Filter = Record<string, unknown>;
export type Update = Record<string, unknown>;

export interface FindOptions {
  readonly sort?: Record<string, 1 | -1>;
  readonly limit?: number;
  readonly skip?: number;
}

/** The subset of a MongoDB collection the repositories use; both backends implement it. */
export interface Collection<T extends { _id: string }> {
  readonly name: string;
  /** Throws DuplicateKeyError when a unique index refuses the document. */
  insertOne(doc: T): Promise<void>;
  findOne(filter: Filter, options?: Pick<FindOptions, "sort">): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  countDocuments(filter: Filter): Promise<number>;
  /** Applies `update` to the first match and returns the document after the update, or null. */
  findOneAndUpdate(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<T | null>;
  updateMany(filter: Filter, update: Update): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
}

export interface OrderRepository {
  create(order: Order): Promise<void>;
  findById(tenantId: string, id: string): Promise<Order | null>;
  findByRef(tenantId: string, ref: string): Promise<Order | null>;
  /** Newest first. */
  listByCustomer(tenantId: string, customer: ChatAddress, limit: number): Promise<Order[]>;
  /** Newest first; all statuses when `status` is omitted. */
  listByStatus(tenantId: string, status: OrderStatus | undefined, limit: number): Promise<Order[]>;
  /** Compare-and-set along ORDER_TRANSITIONS; `changes` are set together with the status. */
  transition(tenantId: string, id: string, to: OrderStatus, changes?: Partial<Order>): Promise<Order | null>;
  setPayment(tenantId: string, id: string, paymentId: string): Promise<Order | null>;
}

export interface PaymentRepository {
  create(payment: Payment): Promise<void>;
  findById(tenantId: string, id: string): Promise<Payment | null>;
  /** Compare-and-set along PAYMENT_TRANSITIONS. */
  transition(
    tenantId: string,
    id: string,
    to: PaymentStatus,
    changes?: Partial<Payment>,
  ): Promise<Payment | null>;
  /** The payment a provider instance knows by `providerRef` (a CheckoutRequestID, a reference). */
  findByProviderRef(instanceId: string, providerRef: string): Promise<Payment | null>;
  /** Payments of an order, newest first. */
  listByOrder(tenantId: string, orderId: string): Promise<Payment[]>;
  /**
   * Payments an instance was tried for (an attempt names it, failed or not) created at or after
   * `since`, newest first, at most `limit`: the instance's statistics read them.
   */
  listTriedByInstance(tenantId: string, instanceId: string, since: Date, limit: number): Promise<Payment[]>;
  /** Claims a `succeeded` payment for one refund; null when it is not succeeded or already claimed. */
  claimRefund(
    tenantId: string,
    id: string,
    claim: NonNullable<Payment["refundClaim"]>,
  ): Promise<Payment | null>;
  /** Drops the claim of a payment still `succeeded` (the provider refused); null when there was none. */
  releaseRefundClaim(tenantId: string, id: string): Promise<Payment | null>;
  /** Claimed refunds still unsettled since before `before`, oldest first: the refund reconciler's list. */
  listRefundClaims(before: Date, limit: number): Promise<Payment[]>;
  /** Marks money that cannot simply settle, for the merchant; the status does not change. */
  setFlag(tenantId: string, id: string, flag: NonNullable<Payment["flag"]>): Promise<Payment | null>;
}

export interface InboxRepository {
  /** Stores a webhook event; `recorded: false` when this provider event was stored already. */
  record(event: InboxEvent): Promise<{ recorded: boolean; event: InboxEvent }>;
  findById(id: string): Promise<InboxEvent | null>;
  /** Leaves `received` once; false when it had left already. */
  finish(id: string, status: Exclude<InboxEvent["status"], "received">, note?: string): Promise<boolean>;
  /** Events still `received` that arrived before `before`, oldest first: the sweeper's list. */
  listReceived(before: Date, limit: number): Promise<InboxEvent[]>;
}

/** Money received at a Paybill or Till (M-Pesa C2B), matched to an order or kept as an orphan. */
export interface ReceivedPaymentRepository {
  /** Stores a confirmation; `recorded: false` with the stored one when it was stored already. */
  record(received: ReceivedPayment): Promise<{ recorded: boolean; received: ReceivedPayment }>;
  findById(tenantId: string, id: string): Promise<ReceivedPayment | null>;
  /** By the provider's transaction id, as a merchant types it. */
  findByTransId(tenantId: string, transId: string): Promise<ReceivedPayment | null>;
  /** Orphans, oldest first: the merchant's list. */
  listOrphans(tenantId: string, limit: number): Promise<ReceivedPayment[]>;
  /** What was received for a payment, oldest first. */
  listByPayment(tenantId: string, paymentId: string): Promise<ReceivedPayment[]>;
  /** Compare-and-set from `orphan`: null when it was matched already. */
  match(
    tenantId: string,
    id: string,
    match: Required<Pick<ReceivedPayment, "paymentId" | "orderRef" | "matchedBy" | "matchedAt">> &
      Pick<ReceivedPayment, "attachedBy">,
  ): Promise<ReceivedPayment | null>;
}

export interface ProofRepository {
  create(proof: Proof): Promise<void>;
  findById(tenantId: string, id: string): Promise<Proof | null>;
  /** The newest pending proof of an order. */
  findPendingByOrder(tenantId: string, orderId: string): Promise<Proof | null>;
  /** Oldest first. */
  listPending(tenantId: string, limit: number): Promise<Proof[]>;
  /** A proof with these bytes for a different order, if any. */
  findReuse(tenantId: string, sha256: string, orderId: string): Promise<Proof | null>;
  /** Proofs of pasted SMS texts with this M-Pesa transaction code (upper case), oldest first, at most `limit`. */
  listByTransactionCode(tenantId: string, code: string, limit: number): Promise<Proof[]>;
  /**
   * Sets a pending SMS proof's flags (and the order its code was first pasted for, once known;
   * and the transfer it now proves, when it waited for M-Pesa before going to the merchant);
   * null when the proof is not pending.
   */
  setFlags(
    tenantId: string,
    id: string,
    review: { flags: readonly SmsProofFlag[]; reusedFromOrderRef?: string; paymentId?: string },
  ): Promise<Proof | null>;
  /** Compare-and-set from `pending`. */
  review(
    tenantId: string,
    id: string,
    to: Exclude<ProofStatus, "pending">,
    review: { reviewedBy: string; reviewedAt: Date; reason?: string },
  ): Promise<Proof | null>;
}

export interface StoredConversation {
  readonly state: ConversationState;
  /** Increments on every save; the compare-and-set token. */
  readonly version: number;
}

export interface ConversationRepository {
  load(tenantId: string, chat: ChatAddress): Promise<StoredConversation | null>;
  /**
   * Saves when the stored version still equals `expectedVersion` (0: none stored yet) and
   * returns true; false when another writer got there first.
   */
  save(
    tenantId: string,
    chat: ChatAddress,
    state: ConversationState,
    expectedVersion: number,
  ): Promise<boolean>;
}

/**
 * A batch of replies to one chat, stored before it is sent. The id is deterministic
 * (`ob_<what it is about>`), so writing it twice is harmless and sending it is idempotent.
 */
/**
 * `urgent`: payment results and the merchant's payment alerts, ahead of everything else;
 * `reply`: answers to what a person just wrote; `background`: reminders and anything unprompted.
 */
export const OUTBOX_LANES = ["urgent", "reply", "background"] as const;
export type OutboxLane = (typeof OUTBOX_LANES)[number];

export interface OutboxMessage {
  readonly _id: string;
  readonly tenantId: string;
  readonly to: ChatAddress;
  readonly replies: readonly Reply[];
  /** Which messages go first when a channel's rate limit binds (see `OutboxLane`); default `reply`. */
  readonly lane?: OutboxLane;
  /**
   * Messages of one `group` to one chat that pile up (each waiting for the chat's next slot) go
   * out as one digest of their `line`s. One-reply messages only.
   */
  readonly digest?: { readonly group: string; readonly line: string };
  /** `failed`: the channel refused for good (the shopper blocked the bot); not retried. */
  readonly status: "pending" | "sent" | "failed";
  /** How many of `replies` were sent already, so a retry resumes instead of repeating. */
  readonly sentCount: number;
  readonly createdAt: Date;
  readonly sentAt?: Date;
  readonly failedAt?: Date;
  readonly error?: string;
}

export interface OutboxRepository {
  /** Inserts; when the id exists already returns the stored message unchanged. */
  put(
    message: Omit<OutboxMessage, "status" | "sentCount" | "sentAt" | "failedAt" | "error">,
  ): Promise<OutboxMessage>;
  findById(id: string): Promise<OutboxMessage | null>;
  recordProgress(id: string, sentCount: number): Promise<void>;
  markSent(id: string, at: Date): Promise<void>;
  markFailed(id: string, at: Date, error: string): Promise<void>;
  /** Pending messages created before `before`, oldest first: the sweeper's work list. */
  listPending(before: Date, limit: number): Promise<OutboxMessage[]>;
  /** Pending messages to `to` in a digest `group`, oldest first. */
  listPendingDigest(to: ChatAddress, group: string, limit: number): Promise<OutboxMessage[]>;
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(
    tenantId: string,
    filter: { orderRef?: string; action?: string },
    limit: number,
  ): Promise<AuditEntry[]>;
}

export interface StoredMedia {
  readonly bytes: Buffer;
  readonly mimeType: string;
}

/** Receipt images and PDFs: a local directory by default, GridFS with MongoDB. */
export interface MediaStore {
  put(tenantId: string, bytes: Buffer, mimeType: string): Promise<string>;
  get(mediaId: string): Promise<StoredMedia | null>;
}

export interface Store {
  readonly kind: "embedded" | "mongodb";
  readonly orders: OrderRepository;
  readonly payments: PaymentRepository;
  readonly proofs: ProofRepository;
  readonly conversations: ConversationRepository;
  readonly outbox: OutboxRepository;
  readonly audit: AuditRepository;
  /** Payment provider instances, across tenants (see payments/registry/types.ts). */
  readonly providers: ProviderInstanceRepository;
  readonly inbox: InboxRepository;
  readonly receivedPayments: ReceivedPaymentRepository;
  readonly media: MediaStore;
  /**
   * Deletes what a TTL index would have deleted by `now` and returns how many documents went.
   * Present only on a server without TTL indexes (FerretDB); MongoDB expires them itself, and
   * the embedded store keeps them.
   */
  readonly expire?: (now: Date) => Promise<number>;
  /** Rejects when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ProviderInstanceRepository {
  /** Throws DuplicateKeyError when the tenant already has an instance with that display name. */
  create(instance: ProviderInstance): Promise<void>;
  findById(id: string): Promise<ProviderInstance | null>;
  /** By priority, then creation; every tenant when `tenantId` is omitted. */
  list(filter?: { tenantId?: string; plugin?: string }): Promise<ProviderInstance[]>;
  /** Sets the changes and `updatedAt`; null when there is no such instance. */
  update(id: string, changes: InstanceChanges): Promise<ProviderInstance | null>;
  /**
   * Stores a health result when the stored status is still `expected` (compare-and-set), so
   * exactly one process sees a given change of status and alerts about it.
   */
  setHealth(id: string, health: InstanceHealth, expected: HealthStatus): Promise<ProviderInstance | null>;
  delete(id: string): Promise<boolean>;
}
