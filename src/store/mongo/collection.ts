/**
 * A collection on MongoDB through a mongoose model's native collection, so the repositories'
 * filter and update documents reach the server exactly as written (no mongoose casting).
 * On a server with the limits of ServerProfile, `adapt` makes up for them (see server-profile.ts).
 */

import type { Model, mongo } from "mongoose";
import { filterQuery } from "../filter-query.js";
import type { Collection, Filter, FindOptions, Update } from "../types.js";
import { decodeDocument, encodeDocument, encodeUpdate } from "./document-encoding.js";
import type { DocumentLocks } from "./document-locks.js";
import { toStoreError } from "./errors.js";

// Undefined properties are left out rather than stored as null, as the embedded store does.
const WRITE_OPTIONS = { ignoreUndefined: true } as const;

export interface CollectionAdaptations {
  /** Updates are not atomic on the server: each one holds its document's lock. */
  readonly locks?: DocumentLocks;
  /** The server refuses arrays inside arrays and dotted names: encoded (document-encoding.ts). */
  readonly encodeDocuments?: boolean;
  /**
   * The server scans for any filter but `_id` alone: a filter naming an `_id` fetches by it and
   * checks the rest here (a tenant id beside the document's own id, a status to compare and set).
   */
  readonly lookUpById?: boolean;
}

export function createMongoCollection<T extends { _id: string }>(
  model: Model<T>,
  adapt: CollectionAdaptations = {},
): Collection<T> {
  const native = model.collection as unknown as mongo.Collection<T>;
  const name = model.collection.collectionName;
  const run = async <R>(operation: () => Promise<R>): Promise<R> => {
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(name, error);
    }
  };
  const encode = adapt.encodeDocuments ? encodeDocument : <D>(doc: D) => doc;
  const encodeUpdateOf = adapt.encodeDocuments ? encodeUpdate : (update: Update) => update;
  const decode = adapt.encodeDocuments ? decodeDocument : <D>(doc: D) => doc;
  const locks = adapt.locks;

  /** The one document a filter naming an `_id` can match, fetched by `_id` alone (lookUpById). */
  const byIdThenMatch = async (filter: Filter): Promise<T | null | undefined> => {
    if (!adapt.lookUpById || typeof filter._id !== "string") return undefined;
    const found = (await native.findOne({ _id: filter._id } as mongo.Filter<T>)) as T | null;
    return found && filterQuery(filter).test(found) ? found : null;
  };

  const updateOne = (filter: Filter, update: Update, upsert: boolean) =>
    native.findOneAndUpdate(filter as mongo.Filter<T>, encodeUpdateOf(update) as mongo.UpdateFilter<T>, {
      ...WRITE_OPTIONS,
      returnDocument: "after",
      upsert,
    }) as Promise<T | null>;

  /**
   * Under locks: the document the filter names or matches is locked, then updated if it still
   * matches; one that stopped matching meanwhile sends the search round again.
   */
  async function lockedFindOneAndUpdate(
    held: DocumentLocks,
    filter: Filter,
    update: Update,
    upsert: boolean,
  ) {
    for (;;) {
      const named = typeof filter._id === "string" ? filter._id : undefined;
      const id = named ?? (await native.findOne(filter as mongo.Filter<T>, { projection: { _id: 1 } }))?._id;
      // No match: an upsert inserts, which the server refuses twice by the unique _id or index.
      if (id === undefined) return upsert ? updateOne(filter, update, true) : null;
      const updated = await held.withLock(name, id, async () => {
        // Under the lock nobody else writes the document: checked here, updated by `_id` alone.
        if (adapt.lookUpById && !upsert) {
          const current = await byIdThenMatch({ ...filter, _id: id });
          return current ? updateOne({ _id: id }, update, false) : null;
        }
        return updateOne({ $and: [filter, { _id: id }] }, update, upsert);
      });
      if (updated !== null || named !== undefined) return updated;
    }
  }

  return {
    name,
    insertOne: (doc) =>
      run(async () => {
        await native.insertOne(encode(doc) as mongo.OptionalUnlessRequiredId<T>, WRITE_OPTIONS);
      }),
    findOne: (filter, options = {}) =>
      run(async () => {
        const byId = await byIdThenMatch(filter);
        const found =
          byId !== undefined
            ? byId
            : ((await native.findOne(filter as mongo.Filter<T>, { sort: options.sort })) as T | null);
        return found && decode(found);
      }),
    find: (filter, options: FindOptions = {}) =>
      run(async () =>
        (
          (await native
            .find(filter as mongo.Filter<T>, { sort: options.sort, limit: options.limit, skip: options.skip })
            .toArray()) as T[]
        ).map(decode),
      ),
    countDocuments: (filter: Filter) => run(() => native.countDocuments(filter as mongo.Filter<T>)),
    findOneAndUpdate: (filter: Filter, update: Update, options = {}) =>
      run(async () => {
        const upsert = options.upsert ?? false;
        const updated = locks
          ? await lockedFindOneAndUpdate(locks, filter, update, upsert)
          : await updateOne(filter, update, upsert);
        return updated && decode(updated);
      }),
    updateMany: (filter: Filter, update: Update) =>
      run(async () => {
        if (!locks) {
          return (
            await native.updateMany(
              filter as mongo.Filter<T>,
              encodeUpdateOf(update) as mongo.UpdateFilter<T>,
              WRITE_OPTIONS,
            )
          ).modifiedCount;
        }
        // Many documents are not updated atomically together on MongoDB either: one at a time.
        const ids = await native.find(filter as mongo.Filter<T>, { projection: { _id: 1 } }).toArray();
        let modified = 0;
        for (const { _id: id } of ids) {
          const result = await locks.withLock(name, id, () =>
            native.updateOne(
              { $and: [filter, { _id: id }] } as mongo.Filter<T>,
              encodeUpdateOf(update) as mongo.UpdateFilter<T>,
              WRITE_OPTIONS,
            ),
          );
          modified += result.modifiedCount;
        }
        return modified;
      }),
    deleteMany: (filter: Filter) =>
      run(async () => (await native.deleteMany(filter as mongo.Filter<T>)).deletedCount),
  };
}
