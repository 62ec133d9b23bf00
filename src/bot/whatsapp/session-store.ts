/**
 * whatsapp-web.js's RemoteAuth `Store` over MongoDB GridFS, so the WhatsApp session survives a new
 * container. RemoteAuth zips the Chromium profile to `<dataPath>/<session>.zip` and calls `save`;
 * at start it calls `sessionExists` and `extract` to restore it.
 *
 * RemoteAuth calls `save` from a `setInterval` without catching: a rejection there would be an
 * unhandled rejection, which ends a Node process. So `save` and `delete` log and swallow their
 * errors; `sessionExists` and `extract` run inside `initialize()`, whose rejection the adapter
 * handles, so they throw.
 */

import { createReadStream, createWriteStream } from "node:fs";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mongoose, { type Connection } from "mongoose";
import type { Logger } from "pino";
import type * as WAWebJS from "whatsapp-web.js";
import { StoreUnavailableError } from "../../domain/errors.js";

/** The GridFS calls the store makes (a subset of the driver's `GridFSBucket`). */
export interface SessionBucket {
  find(filter: { filename: string }): { toArray(): Promise<{ _id: unknown; uploadDate: Date }[]> };
  openUploadStream(filename: string): Writable & { readonly id: unknown };
  /** The newest revision of that file. */
  openDownloadStreamByName(filename: string): Readable;
  delete(id: never): Promise<void>;
}

export interface GridFsSessionStoreOptions {
  readonly connection: Connection;
  /** RemoteAuth's dataPath: where it writes `<session>.zip` before calling `save`. */
  readonly dataPath: string;
  readonly logger: Logger;
  /** Default `whatsapp_sessions`. */
  readonly bucketName?: string;
}

export const SESSION_BUCKET = "whatsapp_sessions";

export function createGridFsSessionStore(options: GridFsSessionStoreOptions): WAWebJS.Store {
  const { connection } = options;
  return createSessionStore({
    dataPath: options.dataPath,
    logger: options.logger,
    async openBucket() {
      await connection.asPromise();
      if (!connection.db)
        throw new StoreUnavailableError("The MongoDB connection for the WhatsApp session is closed");
      return new mongoose.mongo.GridFSBucket(connection.db, {
        bucketName: options.bucketName ?? SESSION_BUCKET,
      }) as unknown as SessionBucket;
    },
  });
}

/** The store over any bucket; exported for tests, which use an in-memory bucket. */
export function createSessionStore(options: {
  readonly dataPath: string;
  readonly logger: Logger;
  readonly openBucket: () => Promise<SessionBucket>;
}): WAWebJS.Store {
  const { logger, openBucket } = options;
  const fileName = (session: string) => `${session}.zip`;

  async function revisions(bucket: SessionBucket, session: string) {
    const files = await bucket.find({ filename: fileName(session) }).toArray();
    return files.sort((a, b) => b.uploadDate.getTime() - a.uploadDate.getTime());
  }

  return {
    async sessionExists({ session }) {
      const bucket = await openBucket();
      return (await revisions(bucket, session)).length > 0;
    },

    async save({ session }) {
      try {
        const bucket = await openBucket();
        const upload = bucket.openUploadStream(fileName(session));
        await pipeline(createReadStream(path.join(options.dataPath, fileName(session))), upload);
        // Older revisions go only after the new one is complete, so a crash keeps one whole copy.
        for (const old of (await revisions(bucket, session)).filter(
          (file) => String(file._id) !== String(upload.id),
        )) {
          await bucket.delete(old._id as never);
        }
        logger.info({ session }, "whatsapp session saved to MongoDB");
      } catch (error) {
        logger.error({ err: error, session }, "whatsapp session could not be saved to MongoDB");
      }
    },

    async extract({ session, path: target }) {
      const bucket = await openBucket();
      await pipeline(bucket.openDownloadStreamByName(fileName(session)), createWriteStream(target));
    },

    async delete({ session }) {
      try {
        const bucket = await openBucket();
        for (const file of await revisions(bucket, session)) await bucket.delete(file._id as never);
      } catch (error) {
        logger.error({ err: error, session }, "whatsapp session could not be deleted from MongoDB");
      }
    },
  };
}
