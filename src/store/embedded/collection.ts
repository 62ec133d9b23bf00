/**
 * A collection held in memory (optionally journaled), queried with the same filter and update
 * documents the MongoDB backend sends, executed by mingo. Every operation runs to completion
 * synchronously inside its promise, so each one is atomic with respect to every other: that
 * is what makes compare-and-set filters safe here without locks. Its answer then waits for the
 * journal's group commit. A refused updateMany changes
 * nothing here, where MongoDB may have applied part of it: callers rely on neither.
 */

import type { Schema } from "mongoose";
import { DuplicateKeyError, InternalError, UnreadableDataError } from "../../domain/errors.js";
import { filterQuery } from "../filter-query.js";
import type { Collection, Filter, FindOptions, Update } from "../types.js";
import { cloneDocument } from "./clone.js";
import { type EqualityIndex, equalityIndexesOf } from "./equality-index.js";
import type { Journal, JournalRecord } from "./journal.js";
import { type UniqueIndex, uniqueIndexesOf } from "./unique-index.js";
import { applyUpdate, upsertDocument } from "./update.js";

export interface EmbeddedCollectionOptions {
  /** Where writes are appended; memory only when omitted. */
  readonly journal?: Journal;
  /** Documents replayed from the journal. */
  readonly documents?: Iterable<{ _id: string }>;
  /**
   * Told of every query that no declared index serves (it reads every document, so its cost
   * grows with the collection). Tests fail on it; the service logs it.
   */
  readonly onUnindexedQuery?: (collection: string, filter: Filter) => void;
}

/** A document's state before and after one write; `undefined` on the missing side. */
interface Change<T> {
  readonly before?: T;
  readonly after?: T;
}

export class EmbeddedCollection<T extends { _id: string }> implements Collection<T> {
  private readonly documents = new Map<string, T>();
  private readonly indexes: readonly UniqueIndex[];
  private readonly lookups: readonly EqualityIndex[];
  private readonly journal: Journal | undefined;
  private readonly onUnindexedQuery: EmbeddedCollectionOptions["onUnindexedQuery"];

  constructor(
    readonly name: string,
    schema: Schema,
    options: EmbeddedCollectionOptions = {},
  ) {
    this.indexes = uniqueIndexesOf(schema);
    this.lookups = equalityIndexesOf(schema, () => this.documents.values());
    this.journal = options.journal;
    this.onUnindexedQuery = options.onUnindexedQuery;
    for (const doc of options.documents ?? []) {
      this.documents.set(doc._id, doc as T);
      for (const lookup of this.lookups) lookup.add(doc);
      for (const index of this.indexes) {
        // Possible when a unique index is declared over data written before it existed;
        // MongoDB refuses to build such an index too.
        const owner = index.ownerOf(doc);
        if (owner !== undefined) {
          throw new UnreadableDataError(
            `The stored ${name} documents ${owner} and ${doc._id} share the unique key ${JSON.stringify(index.keyOf(doc))}; remove one of them from the journal`,
          );
        }
        index.add(doc);
      }
    }
  }

  async insertOne(doc: T): Promise<void> {
    this.commit([{ after: cloneDocument(doc) }]);
    await this.durable();
  }

  async findOne(filter: Filter, options: Pick<FindOptions, "sort"> = {}): Promise<T | null> {
    const [found] = this.select(filter, { ...options, limit: 1 });
    const copy = found === undefined ? null : cloneDocument(found);
    await this.durable();
    return copy;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    const copies = this.select(filter, options).map(cloneDocument);
    await this.durable();
    return copies;
  }

