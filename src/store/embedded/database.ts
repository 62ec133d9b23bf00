/**
 * The embedded store's collections: memory only, or journaled under `dataDir` (one
 * `<collection>.jsonl` per collection). For development, demos and single-machine shops; one
 * process per data directory, since nothing coordinates two processes' writes.
 */

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Schema } from "mongoose";
import { type Collections, openCollections } from "../documents.js";
import type { CollectionName } from "../schemas.js";
import { EmbeddedCollection, type EmbeddedCollectionOptions } from "./collection.js";
import { Journal } from "./journal.js";

export interface EmbeddedDatabase {
  readonly collections: Collections;
  /** Closes the journals; later writes fail. */
  close(): void;
}

export interface EmbeddedDatabaseOptions extends Pick<EmbeddedCollectionOptions, "onUnindexedQuery"> {
  readonly dataDir?: string;
}

export function openEmbeddedDatabase(options: EmbeddedDatabaseOptions = {}): EmbeddedDatabase {
  const journals: Journal[] = [];
  const open = <T extends { _id: string }>(name: CollectionName, schema: Schema): EmbeddedCollection<T> => {
    const opened = openEmbeddedCollection<T>(name, schema, options);
    if (opened.journal) journals.push(opened.journal);
    return opened.collection;
  };
  const collections = openCollections(open);
  return {
    collections,
    close: () => {
      for (const journal of journals) journal.close();
    },
  };
}

/** One collection with `schema`'s indexes; journaled when `dataDir` is given. */
export function openEmbeddedCollection<T extends { _id: string }>(
  name: string,
  schema: Schema,
  { dataDir, onUnindexedQuery }: EmbeddedDatabaseOptions = {},
): { collection: EmbeddedCollection<T>; journal?: Journal } {
  const watch = onUnindexedQuery ? { onUnindexedQuery } : {};
  if (dataDir === undefined) return { collection: new EmbeddedCollection<T>(name, schema, watch) };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { journal, documents } = Journal.open(join(dataDir, `${name}.jsonl`));
  return {
    collection: new EmbeddedCollection<T>(name, schema, { ...watch, journal, documents: documents.values() }),
    journal,
  };
}
