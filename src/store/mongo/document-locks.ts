/**
 * One writer at a time per document, for servers whose updates are not atomic (ServerProfile.
 * nonAtomicUpdates). What such a server still does atomically is refuse a second document with
 * the same `_id`, so a lock is a document `{ _id: "<collection>:<id>" }` inserted before the
 * update and deleted after it. Every update of the collection takes the lock, so the server's
 * read-then-write runs alone and a compare-and-set has one winner again.
 *
 * A lock left by a process that died holding it is broken once its lease ran out. The lease is
 * far longer than one update takes; a holder stalled past it could overlap with the next one.
 */

import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { mongo } from "mongoose";

export const LOCK_COLLECTION = "duka_locks";

interface LockDocument {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export interface DocumentLocks {
  /** Runs `work` while holding the lock of document `id` in `collection`. */
  withLock<R>(collection: string, id: string, work: () => Promise<R>): Promise<R>;
}

export function createDocumentLocks(db: mongo.Db, options: { leaseMs?: number } = {}): DocumentLocks {
  const locks = db.collection<LockDocument>(LOCK_COLLECTION);
  const leaseMs = options.leaseMs ?? 30_000;

  async function acquire(key: string): Promise<string> {
    const owner = randomUUID();
    for (let attempt = 0; ; attempt++) {
      try {
        await locks.insertOne({ _id: key, owner, expiresAt: new Date(Date.now() + leaseMs) });
        return owner;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 11000) throw error;
      }
      await locks.deleteOne({ _id: key, expiresAt: { $lt: new Date() } });
      // The holder is one update away from letting go: retry soon, spread out, never spin.
      await delay(Math.min(2 + attempt, 20) * (0.5 + Math.random()));
    }
  }

  return {
    async withLock(collection, id, work) {
      const key = `${collection}:${id}`;
      const owner = await acquire(key);
      try {
        return await work();
      } finally {
        await locks.deleteOne({ _id: key, owner });
      }
    },
  };
}