  async countDocuments(filter: Filter): Promise<number> {
    const count = this.select(filter, {}).length;
    await this.durable();
    return count;
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<T | null> {
    const result = this.updateOne(filter, update, options);
    await this.durable();
    return result;
  }

  async updateMany(filter: Filter, update: Update): Promise<number> {
    const modifier = cloneDocument(update);
    const changes: Change<T>[] = [];
    for (const before of this.select(filter, {})) {
      const after = cloneDocument(before);
      if (applyUpdate(after, modifier)) changes.push({ before, after });
    }
    this.commit(changes);
    await this.durable();
    return changes.length;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const changes = this.select(filter, {}).map((before) => ({ before }));
    this.commit(changes);
    await this.durable();
    return changes.length;
  }

  /**
   * Operations run whole and at once, so each is atomic with respect to every other; only the
   * answer waits for the journal, reads included, so nothing is acknowledged, or seen by a
   * caller, before it is on file.
   */
  private durable(): Promise<void> {
    return this.journal?.written() ?? Promise.resolve();
  }

  private updateOne(filter: Filter, update: Update, options: { upsert?: boolean }): T | null {
    const modifier = cloneDocument(update);
    const [before] = this.select(filter, { limit: 1 });
    if (before !== undefined) {
      const after = cloneDocument(before);
      if (applyUpdate(after, modifier)) this.commit([{ before, after }]);
      return cloneDocument(after);
    }
    if (!options.upsert) return null;
    const inserted = upsertDocument(filter, modifier);
    if (typeof inserted._id !== "string") {
      throw new InternalError(`An upsert into ${this.name} needs a string _id in the filter or the update`);
    }
    this.commit([{ after: inserted as T }]);
    return cloneDocument(inserted as T);
  }

  private select(filter: Filter, options: FindOptions): T[] {
    const query = filterQuery(filter);
    const skip = options.skip ?? 0;
    // As in MongoDB, a limit of 0 means none. Unsorted, the first matches are the answer.
    const enough = !options.sort && options.limit ? skip + options.limit : Number.POSITIVE_INFINITY;
    const matched: T[] = [];
    for (const doc of this.candidates(filter)) {
      if (!query.test(doc)) continue;
      matched.push(doc);
      if (matched.length >= enough) break;
    }
    if (!options.sort) return matched.slice(skip, options.limit ? skip + options.limit : undefined);
    // mingo's cursor sorts as MongoDB does (types, missing fields, dotted paths).
    let cursor = filterQuery({}).find<T>(matched).sort(options.sort);
    if (skip) cursor = cursor.skip(skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all();
  }

  /**
   * How a query would read this collection, as MongoDB's explain tells: through the `_id`, through
   * the declared index fixing the most leading fields by equality, or by scanning every document;
   * and how many documents it would examine.
   */
  explain(filter: Filter): { readonly using: "_id" | readonly string[] | "scan"; readonly examined: number } {
    const plan = this.plan(filter);
    return { using: plan.using, examined: [...plan.candidates].length };
  }

  /** The query still checks the whole filter on each candidate. */
  private plan(filter: Filter): { using: "_id" | readonly string[] | "scan"; candidates: Iterable<T> } {
    if (typeof filter._id === "string") {
      const found = this.documents.get(filter._id);
      return { using: "_id", candidates: found === undefined ? [] : [found] };
    }
    let best: { lookup: EqualityIndex; values: ReturnType<EqualityIndex["usableBy"]> } | undefined;
    for (const lookup of this.lookups) {
      const values = lookup.usableBy(filter);
      if (values.length > (best?.values.length ?? 0)) best = { lookup, values };
    }
    if (best)
      return { using: best.lookup.fields, candidates: this.documentsOf(best.lookup.lookup(best.values)) };
    return { using: "scan", candidates: this.documents.values() };
  }

  private candidates(filter: Filter): Iterable<T> {
    const { using, candidates } = this.plan(filter);
    if (using === "scan" && Object.keys(filter).length > 0) this.onUnindexedQuery?.(this.name, filter);
    return candidates;
  }

  private *documentsOf(ids: Iterable<string>): Iterable<T> {
    for (const id of ids) {
      const doc = this.documents.get(id);
      if (doc !== undefined) yield doc;
    }
  }

  /**
   * Checks every unique index for the whole batch first, so a refused write changes nothing;
   * then journals the batch and applies it.
   */
  private commit(changes: readonly Change<T>[]): void {
    if (changes.length === 0) return;
    this.assertUnique(changes);
    this.journal?.append(changes.map(toRecord));
    for (const { before, after } of changes) {
      for (const index of [...this.indexes, ...this.lookups]) {
        if (before) index.remove(before);
        if (after) index.add(after);
      }
      if (after) this.documents.set(after._id, after);
      else if (before) this.documents.delete(before._id);
    }
  }

  private assertUnique(changes: readonly Change<T>[]): void {
    for (const { before, after } of changes) {
      // Updates cannot change _id: mingo refuses any update path on it, as MongoDB does.
      if (after && !before && this.documents.has(after._id)) {
        throw new DuplicateKeyError(this.name, { _id: after._id });
      }
    }
    // Documents this batch rewrites give up their current keys; a key another document of
    // the batch takes over is only a conflict if two new versions claim it.
    const rewritten = new Set(changes.flatMap(({ before }) => (before ? [before._id] : [])));
    for (const index of this.indexes) {
      const claimed = new Set<string>();
      for (const { after } of changes) {
        if (!after) continue;
        const hash = index.hash(after);
        const owner = index.ownerOf(after);
        if (claimed.has(hash) || (owner !== undefined && !rewritten.has(owner))) {
          throw new DuplicateKeyError(this.name, index.keyOf(after));
        }
        claimed.add(hash);
      }
    }
  }
}

function toRecord<T extends { _id: string }>({ before, after }: Change<T>): JournalRecord {
  if (after) return { op: "put", doc: after };
  return { op: "del", _id: before!._id };
}
