/**
 * Lookups by equality on the leading fields of an index a mongoose schema declares, so a query
 * such as `{ tenantId, channel, chatId }` reads the documents it names instead of every document.
 * Keys follow MongoDB: a missing field indexes as null. A document with an array on an indexed
 * path (MongoDB would index each element) is kept aside and offered to every lookup, so results
 * stay exact; the query engine still checks each candidate against the whole filter.
 *
 * Each prefix length is built the first time a query asks for it and kept up to date from then
 * on: trailing fields that serve only sorts and ranges (`createdAt`) cost nothing.
 */

import type { Schema } from "mongoose";
import { isPlainObject } from "./clone.js";
import { encode } from "./codec.js";

type IndexedValue = string | number | boolean | null | Date | object;

export class EqualityIndex {
  /** For prefix length k at k - 1, once built: the key of the first k values → the ids holding them. */
  private readonly prefixes: (Map<string, Set<string>> | undefined)[];
  private readonly asideIds = new Set<string>();

  /** `documents` gives every stored document, to build a prefix length when first asked for. */
  constructor(
    readonly fields: readonly string[],
    private readonly documents: () => Iterable<{ _id: string }>,
  ) {
    this.prefixes = fields.map(() => undefined);
  }

  add(doc: { _id: string }): void {
    const values = valuesAt(doc, this.fields);
    if (values === undefined) {
      this.asideIds.add(doc._id);
      return;
    }
    this.prefixes.forEach((entries, level) => {
      if (entries) addTo(entries, keyOf(values, level + 1), doc._id);
    });
  }

  remove(doc: { _id: string }): void {
    const values = valuesAt(doc, this.fields);
    if (values === undefined) {
      this.asideIds.delete(doc._id);
      return;
    }
    this.prefixes.forEach((entries, level) => {
      if (!entries) return;
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

  /** The ids whose leading fields equal `values` (1 to `fields.length` of them), and those kept aside. */
  *lookup(values: readonly IndexedValue[]): Iterable<string> {
    const ids = this.level(values.length).get(keyOf(values, values.length));
    if (ids) yield* ids;
    yield* this.asideIds;
  }

  private level(length: number): Map<string, Set<string>> {
    const built = this.prefixes[length - 1];
    if (built) return built;
    const entries = new Map<string, Set<string>>();
    for (const doc of this.documents()) {
      const values = valuesAt(doc, this.fields);
      if (values) addTo(entries, keyOf(values, length), doc._id);
    }
    this.prefixes[length - 1] = entries;
    return entries;
  }
}

export function equalityIndexesOf(
  schema: Schema,
  documents: () => Iterable<{ _id: string }>,
): EqualityIndex[] {
  return schema.indexes().map(([fields]) => new EqualityIndex(Object.keys(fields), documents));
}

function addTo(entries: Map<string, Set<string>>, key: string, id: string): void {
  const ids = entries.get(key);
  if (ids) ids.add(id);
  else entries.set(key, new Set([id]));
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

/** One string per distinct tuple of values; types stay apart ("5" is not 5, a Date not its ISO text). */
function keyOf(values: readonly IndexedValue[], length: number): string {
  let key = "";
  for (let index = 0; index < length; index++) {
    const value = values[index];
    if (typeof value === "string") key += `s${value.length}:${value}`;
    else if (typeof value === "number") key += `n${value};`;
    else if (typeof value === "boolean" || value === null) key += `${value};`;
    else if (value instanceof Date) key += `d${value.getTime()};`;
    else key += `o${encode(value)};`;
  }
  return key;
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
