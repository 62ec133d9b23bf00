import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createSessionStore, type SessionBucket } from "../../../src/bot/whatsapp/session-store.js";
import { captureLogs } from "../../helpers/logs.js";

interface StoredFile {
  readonly _id: number;
  readonly filename: string;
  readonly uploadDate: Date;
  readonly data: Buffer;
}

/** GridFS in memory: files appear when their upload stream finishes, like the driver's. */
function memoryBucket(): SessionBucket & { files: StoredFile[] } {
  const files: StoredFile[] = [];
  let nextId = 1;
  return {
    files,
    find: ({ filename }) => ({
      toArray: async () =>
        files
          .filter((file) => file.filename === filename)
          .map(({ _id, uploadDate }) => ({ _id, uploadDate })),
    }),
    openUploadStream(filename) {
      const id = nextId++;
      const chunks: Buffer[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
        final(done) {
          files.push({
            _id: id,
            filename,
            uploadDate: new Date(1_800_000_000_000 + id),
            data: Buffer.concat(chunks),
          });
          done();
        },
      });
      return Object.assign(stream, { id });
    },
    openDownloadStreamByName(filename) {
      const newest = files.filter((file) => file.filename === filename).at(-1);
      if (!newest) {
        return new Readable({
          read() {
            this.destroy(new Error(`FileNotFound: file ${filename} was not found`));
          },
        });
      }
      return Readable.from([newest.data]);
    },
    async delete(id: never) {
      const index = files.findIndex((file) => file._id === (id as number));
      if (index < 0) throw new Error(`FileNotFound: no file with id ${String(id)}`);
      files.splice(index, 1);
    },
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup() {
  const dataPath = await mkdtemp(join(tmpdir(), "duka-wa-session-"));
  cleanups.push(() => rm(dataPath, { recursive: true, force: true }));
  const bucket = memoryBucket();
  const logs = captureLogs("debug");
  const store = createSessionStore({ dataPath, logger: logs.logger, openBucket: async () => bucket });
  return { dataPath, bucket, logs, store };
}

describe("the RemoteAuth session store over GridFS", () => {
  it("saves the zip RemoteAuth wrote, keeps only the newest copy, and restores it", async () => {
    const { dataPath, bucket, store } = await setup();
    expect(await store.sessionExists({ session: "RemoteAuth" })).toBe(false);

    await writeFile(join(dataPath, "RemoteAuth.zip"), "first");
    await store.save({ session: "RemoteAuth" });
    await writeFile(join(dataPath, "RemoteAuth.zip"), "second");
    await store.save({ session: "RemoteAuth" });

    expect(await store.sessionExists({ session: "RemoteAuth" })).toBe(true);
    expect(bucket.files.map((file) => [file.filename, file.data.toString()])).toEqual([
      ["RemoteAuth.zip", "second"],
    ]);
    const target = join(dataPath, "restored.zip");
    await store.extract({ session: "RemoteAuth", path: target });
    expect(await readFile(target, "utf8")).toBe("second");
  });

  it("keeps sessions of different clients apart and deletes one", async () => {
    const { dataPath, store } = await setup();
    await writeFile(join(dataPath, "RemoteAuth-shop1.zip"), "one");
    await writeFile(join(dataPath, "RemoteAuth-shop2.zip"), "two");
    await store.save({ session: "RemoteAuth-shop1" });
    await store.save({ session: "RemoteAuth-shop2" });
    await store.delete({ session: "RemoteAuth-shop1" });
    expect(await store.sessionExists({ session: "RemoteAuth-shop1" })).toBe(false);
    expect(await store.sessionExists({ session: "RemoteAuth-shop2" })).toBe(true);
  });

  it("logs a failed save instead of rejecting (RemoteAuth saves from a timer)", async () => {
    const { store, logs, bucket } = await setup();
    await expect(store.save({ session: "RemoteAuth" })).resolves.toBeUndefined();
    expect(logs.text()).toContain("could not be saved");
    expect(bucket.files.filter((file) => file.data.length > 0)).toEqual([]);
  });

  it("rejects when asked to restore a session it does not have (initialize fails, the adapter retries)", async () => {
    const { dataPath, store } = await setup();
    await expect(store.extract({ session: "RemoteAuth", path: join(dataPath, "x.zip") })).rejects.toThrow(
      /FileNotFound/,
    );
  });
});
