/**
 * The journal's group commit: the writes started in one synchronous run reach the file in one
 * write, no operation answers before its write is on file, and a failed write stops the journal.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openEmbeddedCollection } from "../../../src/store/index.js";
import { auditSchema } from "../../../src/store/schemas.js";
import { at, temporaryDirectory } from "../fixtures.js";

const writes = vi.hoisted(() => ({ count: 0, fail: false }));

vi.mock("node:fs", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:fs")>();
  return {
    ...original,
    appendFileSync: (...args: Parameters<typeof original.appendFileSync>) => {
      writes.count += 1;
      if (writes.fail) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      return original.appendFileSync(...args);
    },
  };
});

interface Entry {
  _id: string;
  tenantId: string;
  at: Date;
}

describe("embedded journal group commit", () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  let opened: ReturnType<typeof openEmbeddedCollection<Entry>>;
  const entry = (id: string): Entry => ({ _id: id, tenantId: "t1", at: at(1) });
  const fileText = () => fs.readFileSync(join(directory.path, "audit.jsonl"), "utf8");

  beforeEach(() => {
    directory = temporaryDirectory();
    writes.count = 0;
    writes.fail = false;
    opened = openEmbeddedCollection<Entry>("audit", auditSchema, { dataDir: directory.path });
  });

  afterEach(() => {
    writes.fail = false;
    opened.journal?.close();
    directory.remove();
  });

  it("writes operations started together in one write, and answers each only once it is on file", async () => {
    const { collection } = opened;
    const answered: string[] = [];
    const inserts = ["a", "b", "c"].map((id) =>
      collection.insertOne(entry(id)).then(() => answered.push(`${id}: ${fileText().includes(`"${id}"`)}`)),
    );
    // The synchronous run has not ended: nothing is on file and nothing has answered.
    expect(writes.count).toBe(0);
    expect(fileText()).toBe("");
    await Promise.all(inserts);
    expect(writes.count).toBe(1);
    expect(answered).toEqual(["a: true", "b: true", "c: true"]);
  });

  it("lets a read answer only after the writes before it are on file", async () => {
    const { collection } = opened;
    void collection.insertOne(entry("a"));
    const found = await collection.findOne({ _id: "a" });
    expect(found?._id).toBe("a");
    expect(fileText()).toContain('"a"');
  });

  it("stops after a failed write: the operations in it and every later one fail", async () => {
    const { collection } = opened;
    await collection.insertOne(entry("kept"));
    writes.fail = true;
    const lost = collection.insertOne(entry("lost"));
    await expect(lost).rejects.toThrow(/could not be written .*ENOSPC.*restart/);
    writes.fail = false;
    await expect(collection.insertOne(entry("later"))).rejects.toThrow(/could not be written/);
    await expect(collection.findOne({ _id: "kept" })).rejects.toThrow(/could not be written/);
    expect(fileText()).toContain('"kept"');
    expect(fileText()).not.toContain('"lost"');
  });

  it("writes what is pending when closed", async () => {
    const { collection, journal } = opened;
    void collection.insertOne(entry("last"));
    journal?.close();
    expect(fileText()).toContain('"last"');
  });
});
