/**
 * The store: MongoDB when a URI is given, the embedded engine otherwise. Both run the same
 * repositories over the same filter and update documents (see types.ts).
 */

import type { Collections } from "./documents.js";
import { openEmbeddedDatabase } from "./embedded/database.js";
import type { StoreLogger } from "./logger.js";
import { createGridFsMediaStore } from "./media/gridfs-media-store.js";
import { createLocalMediaStore } from "./media/local-media-store.js";
import { openMongoDatabase } from "./mongo/database.js";
import { createAuditRepository } from "./repositories/audit-repository.js";
import { createConversationRepository } from "./repositories/conversation-repository.js";
import { createInboxRepository } from "./repositories/inbox-repository.js";
import { createOrderRepository } from "./repositories/order-repository.js";
import { createOutboxRepository } from "./repositories/outbox-repository.js";
import { createPaymentRepository } from "./repositories/payment-repository.js";
import { createProofRepository } from "./repositories/proof-repository.js";
import { createProviderInstanceRepository } from "./repositories/provider-instance-repository.js";
import { createReceivedPaymentRepository } from "./repositories/received-payment-repository.js";
import type { Filter, MediaStore, Store } from "./types.js";

export interface StoreOptions {
  /** MongoDB connection string; unset: the embedded store. */
  readonly mongodbUri?: string;
  /** Embedded store only: where the journals live; unset: memory only, lost on exit. */
  readonly dataDir?: string;
  /** Embedded store only: where receipt images go (MongoDB keeps them in GridFS). */
  readonly mediaDir: string;
  readonly logger?: StoreLogger;
  /**
   * Embedded store only: told of each query no declared index serves. Default: a warning logged
   * once per collection and filter shape (such a query slows down as the shop grows).
   */
  readonly onUnindexedQuery?: (collection: string, filter: Filter) => void;
}

export async function createStore(options: StoreOptions): Promise<Store> {
  if (options.mongodbUri) {
    const database = await openMongoDatabase(options.mongodbUri, options.logger);
    options.logger?.info({ store: "mongodb" }, "store opened");
    return assemble("mongodb", database.collections, createGridFsMediaStore(database.connection), {
      ping: database.ping,
      close: database.close,
      ...(database.expire ? { expire: database.expire } : {}),
    });
  }
  const database = openEmbeddedDatabase({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    onUnindexedQuery: options.onUnindexedQuery ?? warnOncePerShape(options.logger),
  });
  options.logger?.info({ store: "embedded", persistent: options.dataDir !== undefined }, "store opened");
  return assemble("embedded", database.collections, createLocalMediaStore(options.mediaDir), {
    ping: async () => undefined,
    close: async () => database.close(),
  });
}

function warnOncePerShape(logger: StoreLogger | undefined): (collection: string, filter: Filter) => void {
  const seen = new Set<string>();
  return (collection, filter) => {
    const fields = Object.keys(filter).sort();
    const shape = `${collection}:${fields.join(",")}`;
    if (seen.has(shape)) return;
    seen.add(shape);
    logger?.warn(
      { collection, fields },
      "a query no index serves reads every document; add an index to the schema",
    );
  };
}

function assemble(
  kind: Store["kind"],
  collections: Collections,
  media: MediaStore,
  lifecycle: Pick<Store, "ping" | "close" | "expire">,
): Store {
  return {
    kind,
    orders: createOrderRepository(collections.orders),
    payments: createPaymentRepository(collections.payments),
    proofs: createProofRepository(collections.proofs),
    conversations: createConversationRepository(collections.conversations),
    outbox: createOutboxRepository(collections.outbox),
    audit: createAuditRepository(collections.audit),
    providers: createProviderInstanceRepository(collections.providerInstances),
    inbox: createInboxRepository(collections.inbox),
    receivedPayments: createReceivedPaymentRepository(collections.receivedPayments),
    media,
    ...lifecycle,
  };
}

export { openEmbeddedCollection } from "./embedded/database.js";
export type { StoreLogger } from "./logger.js";
export { createMongoCollection } from "./mongo/collection.js";
export type { CollectionName } from "./schemas.js";
export { schemas } from "./schemas.js";
