/**
 * What Duka does about the server at MONGODB_URI: on MongoDB, the real TTL index and nothing
 * else; on FerretDB 1.x, each missing feature logged once at open and made up for (see
 * src/store/mongo/server-profile.ts and index-features.ts).
 */

import mongoose, { type Connection } from "mongoose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../../src/domain/ids.js";
import { createStore } from "../../../src/store/index.js";
import { LOCK_COLLECTION } from "../../../src/store/mongo/document-locks.js";
import type { Store } from "../../../src/store/types.js";
import { captureLogs } from "../../helpers/logs.js";
import { at, MONGO_SERVER, makeAudit, makeOrder, makeOutbox, temporaryDirectory } from "../fixtures.js";

const FERRETDB_1 = MONGO_SERVER?.startsWith("FerretDB v1") ?? false;
const DAY_MS = 24 * 3600 * 1000;

describe.skipIf(!process.env.MONGODB_URI)(`store on ${MONGO_SERVER}`, () => {
  let uri: string;
  let store: Store;
  let raw: Connection;
  let logs: ReturnType<typeof captureLogs>;
  const media = temporaryDirectory();

  beforeEach(async () => {
    const url = new URL(process.env.MONGODB_URI!);
    url.pathname = `/duka_test_${newId("ob").slice(3, 15)}`;
    uri = url.toString();
    logs = captureLogs("info");
    store = await createStore({ mongodbUri: uri, mediaDir: media.path, logger: logs.logger });
    raw = await mongoose.createConnection(uri).asPromise();
  });

  afterEach(async () => {
    await store.close();
    await raw.dropDatabase();
    await raw.close();
  });

  const fallbackWarnings = () =>
    logs
      .entries()
      .filter((entry) => entry.fallback !== undefined)
      .map((entry) => entry.feature);

  it.runIf(!FERRETDB_1)("builds the real TTL index and needs no fallback on MongoDB", async () => {
    const indexes = await raw.collection("outbox").indexes();
    expect(indexes.find((index) => index.key.sentAt === 1)).toMatchObject({
      expireAfterSeconds: 30 * 24 * 3600,
    });
    expect(store.expire).toBeUndefined();
    expect(fallbackWarnings()).toEqual([]);
  });

  it.runIf(FERRETDB_1)(
    "logs each missing feature once, with its fallback, and again at the next open",
    async () => {
      expect(fallbackWarnings().sort()).toEqual([
        "TTL indexes",
        "arrays inside arrays and dotted field names",
        "atomic updates",
        "filters on fields other than _id without a full scan",
      ]);
      await store.close();
      store = await createStore({ mongodbUri: uri, mediaDir: media.path, logger: logs.logger });
      expect(fallbackWarnings()).toHaveLength(8);
    },
  );

  it.runIf(FERRETDB_1)(
    "opens again without dropping the plain index a previous open built (a live index, R30)",
    async () => {
      const calls: string[] = [];
      mongoose.set("debug", (collection: string, method: string) => calls.push(`${collection}.${method}`));
      try {
        await createStore({ mongodbUri: uri, mediaDir: media.path, logger: logs.logger }).then((again) =>
          again.close(),
        );
      } finally {
        mongoose.set("debug", false);
      }
      expect(calls, "the hook sees the sync").toContain("outbox.listIndexes");
      expect(calls.filter((call) => call.endsWith(".dropIndex"))).toEqual([]);
      const indexes = await raw.collection("outbox").indexes();
      expect(indexes.some((index) => index.key.sentAt === 1)).toBe(true);
    },
  );

  it.runIf(FERRETDB_1)(
    "deletes sent outbox messages older than the TTL would keep, and nothing else",
    async () => {
      const now = at(0).getTime() + 40 * DAY_MS;
      const old = makeOutbox();
      const recent = makeOutbox();
      const pending = makeOutbox({ createdAt: at(0) });
      for (const message of [old, recent, pending]) await store.outbox.put(message);
      await store.outbox.markSent(old._id, new Date(now - 31 * DAY_MS));
      await store.outbox.markSent(recent._id, new Date(now - 29 * DAY_MS));

      expect(await store.expire!(new Date(now))).toBe(1);
      expect(await store.outbox.findById(old._id)).toBeNull();
      expect(await store.outbox.findById(recent._id)).toMatchObject({ status: "sent" });
      expect(await store.outbox.findById(pending._id)).toMatchObject({ status: "pending" });
      // The plain index stays, so the deletion does not read the whole collection.
      const indexes = await raw.collection("outbox").indexes();
      expect(indexes.some((index) => index.key.sentAt === 1)).toBe(true);
    },
  );

  it.runIf(FERRETDB_1)(
    "lets one of many racing compare-and-sets win, and leaves no lock behind",
    async () => {
      const orders = Array.from({ length: 5 }, () => makeOrder());
      for (const order of orders) await store.orders.create(order);
      const results = await Promise.all(
        orders.flatMap((order) =>
          Array.from({ length: 6 }, (_, attempt) =>
            store.orders.transition("t1", order._id, attempt % 2 ? "paid" : "cancelled"),
          ),
        ),
      );
      expect(results.filter((result) => result !== null)).toHaveLength(orders.length);
      expect(await raw.collection(LOCK_COLLECTION).countDocuments({})).toBe(0);
    },
  );

  it.runIf(FERRETDB_1)("stores dotted field names encoded and reads them back", async () => {
    const detail = { fields: ["config.endpoint"], "config.endpoint": { from: "a", to: "b" } };
    const entry = makeAudit({ action: "provider.updated", detail });
    await store.audit.append(entry);
    expect(await store.audit.list("t1", {}, 10)).toEqual([entry]);
  });

  it.runIf(FERRETDB_1)("stores button rows encoded and reads them back as rows", async () => {
    const message = makeOutbox({
      replies: [{ text: "Pay", choices: [[{ label: "M-Pesa", data: "pay:1" }]] }],
    });
    await store.outbox.put(message);
    expect((await store.outbox.findById(message._id))?.replies).toEqual(message.replies);
    const stored = await raw.collection("outbox").findOne({ _id: message._id as never });
    expect(Array.isArray(stored?.replies[0].choices[0])).toBe(false);
  });
});
