/**
 * The MongoDB backend's collections: one mongoose connection, one model per schema, and the
 * schemas' indexes synced at open so a unique index exists before the first write relies on it.
 */

import mongoose, { type Connection, type Model, type Schema } from "mongoose";
import { DukaError, StoreUnavailableError } from "../../domain/errors.js";
import { type Collections, openCollections } from "../documents.js";
import type { StoreLogger } from "../logger.js";
import type { CollectionName } from "../schemas.js";
import { createMongoCollection } from "./collection.js";
import { toStoreError } from "./errors.js";

export interface MongoDatabase {
  readonly connection: Connection;
  readonly collections: Collections;
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
  const open = <T extends { _id: string }>(name: CollectionName, schema: Schema) =>
    createMongoCollection<T>(connection.model<T>(name, schema, name));
  const collections = openCollections(open);
  try {
    await syncIndexes(Object.values(connection.models), logger);
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw toIndexError(error);
  }
  return {
    connection,
    collections,
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

async function syncIndexes(models: readonly Model<unknown>[], logger?: StoreLogger): Promise<void> {
  for (const model of models) {
    const dropped = await model.syncIndexes();
    if (dropped.length > 0) {
      logger?.info(
        { collection: model.collection.collectionName, dropped },
        "dropped indexes no schema declares",
      );
    }
  }
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
