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
import { EmbeddedCollection } from "./collection.js";
import { Journal } from "./journal.js";

export interface EmbeddedDatabase {
  readonly collections: Collections;
  /** Closes the journals; later writes fail. */
  close(): void;
}

export function openEmbeddedDatabase(options: { dataDir?: string } = {}): EmbeddedDatabase {
  const journals: Journal[] = [];
  const open = <T extends { _id: string }>(name: CollectionName, schema: Schema): EmbeddedCollection<T> => {
    const opened = openEmbeddedCollection<T>(name, schema, options.dataDir);
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

/** One collection enforcing `schema`'s unique indexes; journaled when `dataDir` is given. */
export function openEmbeddedCollection<T extends { _id: string }>(
  name: string,
  schema: Schema,
  dataDir?: string,
): { collection: EmbeddedCollection<T>; journal?: Journal } {
  if (dataDir === undefined) return { collection: new EmbeddedCollection<T>(name, schema) };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const { journal, documents } = Journal.open(join(dataDir, `${name}.jsonl`));
  return {
    collection: new EmbeddedCollection<T>(name, schema, { journal, documents: documents.values() }),
    journal,
  };
}
