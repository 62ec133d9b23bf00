/**
 * The Collection contract itself, below the repositories: the MongoDB semantics the embedded
 * engine must reproduce (unique indexes over dotted paths, missing fields as null, upserts,
 * operators, sort/skip/limit, copies in and out).
 */

import { join } from "node:path";
import mongoose, { Schema } from "mongoose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DuplicateKeyError } from "../../src/domain/errors.js";
import { createMongoCollection, openEmbeddedCollection } from "../../src/store/index.js";
import type { Collection } from "../../src/store/types.js";
import { at, MONGO_SERVER, MONGO_UNIQUE_SEMANTICS, temporaryDirectory } from "./fixtures.js";

interface Thing {
  _id: string;
  tenantId: string;
  owner?: { chatId?: string; name?: string };
  n?: number;
  tags?: string[];
  at?: Date;
  note?: string;
}

const thingSchema = new Schema(
  {
    _id: String,
    tenantId: String,
    owner: { chatId: String, name: String },
    n: Number,
    tags: [String],
    at: Date,
    note: String,
  },
  { versionKey: false },
);
thingSchema.index({ tenantId: 1, "owner.chatId": 1 }, { unique: true });
// A plain index over an array field (MongoDB indexes each element) and a number.
thingSchema.index({ tags: 1, n: 1 });

interface CollectionHarness {
  open(): Promise<Collection<Thing>>;
  dispose(): Promise<void>;
}

const backends: { name: string; uniqueLikeMongo: boolean; create(): CollectionHarness }[] = [
  {
    name: "embedded (memory)",
    uniqueLikeMongo: true,
    create: () => ({
      open: async () => openEmbeddedCollection<Thing>("things", thingSchema).collection,
      dispose: async () => undefined,
    }),
  },
  {
    name: "embedded (dataDir)",
    uniqueLikeMongo: true,
    create: () => {
      const directory = temporaryDirectory();
      let close = () => {};
      return {
        open: async () => {
          const opened = openEmbeddedCollection<Thing>("things", thingSchema, {
            dataDir: join(directory.path, "data"),
          });
          close = () => opened.journal?.close();
          return opened.collection;
        },
        dispose: async () => {
          close();
          directory.remove();
        },
      };
    },
  },
];

