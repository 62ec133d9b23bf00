import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JournalCorruptError } from "../../../src/store/embedded/journal.js";
import { openEmbeddedCollection } from "../../../src/store/index.js";
import { auditSchema, conversationSchema } from "../../../src/store/schemas.js";
import { at, temporaryDirectory } from "../fixtures.js";

interface Entry {
  _id: string;
  tenantId: string;
  at: Date;
  detail?: { seenAt?: Date; count?: number };
}

describe("embedded journal", () => {
  let directory: ReturnType<typeof temporaryDirectory>;
  let path: string;
  const opened: { journal?: { close(): void } }[] = [];

  const open = () => {
    const collection = openEmbeddedCollection<Entry>("audit", auditSchema, { dataDir: directory.path });
    opened.push(collection);
    return collection;
  };
  const lines = () =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as unknown);

  beforeEach(() => {
    directory = temporaryDirectory();
    path = join(directory.path, "audit.jsonl");
  });

  afterEach(() => {
    for (const { journal } of opened.splice(0)) journal?.close();
    directory.remove();
  });

  it("appends a put per write and a del per delete, Dates tagged", async () => {
    const { collection } = open();
    await collection.insertOne({ _id: "a", tenantId: "t1", at: at(1) });
    await collection.findOneAndUpdate({ _id: "a" }, { $set: { detail: { seenAt: at(2) } } });
    await collection.deleteMany({ _id: "a" });
    expect(lines()).toEqual([
      { op: "put", doc: { _id: "a", tenantId: "t1", at: { $date: at(1).toISOString() } } },
      {
        op: "put",
        doc: {
          _id: "a",
          tenantId: "t1",
          at: { $date: at(1).toISOString() },
          detail: { seenAt: { $date: at(2).toISOString() } },
        },
      },
      { op: "del", _id: "a" },
    ]);
  });

  it("replays at open with Dates intact, then compacts to one put per document", async () => {
    const first = open();
    await first.collection.insertOne({ _id: "a", tenantId: "t1", at: at(1), detail: { count: 1 } });
    await first.collection.insertOne({ _id: "b", tenantId: "t1", at: at(2) });
    await first.collection.insertOne({ _id: "c", tenantId: "t1", at: at(3) });
    await first.collection.findOneAndUpdate(
      { _id: "a" },
      { $inc: { "detail.count": 1 }, $set: { "detail.seenAt": at(4) } },
    );
    await first.collection.deleteMany({ _id: "b" });
    first.journal?.close();
    expect(lines()).toHaveLength(5);

    const { collection } = open();
    const replayed = await collection.find({}, { sort: { at: 1 } });
    expect(replayed).toEqual([
      { _id: "a", tenantId: "t1", at: at(1), detail: { count: 2, seenAt: at(4) } },
      { _id: "c", tenantId: "t1", at: at(3) },
    ]);
    expect(replayed[0]!.detail!.seenAt).toBeInstanceOf(Date);
    expect(lines()).toEqual([
      expect.objectContaining({ op: "put", doc: expect.objectContaining({ _id: "a" }) }),
      expect.objectContaining({ op: "put", doc: expect.objectContaining({ _id: "c" }) }),
    ]);
  });

  it("drops a write a crash cut short, and appends cleanly after it", async () => {
    const first = open();
    await first.collection.insertOne({ _id: "a", tenantId: "t1", at: at(1) });
    first.journal?.close();
    appendFileSync(path, '{"op":"put","doc":{"_id":"b","tenantId":"t1","at":{"$da');

    const second = open();
    expect(await second.collection.countDocuments({})).toBe(1);
    await second.collection.insertOne({ _id: "c", tenantId: "t1", at: at(3) });
    second.journal?.close();

    const { collection } = open();
    expect((await collection.find({})).map((entry) => entry._id)).toEqual(["a", "c"]);
  });

  it("refuses to open a journal damaged in the middle", () => {
    writeFileSync(path, '{"op":"put","doc":{"_id":"a"}}\nnot json\n{"op":"del","_id":"a"}\n');
    expect(() => open()).toThrow(JournalCorruptError);
    expect(() => open()).toThrow(/line 2/);
  });

  it("refuses writes once closed, keeping memory and disk in step", async () => {
    const { collection, journal } = open();
    journal?.close();
    await expect(collection.insertOne({ _id: "a", tenantId: "t1", at: at(1) })).rejects.toThrow(/closed/);
    expect(await collection.countDocuments({})).toBe(0);
  });

  it("refuses to open documents that break a unique index", () => {
    const conversation = (id: string) => ({
      op: "put",
      doc: { _id: id, tenantId: "t1", channel: "telegram", chatId: "1", state: {}, version: 1 },
    });
    writeFileSync(
      join(directory.path, "conversations.jsonl"),
      `${JSON.stringify(conversation("a"))}\n${JSON.stringify(conversation("b"))}\n`,
    );
    expect(() =>
      openEmbeddedCollection("conversations", conversationSchema, { dataDir: directory.path }),
    ).toThrow(/share the unique key/);
  });
});
