/** Media in GridFS next to the other collections: filename = media id, metadata = tenant and type. */

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import mongoose, { type Connection } from "mongoose";
import { StoreUnavailableError } from "../../domain/errors.js";
import { toStoreError } from "../mongo/errors.js";
import type { MediaStore, StoredMedia } from "../types.js";
import { assertMediaId, newMediaId } from "./media-id.js";

const BUCKET = "media";

export function createGridFsMediaStore(connection: Connection): MediaStore {
  const bucket = () => {
    if (!connection.db) throw new StoreUnavailableError("The MongoDB connection is closed");
    return new mongoose.mongo.GridFSBucket(connection.db, { bucketName: BUCKET });
  };
  const run = async <R>(operation: () => Promise<R>): Promise<R> => {
    try {
      return await operation();
    } catch (error) {
      throw toStoreError(BUCKET, error);
    }
  };
  return {
    put: (tenantId, bytes, mimeType) =>
      run(async () => {
        const mediaId = newMediaId();
        const upload = bucket().openUploadStream(mediaId, { metadata: { tenantId, mimeType } });
        await pipeline(Readable.from([bytes]), upload);
        return mediaId;
      }),
    get: async (mediaId): Promise<StoredMedia | null> => {
      assertMediaId(mediaId);
      return run(async () => {
        const files = bucket();
        const file = await files.find({ filename: mediaId }, { limit: 1 }).next();
        if (!file) return null;
        const chunks: Buffer[] = [];
        for await (const chunk of files.openDownloadStream(file._id)) chunks.push(chunk as Buffer);
        return {
          bytes: Buffer.concat(chunks),
          mimeType: String(file.metadata?.mimeType ?? "application/octet-stream"),
        };
      });
    },
  };
}
