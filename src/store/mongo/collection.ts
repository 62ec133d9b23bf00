/**
 * A collection on MongoDB through a mongoose model's native collection, so the repositories'
 * filter and update documents reach the server exactly as written (no mongoose casting).
 */

import type { Model, mongo } from "mongoose";
import type { Collection, Filter, FindOptions, Update } from "../types.js";
import { toStoreError } from "./errors.js";

// Undefined properties are left out rather than stored as null, as the embedded store does.
const WRITE_OPTIONS = { ignoreUndefined: true } as const;

export function createMongoCollection<T extends { _id: string }>(model: Model<T>): Collection<T> {
  const native = model.collection as unknown as mongo.Collection<T>;
  const name = model.collection.collectionName;
  const run = async <R>(operation: () => Promise<R>): Promise<R> => {
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(name, error);
    }
  };
  return {
    name,
    insertOne: (doc) =>
      run(async () => {
        await native.insertOne(doc as mongo.OptionalUnlessRequiredId<T>, WRITE_OPTIONS);
      }),
    findOne: (filter, options = {}) =>
      run(async () => (await native.findOne(filter as mongo.Filter<T>, { sort: options.sort })) as T | null),
    find: (filter, options: FindOptions = {}) =>
      run(
        async () =>
          (await native
            .find(filter as mongo.Filter<T>, { sort: options.sort, limit: options.limit, skip: options.skip })
            .toArray()) as T[],
      ),
    countDocuments: (filter: Filter) => run(() => native.countDocuments(filter as mongo.Filter<T>)),
    findOneAndUpdate: (filter: Filter, update: Update, options = {}) =>
      run(
        async () =>
          (await native.findOneAndUpdate(filter as mongo.Filter<T>, update as mongo.UpdateFilter<T>, {
            ...WRITE_OPTIONS,
            returnDocument: "after",
            upsert: options.upsert ?? false,
          })) as T | null,
      ),
    updateMany: (filter: Filter, update: Update) =>
      run(
        async () =>
          (await native.updateMany(filter as mongo.Filter<T>, update as mongo.UpdateFilter<T>, WRITE_OPTIONS))
            .modifiedCount,
      ),
    deleteMany: (filter: Filter) =>
      run(async () => (await native.deleteMany(filter as mongo.Filter<T>)).deletedCount),
  };
}
