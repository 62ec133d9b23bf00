/**
 * The unique indexes a mongoose schema declares, enforced in memory. Keys follow MongoDB: a
 * missing field indexes as null (so two documents both missing it collide) and dotted paths
 * reach into subdocuments.
 */

import type { Schema } from "mongoose";
import { InternalError } from "../../domain/errors.js";
import { isPlainObject } from "./clone.js";
import { encode } from "./codec.js";

export class UniqueIndex {
  /** Index key → `_id` of the document holding it. */
  private readonly owners = new Map<string, string>();

  constructor(readonly fields: readonly string[]) {}

  keyOf(doc: object): Record<string, unknown> {
    return Object.fromEntries(this.fields.map((field) => [field, valueAt(doc, field) ?? null]));
  }

  /** The `_id` holding `doc`'s key, when that is not `doc` itself. */
  ownerOf(doc: { _id: string }): string | undefined {
    const owner = this.owners.get(this.hash(doc));
    return owner === doc._id ? undefined : owner;
  }

  hash(doc: object): string {
    return encode(this.fields.map((field) => valueAt(doc, field) ?? null));
  }

  add(doc: { _id: string }): void {
    this.owners.set(this.hash(doc), doc._id);
  }

  remove(doc: { _id: string }): void {
    const hash = this.hash(doc);
    if (this.owners.get(hash) === doc._id) this.owners.delete(hash);
  }
}

export function uniqueIndexesOf(schema: Schema): UniqueIndex[] {
  const indexes: UniqueIndex[] = [];
  for (const [fields, options] of schema.indexes()) {
    if (!options.unique) continue;
    // These change which documents an index covers; enforcing them as plain unique indexes
    // would refuse writes MongoDB accepts.
    if (options.sparse || options.partialFilterExpression) {
      throw new InternalError(
        `The embedded store does not support sparse or partial unique indexes (${Object.keys(fields).join(", ")})`,
      );
    }
    indexes.push(new UniqueIndex(Object.keys(fields)));
  }
  return indexes;
}

function valueAt(doc: object, path: string): unknown {
  let value: unknown = doc;
  for (const segment of path.split(".")) {
    refuseArray(value, path);
    if (!isPlainObject(value)) return undefined;
    value = value[segment];
  }
  refuseArray(value, path);
  return value;
}

// A unique index over an array indexes each element (multikey); no schema needs that here.
function refuseArray(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    throw new InternalError(`The embedded store does not support unique indexes over arrays (${path})`);
  }
}
