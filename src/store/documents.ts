import type { Schema } from "mongoose";
import type { AuditEntry } from "../domain/audit.js";
import type { ConversationState } from "../domain/conversation.js";
import type { InboxEvent } from "../domain/inbox.js";
import type { ChannelName, Order } from "../domain/order.js";
import type { Payment } from "../domain/payment.js";
import type { Proof } from "../domain/proof.js";
import type { ProviderInstance } from "../domain/provider-instance.js";
import type { ReceivedPayment } from "../domain/received-payment.js";
import { type CollectionName, schemas } from "./schemas.js";
import type { Collection, OutboxMessage } from "./types.js";

/** One dialogue per chat; `_id` is `${tenantId}:${channel}:${chatId}`. */
export interface ConversationDocument {
  readonly _id: string;
  readonly tenantId: string;
  readonly channel: ChannelName;
  readonly chatId: string;
  readonly state: ConversationState;
  readonly version: number;
  readonly updatedAt: Date;
}

/** The document type each collection holds. */
export interface StoredDocuments {
  readonly orders: Order;
  readonly payments: Payment;
  readonly proofs: Proof;
  readonly conversations: ConversationDocument;
  readonly outbox: OutboxMessage;
  readonly audit: AuditEntry;
  readonly providerInstances: ProviderInstance;
  readonly inbox: InboxEvent;
  readonly receivedPayments: ReceivedPayment;
}

export type Collections = { readonly [N in CollectionName]: Collection<StoredDocuments[N]> };

/** Opens every collection the schemas declare with `open`: the list lives in schemas.ts alone. */
export function openCollections(
  open: (name: CollectionName, schema: Schema) => Collection<{ _id: string }>,
): Collections {
  const entries = (Object.keys(schemas) as CollectionName[]).map((name) => [name, open(name, schemas[name])]);
  return Object.fromEntries(entries) as Collections;
}
