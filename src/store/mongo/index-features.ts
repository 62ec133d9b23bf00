/**
 * Index options some MongoDB-wire servers refuse (FerretDB 1.x answers code 238, NotImplemented,
 * naming the option, e.g. "expireAfterSeconds"). Duka learns which ones from the
 * server's answer while syncing indexes, builds the index without the option, and takes over what
 * the option did. On MongoDB every option is accepted and nothing here runs.
 */

import mongoose, { type Schema } from "mongoose";

/** The options Duka can do without, and how it makes up for each. */
const FALLBACKS = {
  expireAfterSeconds: {
    feature: "TTL indexes",
    fallback: "a plain index, and a maintenance job deletes expired documents (store.expire)",
  },
} as const;

export type IndexOption = keyof typeof FALLBACKS;

const NOT_IMPLEMENTED = 238;

/** The index option the server refused (code 238), if Duka has a fallback for it. */
export function refusedIndexOption(error: unknown): IndexOption | undefined {
  if (!(error instanceof mongoose.mongo.MongoServerError) || error.code !== NOT_IMPLEMENTED) return undefined;
  return (Object.keys(FALLBACKS) as IndexOption[]).find((option) => error.message.includes(`"${option}"`));
}

export function describeFallback(option: IndexOption): { feature: string; fallback: string } {
  return FALLBACKS[option];
}

/** `schema` with `refused` left out of its indexes' options; the schema itself when none use them. */
export function withoutIndexOptions(schema: Schema, refused: ReadonlySet<IndexOption>): Schema {
  const indexes = schema.indexes();
  if (!indexes.some(([, options]) => usesAny(options, refused))) return schema;
  const adapted = schema.clone();
  adapted.clearIndexes();
  for (const [fields, options] of indexes) {
    const kept = Object.fromEntries(
      Object.entries(options ?? {}).filter(([name]) => !refused.has(name as IndexOption)),
    );
    adapted.index(fields, kept);
  }
  return adapted;
}

function usesAny(options: object | undefined, refused: ReadonlySet<IndexOption>): boolean {
  return Object.keys(options ?? {}).some((name) => refused.has(name as IndexOption));
}
