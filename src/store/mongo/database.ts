/**
 * The MongoDB backend's collections: one mongoose connection, one model per schema, and the
 * schemas' indexes synced at open so a unique index exists before the first write relies on it.
 * On a MongoDB-wire server without some index options (FerretDB), see index-features.ts.
 */

import mongoose, { type Connection, type Model } from "mongoose";
import { DukaError, StoreUnavailableError } from "../../domain/errors.js";
import { type Collections, openCollections } from "../documents.js";
import type { StoreLogger } from "../logger.js";
import { type CollectionName, schemas } from "../schemas.js";
import { type CollectionAdaptations, createMongoCollection } from "./collection.js";
import { createDocumentLocks } from "./document-locks.js";
import { toStoreError } from "./errors.js";
import {
  describeFallback,
  type IndexOption,
  refusedIndexOption,
  withoutIndexOptions,
} from "./index-features.js";
import { readServerProfile, type ServerProfile } from "./server-profile.js";
import { createExpirer } from "./ttl-fallback.js";

export interface MongoDatabase {
  readonly connection: Connection;
  readonly collections: Collections;
  /** Present when the server has no TTL indexes: deletes what they would have (ttl-fallback.ts). */
  readonly expire?: (now: Date) => Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openMongoDatabase(uri: string, logger?: StoreLogger): Promise<MongoDatabase> {
  const connection = mongoose.createConnection(uri, {
    // Indexes are synced below, awaited, instead of built in the background.
    autoIndex: false,
    // Fail fast while disconnected; callers turn StoreUnavailableError into a retry.
    bufferCommands: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw toStoreError("connection", error);
  }
  const profile = await readServerProfile(connection.db!).catch(async (error: unknown) => {
    await connection.close().catch(() => undefined);
    throw toStoreError("buildInfo", error);
  });
  const adaptations = adaptTo(profile, connection, logger);
  const refused = new Set<IndexOption>(profile.refusedIndexOptions);
  for (const option of refused) logFallback(option, logger);
  const models = new Map<CollectionName, Model<{ _id: string }>>();
  try {
    for (const name of Object.keys(schemas) as CollectionName[]) {
      models.set(name, await openModel(connection, name, refused, logger));
    }
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw toIndexError(error);
  }
  const collections = openCollections((name) => createMongoCollection(models.get(name)!, adaptations));
  const expire = refused.has("expireAfterSeconds")
    ? createExpirer([...models].map(([name, model]) => ({ model, declared: schemas[name] })))
    : undefined;
  return {
    connection,
    collections,
    ...(expire ? { expire } : {}),
    ping: async () => {
      try {
        if (!connection.db) throw new StoreUnavailableError("The MongoDB connection is closed");
        await connection.db.admin().ping();
      } catch (error) {
        throw toStoreError("admin", error);
      }
    },
    close: () => connection.close(),
  };
}

/** What the collections do to make up for the server's limits; each limit logged once, here. */
function adaptTo(
  profile: ServerProfile,
  connection: Connection,
  logger?: StoreLogger,
): CollectionAdaptations {
  const fallback = (feature: string, instead: string) =>
    logger?.warn(
      { server: profile.name, feature, fallback: instead },
      `${profile.name} lacks ${feature}; Duka uses ${instead}`,
    );
  if (profile.nonAtomicUpdates) {
    fallback("atomic updates", "a lock document per updated document, so compare-and-set keeps one winner");
  }
  if (profile.limitedDocuments) {
    fallback("arrays inside arrays and dotted field names", "an encoding of both, undone on reading");
  }
  if (profile.scansUnlessOnlyId) {
    fallback(
      "filters on fields other than _id without a full scan",
      "lookups by _id alone where a filter names one",
    );
  }
  return {
    ...(profile.nonAtomicUpdates ? { locks: createDocumentLocks(connection.db!) } : {}),
    ...(profile.limitedDocuments ? { encodeDocuments: true } : {}),
    ...(profile.scansUnlessOnlyId ? { lookUpById: true } : {}),
  };
}

/**
 * The collection's model with its indexes synced. When the server refuses an index option as not
 * implemented, the option joins `refused` (logged once, for every collection) and the model is
 * made again from the schema without it; any other refusal is thrown.
 */
async function openModel(
  connection: Connection,
  name: CollectionName,
  refused: Set<IndexOption>,
  logger?: StoreLogger,
): Promise<Model<{ _id: string }>> {
  for (;;) {
    const model = connection.model<{ _id: string }>(name, withoutIndexOptions(schemas[name], refused), name);
    try {
      const dropped = await model.syncIndexes();
      if (dropped.length > 0)
        logger?.info({ collection: name, dropped }, "dropped indexes no schema declares");
      return model;
    } catch (error) {
      const option = refusedIndexOption(error);
      if (option === undefined || refused.has(option)) throw error;
      refused.add(option);
      logFallback(option, logger, (error as Error).message);
      connection.deleteModel(name);
    }
  }
}

function logFallback(option: IndexOption, logger?: StoreLogger, serverError?: string): void {
  const { feature, fallback } = describeFallback(option);
  logger?.warn(
    { feature, fallback, ...(serverError === undefined ? {} : { serverError }) },
    `this MongoDB-wire server has no ${feature}; Duka uses ${fallback} instead`,
  );
}

// A unique index cannot be built over documents that already break it (code 11000 here means
// that, not a refused write); the store must not start without its guards.
function toIndexError(error: unknown): unknown {
  const mapped = toStoreError("indexes", error);
  if (mapped instanceof StoreUnavailableError) return mapped;
  return new DukaError(
    "unavailable",
    "Could not build the store's indexes; if a unique index is refused, remove the duplicate documents it names",
    { cause: error },
  );
}
