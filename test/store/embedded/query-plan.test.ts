/**
 * The embedded engine reads only what a declared index names, so a query's cost does not grow
 * with the collection; what no index serves is reported.
 */
import { Schema } from "mongoose";
import { describe, expect, it } from "vitest";
import { EmbeddedCollection } from "../../../src/store/embedded/collection.js";
import { openEmbeddedCollection, schemas } from "../../../src/store/index.js";
import type { Filter } from "../../../src/store/types.js";
import { at, makeOrder } from "../fixtures.js";

function ordersCollection() {
  const unindexed: string[] = [];
  const { collection } = openEmbeddedCollection<ReturnType<typeof makeOrder>>("orders", schemas.orders, {
    onUnindexedQuery: (name: string, filter: Filter) => unindexed.push(`${name}: ${Object.keys(filter)}`),
  });
  return { orders: collection, unindexed };
}

async function fill(orders: ReturnType<typeof ordersCollection>["orders"], count: number) {
  for (let index = 0; index < count; index++) {
    await orders.insertOne(
      makeOrder({
        tenantId: index % 10 === 0 ? "small" : "big",
        ref: `DK-${String(index).padStart(5, "0")}`,
        customer: { channel: "telegram", chatId: String(index % 500) },
        status: index % 100 === 0 ? "paid" : "awaiting_payment",
        createdAt: at(index),
      }),
    );
  }
}

describe("embedded query plans", () => {
  it("reads one document for a unique key and the _id, however many are stored", async () => {
    const { orders, unindexed } = ordersCollection();
    await fill(orders, 2_000);
    expect(orders.explain({ tenantId: "big", ref: "DK-00001" })).toEqual({
      using: ["tenantId", "ref"],
      examined: 1,
    });
    const [order] = await orders.find({ tenantId: "big", ref: "DK-00001" });
    expect(orders.explain({ _id: order!._id, tenantId: "big" })).toEqual({ using: "_id", examined: 1 });
    expect(unindexed).toEqual([]);
  });

  it("uses the index that fixes the most leading fields, and a prefix of one", async () => {
    const { orders } = ordersCollection();
    await fill(orders, 2_000);
    expect(
      orders.explain({ tenantId: "big", "customer.channel": "telegram", "customer.chatId": "7" }),
    ).toEqual({ using: ["tenantId", "customer.channel", "customer.chatId", "createdAt"], examined: 4 });
    expect(orders.explain({ tenantId: "big", status: "paid" })).toEqual({
      using: ["tenantId", "status", "createdAt"],
      examined: 0,
    });
    expect(orders.explain({ tenantId: "small", status: "paid", createdAt: { $gt: at(5) } })).toEqual({
      using: ["tenantId", "status", "createdAt"],
      examined: 20,
    });
    expect(orders.explain({ tenantId: "small" }).examined).toBe(200);
  });

  it("keeps values of different types under different keys", async () => {
    const { orders } = ordersCollection();
    await orders.insertOne(makeOrder({ tenantId: "5", ref: "DK-55555" }));
    expect(orders.explain({ tenantId: 5 })).toEqual({ using: ["tenantId", "ref"], examined: 0 });
    expect(orders.explain({ tenantId: "5" }).examined).toBe(1);
    expect(orders.explain({ tenantId: true }).examined).toBe(0);
  });

  it("scans only when no index serves the filter, and says so", async () => {
    const { orders, unindexed } = ordersCollection();
    await fill(orders, 50);
    expect(orders.explain({ status: "paid" })).toEqual({ using: "scan", examined: 50 });
    expect(orders.explain({ tenantId: { $in: ["big"] } })).toEqual({ using: "scan", examined: 50 });
    expect(await orders.countDocuments({ status: "paid" })).toBe(1);
    expect(await orders.countDocuments({})).toBe(50);
    expect(unindexed).toEqual(["orders: status"]);
  });

  it("finds documents replayed from a journal through the same indexes", async () => {
    const { orders } = ordersCollection();
    await fill(orders, 30);
    const replayed = new EmbeddedCollection("orders", schemas.orders, { documents: await orders.find({}) });
    expect(replayed.explain({ tenantId: "small" }).examined).toBe(3);
    expect(await replayed.find({ tenantId: "small", ref: "DK-00010" })).toHaveLength(1);
  });

  it("offers replayed documents with an array on an indexed path to every lookup", async () => {
    const schema = new Schema({ _id: String, tags: [String], n: Number }, { versionKey: false });
    schema.index({ tags: 1, n: 1 });
    type Thing = { _id: string; tags?: string[]; n?: number };
    const documents: Thing[] = [
      { _id: "a", tags: ["x", "y"], n: 1 },
      { _id: "b", n: 1 },
    ];
    const replayed = new EmbeddedCollection<Thing>("things", schema, { documents });
    expect((await replayed.find({ tags: "y" })).map((doc) => doc._id)).toEqual(["a"]);
    expect((await replayed.find({ tags: null, n: 1 })).map((doc) => doc._id)).toEqual(["b"]);
    expect(replayed.explain({ tags: "z" })).toEqual({ using: ["tags", "n"], examined: 1 });
  });

  it("builds a prefix on the first query that needs it and keeps it current after", async () => {
    const { orders } = ordersCollection();
    await fill(orders, 100);
    expect(orders.explain({ tenantId: "small", ref: "DK-00010" }).examined).toBe(1);
    await orders.insertOne(makeOrder({ tenantId: "small", ref: "DK-99999" }));
    expect(orders.explain({ tenantId: "small", ref: "DK-99999" }).examined).toBe(1);
    expect(orders.explain({ tenantId: "small" }).examined).toBe(11);
    await orders.deleteMany({ tenantId: "small", ref: "DK-00010" });
    expect(orders.explain({ tenantId: "small" }).examined).toBe(10);
    expect(orders.explain({ tenantId: "small", ref: "DK-00010" }).examined).toBe(0);
    // An update moves a document from one key to another: the old key no longer names it.
    await orders.updateMany({ tenantId: "small", ref: "DK-00020" }, { $set: { tenantId: "big" } });
    expect(orders.explain({ tenantId: "small" }).examined).toBe(9);
    expect(orders.explain({ tenantId: "big", ref: "DK-00020" }).examined).toBe(1);
  });
});
