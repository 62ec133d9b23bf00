/**
 * The WhatsApp RemoteAuth store on the real GridFS of the server MONGODB_URI names (skipped
 * without it; session-store.test.ts covers the store's logic over an in-memory bucket).
 */

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mongoose, { type Connection } from "mongoose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGridFsSessionStore, SESSION_BUCKET } from "../../../src/bot/whatsapp/session-store.js";
import { newId } from "../../../src/domain/ids.js";
import { captureLogs } from "../../helpers/logs.js";

describe.skipIf(!process.env.MONGODB_URI)("whatsapp session store on GridFS", () => {
  let connection: Connection;
  let dataPath: string;

  beforeEach(async () => {
    const uri = new URL(process.env.MONGODB_URI!);
    uri.pathname = `/duka_test_wa_${newId("ob").slice(3, 15)}`;
    connection = await mongoose.createConnection(uri.toString()).asPromise();
    dataPath = await mkdtemp(join(tmpdir(), "duka-wa-gridfs-"));
  });

  afterEach(async () => {
    await connection.dropDatabase();
    await connection.close();
    await rm(dataPath, { recursive: true, force: true });
  });

  it("saves, keeps only the newest revision, restores it and deletes it", async () => {
    const logs = captureLogs("debug");
    const store = createGridFsSessionStore({ connection, dataPath, logger: logs.logger });
    const zip = join(dataPath, "RemoteAuth.zip");
    expect(await store.sessionExists({ session: "RemoteAuth" })).toBe(false);

    await writeFile(zip, Buffer.alloc(300_000, 1));
    await store.save({ session: "RemoteAuth" });
    // Larger than one GridFS chunk (255 kB), so the restore reassembles chunks.
    const newest = Buffer.concat([Buffer.alloc(200_000, 2), Buffer.alloc(200_000, 3)]);
    await writeFile(zip, newest);
    await store.save({ session: "RemoteAuth" });

    expect(await store.sessionExists({ session: "RemoteAuth" })).toBe(true);
    expect(await connection.collection(`${SESSION_BUCKET}.files`).countDocuments({})).toBe(1);
    const restored = join(dataPath, "restored.zip");
    await store.extract({ session: "RemoteAuth", path: restored });
    expect((await readFile(restored)).equals(newest)).toBe(true);

    await store.delete({ session: "RemoteAuth" });
    expect(await store.sessionExists({ session: "RemoteAuth" })).toBe(false);
    expect(logs.text()).not.toContain("could not");
  });
});
