/**
 * What a TTL index does, done by Duka on a server without TTL indexes: delete the documents whose
 * indexed date is older than `expireAfterSeconds`. A maintenance job calls it (see
 * queue/sweeper.ts), so it runs once per period however many workers there are.
 */

import type { Model, Schema } from "mongoose";
import { toStoreError } from "./errors.js";

/** A TTL index as a rule: documents whose `field` is a date older than `afterSeconds` go. */
interface ExpiryRule {
  readonly field: string;
  readonly afterSeconds: number;
}

function expiryRules(schema: Schema): ExpiryRule[] {
  return schema.indexes().flatMap(([fields, options]) => {
    const afterSeconds = options?.expireAfterSeconds;
    const [field, ...others] = Object.keys(fields);
    // MongoDB does not expire by a compound index; neither does the fallback.
    return typeof afterSeconds === "number" && field !== undefined && others.length === 0
      ? [{ field, afterSeconds }]
      : [];
  });
}

/**
 * Deletes, in every collection, what the TTL indexes its `schemas` declare would have deleted by
 * `now`, and returns how many documents went. `models` are the collections as opened, whose
 * schemas may lack the TTL option.
 */
export function createExpirer(
  models: readonly { readonly model: Model<{ _id: string }>; readonly declared: Schema }[],
): (now: Date) => Promise<number> {
  const targets = models.flatMap(({ model, declared }) =>
    expiryRules(declared).map((rule) => ({ model, rule })),
  );
  return async (now) => {
    let deleted = 0;
    for (const { model, rule } of targets) {
      const cutoff = new Date(now.getTime() - rule.afterSeconds * 1000);
      try {
        // $lt on a date matches dates only, as TTL does: a document without the field stays.
        deleted += (await model.collection.deleteMany({ [rule.field]: { $lt: cutoff } })).deletedCount;
      } catch (error) {
        throw toStoreError(model.collection.collectionName, error);
      }
    }
    return deleted;
  };
}
