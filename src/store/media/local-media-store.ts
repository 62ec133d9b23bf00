/**
 * Media in a local directory: `<id>` holds the bytes and `<id>.json` the mime type and tenant.
 * Both are written to a temporary name and renamed, the sidecar last, so a file without its
 * sidecar is an interrupted write and reads as absent.
 */

import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MediaStore, StoredMedia } from "../types.js";
import { assertMediaId, newMediaId } from "./media-id.js";

interface Sidecar {
  readonly tenantId: string;
  readonly mimeType: string;
}

export function createLocalMediaStore(directory: string): MediaStore {
  const pathOf = (mediaId: string) => {
    assertMediaId(mediaId);
    return join(directory, mediaId);
  };
  return {
    async put(tenantId, bytes, mimeType) {
      const mediaId = newMediaId();
      const path = pathOf(mediaId);
      await mkdir(directory, { recursive: true, mode: 0o700 });
      const sidecar: Sidecar = { tenantId, mimeType };
      await writeAtomically(path, bytes);
      await writeAtomically(`${path}.json`, JSON.stringify(sidecar));
      return mediaId;
    },
    async get(mediaId): Promise<StoredMedia | null> {
      const path = pathOf(mediaId);
      const sidecar = await readIfExists(`${path}.json`);
      if (sidecar === null) return null;
      const bytes = await readIfExists(path);
      if (bytes === null) return null;
      const { mimeType } = JSON.parse(sidecar.toString("utf8")) as Sidecar;
      return { bytes, mimeType };
    },
  };
}

async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, data, { mode: 0o600, flush: true });
  await rename(temporary, path);
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
