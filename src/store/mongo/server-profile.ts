/**
 * What the server at the other end of the wire does unlike MongoDB, as far as Duka relies on it.
 * These differences raise no error Duka could learn from (a lost update looks like two successes),
 * so they are read from the server's own `buildInfo`: FerretDB adds `ferretdbVersion` to it.
 * (Index options it lacks are learned from its refusals; see index-features.ts. FerretDB 1.x's
 * are known beforehand too, because learning one costs the index: syncing first drops the plain
 * index a previous start built, live, and under load FerretDB may then refuse to build it again.)
 */

import type { mongo } from "mongoose";
import type { IndexOption } from "./index-features.js";

export interface ServerProfile {
  /** e.g. "MongoDB 7.0.5", "FerretDB v1.24.2". */
  readonly name: string;
  /**
   * Updates read the document, then write it back without a transaction (FerretDB 1.x, see
   * FerretDB issue #3040): two compare-and-sets on one document can both succeed.
   */
  readonly nonAtomicUpdates: boolean;
  /**
   * Arrays directly inside arrays ("nested arrays are not supported") and field names with a "."
   * ("key must not contain '.' sign") are refused, both allowed by MongoDB 5 and later.
   */
  readonly limitedDocuments: boolean;
  /**
   * Only an `_id` condition reaches the storage (FerretDB 1.x on SQLite): a filter with any other
   * condition reads and decodes the whole collection, ~40 times slower at a thousand documents.
   * (By `_id` it searches the index only in the build `.ci/ferretdb` makes.)
   */
  readonly scansUnlessOnlyId: boolean;
  /** Index options the server is known to refuse (FerretDB 1.x: TTL indexes). */
  readonly refusedIndexOptions: readonly IndexOption[];
}

export async function readServerProfile(db: mongo.Db): Promise<ServerProfile> {
  const info = await db.admin().command({ buildInfo: 1 });
  const ferretdb = typeof info.ferretdbVersion === "string" ? info.ferretdbVersion : undefined;
  if (ferretdb === undefined) {
    return {
      name: `MongoDB ${String(info.version)}`,
      nonAtomicUpdates: false,
      limitedDocuments: false,
      scansUnlessOnlyId: false,
      refusedIndexOptions: [],
    };
  }
  // FerretDB 2 runs on Microsoft's DocumentDB extension, which has neither limit.
  const v1 = /^v?1\./.test(ferretdb);
  return {
    name: `FerretDB ${ferretdb}`,
    nonAtomicUpdates: v1,
    limitedDocuments: v1,
    scansUnlessOnlyId: v1,
    refusedIndexOptions: v1 ? ["expireAfterSeconds"] : [],
  };
}