// No MongoDB server can run on the build and CI machines; MONGODB_URI enables this backend.
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  backends.push({
    name: MONGO_SERVER ?? "mongodb",
    // See MONGO_UNIQUE_SEMANTICS: FerretDB 1.x names no key and does not count a missing field as null.
    uniqueLikeMongo: MONGO_UNIQUE_SEMANTICS,
    create: () => {
      const uri = new URL(mongoUri);
      uri.pathname = `/duka_test_things_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const connection = mongoose.createConnection(uri.toString());
      return {
        open: async () => {
          await connection.asPromise();
          const model = connection.model<Thing>("things", thingSchema, "things");
          await model.syncIndexes();
          return createMongoCollection<Thing>(model);
        },
        dispose: async () => {
          await connection.dropDatabase();
          await connection.close();
        },
      };
    },
  });
}

describe.each(backends)("collection: $name", (backend) => {
  let harness: CollectionHarness;
  let things: Collection<Thing>;

  beforeEach(async () => {
    harness = backend.create();
    things = await harness.open();
  });

  afterEach(async () => {
    await harness.dispose();
  });

  describe("unique indexes", () => {
    it("enforces a compound unique index over a dotted path", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" } });
      await things.insertOne({ _id: "b", tenantId: "t2", owner: { chatId: "1" } });
      await things.insertOne({ _id: "c", tenantId: "t1", owner: { chatId: "2" } });
      const error = await things
        .insertOne({ _id: "d", tenantId: "t1", owner: { chatId: "1", name: "x" } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      expect(error).toMatchObject({ collection: "things" });
      if (backend.uniqueLikeMongo) {
        expect(error).toMatchObject({ key: { tenantId: "t1", "owner.chatId": "1" } });
      }
      expect(await things.countDocuments({})).toBe(3);
    });

    it.runIf(backend.uniqueLikeMongo)("counts a missing field as null", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1" });
      await expect(things.insertOne({ _id: "b", tenantId: "t1", owner: {} })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await expect(things.insertOne({ _id: "b", tenantId: "t1", n: 1 })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      await things.insertOne({ _id: "b", tenantId: "t2" });
      expect(await things.countDocuments({})).toBe(2);
    });

    it("refuses a duplicate _id", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" } });
      const error = await things
        .insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "2" } })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      expect(await things.findOne({ _id: "a" })).toMatchObject({ owner: { chatId: "1" } });
    });

    it("refuses an update that would break an index, changing nothing", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" }, n: 1 });
      await things.insertOne({ _id: "b", tenantId: "t1", owner: { chatId: "2" }, n: 1 });
      await expect(
        things.findOneAndUpdate({ _id: "b" }, { $set: { "owner.chatId": "1", n: 2 } }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(things.updateMany({ _id: "b" }, { $unset: { owner: "" } })).resolves.toBe(1);
      if (backend.uniqueLikeMongo) {
        await expect(things.updateMany({ _id: "a" }, { $unset: { owner: "" } })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
      }
      expect(await things.findOne({ _id: "a" })).toEqual({
        _id: "a",
        tenantId: "t1",
        owner: { chatId: "1" },
        n: 1,
      });
      expect(await things.findOne({ _id: "b" })).toEqual({ _id: "b", tenantId: "t1", n: 1 });
    });

    it("frees a key when its document moves off it or is deleted", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" } });
      await things.findOneAndUpdate({ _id: "a" }, { $set: { "owner.chatId": "9" } });
      await things.insertOne({ _id: "b", tenantId: "t1", owner: { chatId: "1" } });
      expect(await things.deleteMany({ _id: "b" })).toBe(1);
      await things.insertOne({ _id: "c", tenantId: "t1", owner: { chatId: "1" } });
      expect(await things.countDocuments({ tenantId: "t1" })).toBe(2);
    });
  });

  describe("updates", () => {
    it("applies $set, $unset, $inc and $push and returns the document after", async () => {
      await things.insertOne({
        _id: "a",
        tenantId: "t1",
        owner: { chatId: "1", name: "x" },
        n: 1,
        tags: ["p"],
      });
      const after = await things.findOneAndUpdate(
        { _id: "a" },
        {
          $set: { at: at(3), note: "hi" },
          $unset: { "owner.name": "" },
          $inc: { n: 2 },
          $push: { tags: "q" },
        },
      );
      const expected = {
        _id: "a",
        tenantId: "t1",
        owner: { chatId: "1" },
        n: 3,
        tags: ["p", "q"],
        at: at(3),
        note: "hi",
      };
      expect(after).toEqual(expected);
      expect(after!.at).toBeInstanceOf(Date);
      expect(await things.findOne({ _id: "a" })).toEqual(expected);
    });

    it("returns null and changes nothing when nothing matches", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", n: 1 });
      expect(await things.findOneAndUpdate({ _id: "a", n: 2 }, { $inc: { n: 1 } })).toBeNull();
      expect(await things.findOne({ _id: "a" })).toMatchObject({ n: 1 });
    });

    it("upserts from the filter's equalities, $set and $setOnInsert", async () => {
      const inserted = await things.findOneAndUpdate(
        { _id: "a", tenantId: "t1", "owner.chatId": "7", n: { $gte: 0 } },
        { $set: { note: "set" }, $setOnInsert: { at: at(1) }, $inc: { n: 1 } },
        { upsert: true },
      );
      expect(inserted).toEqual({
        _id: "a",
        tenantId: "t1",
        owner: { chatId: "7" },
        note: "set",
        at: at(1),
        n: 1,
      });

      const updated = await things.findOneAndUpdate(
        { _id: "a", tenantId: "t1" },
        { $set: { note: "again" }, $setOnInsert: { at: at(2) }, $inc: { n: 1 } },
        { upsert: true },
      );
      expect(updated).toEqual({ ...inserted, note: "again", n: 2 });
      expect(await things.countDocuments({})).toBe(1);
    });

    it("refuses an upsert that would break a unique index", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" } });
      await expect(
        things.findOneAndUpdate(
          { _id: "b" },
          { $setOnInsert: { tenantId: "t1", owner: { chatId: "1" } } },
          { upsert: true },
        ),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await things.countDocuments({})).toBe(1);
    });

    it("updates and deletes many, counting them", async () => {
      // Distinct owners: a missing owner indexes as null, and two nulls in a tenant collide.
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" }, n: 1 });
      await things.insertOne({ _id: "b", tenantId: "t1", owner: { chatId: "2" }, n: 1 });
      await things.insertOne({ _id: "c", tenantId: "t2", n: 1 });
      expect(await things.updateMany({ tenantId: "t1" }, { $inc: { n: 10 } })).toBe(2);
      expect(await things.countDocuments({ n: 11 })).toBe(2);
      expect(await things.deleteMany({ n: { $gt: 5 } })).toBe(2);
      expect(await things.find({})).toEqual([{ _id: "c", tenantId: "t2", n: 1 }]);
    });

    it("leaves out undefined properties", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", note: undefined });
      await things.findOneAndUpdate({ _id: "a" }, { $set: { n: 1, at: undefined } });
      const found = await things.findOne({ _id: "a" });
      expect(found).toEqual({ _id: "a", tenantId: "t1", n: 1 });
      expect(Object.keys(found!).sort()).toEqual(["_id", "n", "tenantId"]);
    });
  });

  describe("equality on indexed fields", () => {
    const ids = (docs: Thing[]) => docs.map((doc) => doc._id).sort();

    it("follows a document as inserts, updates and deletes move it between keys", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1", owner: { chatId: "1" }, n: 1 });
      await things.insertOne({ _id: "b", tenantId: "t1", owner: { chatId: "2" }, n: 2 });
      await things.insertOne({ _id: "c", tenantId: "t2", owner: { chatId: "1" }, n: 1 });
      expect(ids(await things.find({ tenantId: "t1" }))).toEqual(["a", "b"]);
      expect(ids(await things.find({ tenantId: "t1", "owner.chatId": "1" }))).toEqual(["a"]);

      await things.findOneAndUpdate({ _id: "a" }, { $set: { "owner.chatId": "3" } });
      expect(await things.find({ tenantId: "t1", "owner.chatId": "1" })).toEqual([]);
      expect(ids(await things.find({ tenantId: "t1", "owner.chatId": "3" }))).toEqual(["a"]);
      await things.updateMany({ tenantId: "t1" }, { $set: { tenantId: "t3" } });
      expect(await things.find({ tenantId: "t1" })).toEqual([]);
      expect(ids(await things.find({ tenantId: "t3" }))).toEqual(["a", "b"]);
      await things.deleteMany({ tenantId: "t3", "owner.chatId": "2" });
      expect(ids(await things.find({ tenantId: "t3" }))).toEqual(["a"]);
      expect(await things.countDocuments({ tenantId: { $eq: "t2" }, "owner.chatId": "1" })).toBe(1);
    });

    it("matches null to missing fields and an element to an array holding it, as MongoDB does", async () => {
      await things.insertOne({ _id: "a", tenantId: "t1" });
      await things.insertOne({ _id: "b", tenantId: "t1", owner: { chatId: "1" }, tags: ["x", "y"], n: 5 });
      await things.insertOne({ _id: "c", tenantId: "t1", owner: { chatId: "2" }, tags: ["y"], n: 5 });
      expect(ids(await things.find({ tenantId: "t1", "owner.chatId": null }))).toEqual(["a"]);
      expect(ids(await things.find({ tags: "y" }))).toEqual(["b", "c"]);
      expect(ids(await things.find({ tags: "x", n: 5 }))).toEqual(["b"]);
      await things.findOneAndUpdate({ _id: "c" }, { $set: { tags: [] } });
      expect(ids(await things.find({ tags: "y" }))).toEqual(["b"]);
      expect(ids(await things.find({ n: 5, tags: { $size: 0 } }))).toEqual(["c"]);
    });

    it("keeps types apart: the string '5' is not the number 5", async () => {
      await things.insertOne({ _id: "a", tenantId: "5" });
      await things.insertOne({ _id: "b", tenantId: "t", owner: { chatId: "1" }, n: 5 });
      expect(await things.find({ tenantId: 5 })).toEqual([]);
      expect(ids(await things.find({ tenantId: "5" }))).toEqual(["a"]);
      expect(await things.find({ tags: null, n: "5" })).toEqual([]);
      expect(ids(await things.find({ tags: null, n: 5 }))).toEqual(["b"]);
    });
  });

  describe("queries", () => {
    beforeEach(async () => {
      const docs: Thing[] = [
        { _id: "a", tenantId: "t1", n: 3, at: at(3), owner: { chatId: "1", name: "b" } },
        { _id: "b", tenantId: "t1", n: 1, at: at(1), owner: { chatId: "2", name: "c" } },
        { _id: "c", tenantId: "t1", n: 2, at: at(2), owner: { chatId: "3", name: "a" } },
        { _id: "d", tenantId: "t2", n: 4, at: at(4) },
      ];
      for (const doc of docs) await things.insertOne(doc);
    });

    it("filters with operators and dotted paths, and compares Dates", async () => {
      expect((await things.find({ at: { $lt: at(3) } }, { sort: { n: 1 } })).map((doc) => doc._id)).toEqual([
        "b",
        "c",
      ]);
      expect((await things.find({ "owner.name": { $in: ["a", "b"] } })).map((doc) => doc._id).sort()).toEqual(
        ["a", "c"],
      );
      expect(await things.findOne({ at: at(2) })).toMatchObject({ _id: "c" });
      expect(await things.countDocuments({ owner: { $exists: false } })).toBe(1);
    });

    it("sorts, skips and limits as MongoDB does", async () => {
      const ids = async (options: Parameters<Collection<Thing>["find"]>[1]) =>
        (await things.find({ tenantId: "t1" }, options)).map((doc) => doc._id);
      expect(await ids({ sort: { at: -1 } })).toEqual(["a", "c", "b"]);
      expect(await ids({ sort: { "owner.name": 1 } })).toEqual(["c", "a", "b"]);
      expect(await ids({ sort: { at: 1 }, skip: 1, limit: 1 })).toEqual(["c"]);
      expect(await ids({ sort: { at: 1 }, limit: 0 })).toEqual(["b", "c", "a"]);
      expect(await things.findOne({ tenantId: "t1" }, { sort: { n: -1 } })).toMatchObject({ _id: "a" });
    });
  });

  it("hands out copies: neither the inserted nor a returned document aliases stored state", async () => {
    const doc: Thing = { _id: "a", tenantId: "t1", owner: { chatId: "1" }, tags: ["x"], at: at(1) };
    await things.insertOne(doc);
    doc.tags!.push("mutated");
    doc.owner!.chatId = "mutated";
    doc.at!.setUTCFullYear(1999);

    const found = (await things.findOne({ _id: "a" }))!;
    found.tags!.push("mutated");
    found.at!.setUTCFullYear(1999);
    const listed = await things.find({});
    listed[0]!.owner!.chatId = "mutated";

    expect(await things.findOne({ _id: "a" })).toEqual({
      _id: "a",
      tenantId: "t1",
      owner: { chatId: "1" },
      tags: ["x"],
      at: at(1),
    });
  });
});
