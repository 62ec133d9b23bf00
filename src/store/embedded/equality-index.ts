/**
 * Lookups by equality on the leading fields of an index a mongoose schema declares, so a query
 * such as `{ tenantId, channel, chatId }` reads the documents it names instead of every document.
 * Keys follow MongoDB: a missing field indexes as null. A document with an array on an indexed
 * path (MongoDB would index each element) is kept aside and offered to every lookup, so results
 * stay exact; the query engine still checks each candidate against the whole filter.
 */

import type { Schema } from "mongoose";
import { isPlainObject } from "./clone.js";
import { encode } from "./codec.js";

type IndexedValue = string | number | boolean | null | Date | object;

export class EqualityIndex {
  /** For each prefix length k - 1: the key of the first k values → the ids holding them. */
  private readonly prefixes: Map<string, Set<string>>[];
  private readonly asideIds = new Set<string>();

  constructor(readonly fields: readonly string[]) {
    this.prefixes = fields.map(() => new Map());
  }

  add(doc: { _id: string }): void {
    const values = valuesAt(doc, this.fields);
    if (values === undefined) {
      this.asideIds.add(doc._id);
      return;
    }
    this.prefixes.forEach((entries, level) => {
      const key = keyOf(values, level + 1);
      const ids = entries.get(key);
      if (ids) ids.add(doc._id);
      else entries.set(key, new Set([doc._id]));
    });
  }

  remove(doc: { _id: string }): void {
    const values = valuesAt(doc, this.fields);
    if (values === undefined) {
      this.asideIds.delete(doc._id);
      return;
    }
    this.prefixes.forEach((entries, level) => {
      const key = keyOf(values, level + 1);
      const ids = entries.get(key);
      ids?.delete(doc._id);
      if (ids?.size === 0) entries.delete(key);
    });
  }

  /**
   * How many leading fields `filter` fixes by plain equality (0: this index cannot serve it),
   * with those values.
   */
  usableBy(filter: Readonly<Record<string, unknown>>): IndexedValue[] {
    const values: IndexedValue[] = [];
    for (const field of this.fields) {
      const value = equalityValue(filter[field]);
      if (value === undefined) break;
      values.push(value);
    }
    return values;
  }

  /** The ids whose leading fields equal `values`, and those kept aside. */
  *lookup(values: readonly IndexedValue[]): Iterable<string> {
    const ids = this.prefixes[values.length - 1]?.get(keyOf(values, values.length));
    if (ids) yield* ids;
    yield* this.asideIds;
  }
}

export function equalityIndexesOf(schema: Schema): EqualityIndex[] {
  return schema.indexes().map(([fields]) => new EqualityIndex(Object.keys(fields)));
}

/**
 * The value a filter condition demands by equality, or undefined when it demands something else
 * (a range, `$ne`, `$in`, a subdocument): only scalars are taken, where MongoDB's equality and
 * the index key agree.
 */
function equalityValue(condition: unknown): IndexedValue | undefined {
  if (isScalar(condition)) return condition;
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    if (keys.length === 1 && keys[0] === "$eq" && isScalar(condition.$eq)) return condition.$eq;
  }
  return undefined;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "string" || typeof value === "boolean" || Number.isFinite(value);
}

function keyOf(values: readonly IndexedValue[], length: number): string {
  return encode(length === values.length ? values : values.slice(0, length));
}

/** The values at `paths` (missing as null), or undefined when an array lies on any of them. */
function valuesAt(doc: object, paths: readonly string[]): IndexedValue[] | undefined {
  const values: IndexedValue[] = [];
  for (const path of paths) {
    let value: unknown = doc;
    for (const segment of path.split(".")) {
      if (Array.isArray(value)) return undefined;
      value = isPlainObject(value) ? value[segment] : undefined;
    }
    if (Array.isArray(value)) return undefined;
    values.push((value ?? null) as IndexedValue);
  }
  return values;
}
