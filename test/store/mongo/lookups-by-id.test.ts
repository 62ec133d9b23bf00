/**
 * lookUpById (FerretDB 1.x scans for any filter but `_id` alone): a filter naming an `_id` reaches
 * the server as `{ _id }` only, and the rest of it is still honoured. Run against whatever server
 * MONGODB_URI names, with the adaptation switched on; the driver's command monitor shows what was sent.
 */
import mongoose, { type Connection } from "mongoose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../../src/domain/ids.js";
import { createMongoCollection } from "../../../src/store/mongo/collection.js";
import { createDocumentLocks } from "../../../src/store/mongo/document-locks.js";
import type { Collection } from "../../../src/store/types.js";

interface Probe {
  _id: string;
  tenantId: string;
  status: string;
}

describe.skipIf(!process.env.MONGODB_URI)("lookups by _id alone", () => {
  let connection: Connection;
  let probes: Collection<Probe>;
  /** The filter of every find and findAndModify the server received, in order. */
  let sent: unknown[];

  beforeEach(async () => {
    const url = new URL(process.env.MONGODB_URI!);
    url.pathname = `/duka_test_${newId("ob").slice(3, 15)}`;
    connection = await mongoose.createConnection(url.toString(), { monitorCommands: true }).asPromise();
    sent = [];
    connection.getClient().on("commandStarted", (event) => {
      if (event.commandName === "find" && event.command.find === "probes") sent.push(event.command.filter);
      if (event.commandName === "findAndModify" && event.command.findAndModify === "probes")
        sent.push(event.command.query);
    });
    const model = connection.model<Probe>(
      "Probe",
      new mongoose.Schema({ _id: String }, { strict: false }),
      "probes",
    );
    probes = createMongoCollection(model, { lookUpById: true, locks: createDocumentLocks(connection.db!) });
    await probes.insertOne({ _id: "pr_1", tenantId: "t1", status: "pending" });
  });

  afterEach(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it("finds by _id alone and checks the tenant here", async () => {
    expect(await probes.findOne({ _id: "pr_1", tenantId: "t2" })).toBeNull();
    expect(await probes.findOne({ _id: "pr_1", tenantId: "t1" })).toMatchObject({ status: "pending" });
    expect(sent).toEqual([{ _id: "pr_1" }, { _id: "pr_1" }]);
  });

  it("compares and sets by _id alone: a document that does not match is left as it is", async () => {
    expect(
      await probes.findOneAndUpdate({ _id: "pr_1", status: "paid" }, { $set: { status: "refunded" } }),
    ).toBeNull();
    const updated = await probes.findOneAndUpdate(
      { _id: "pr_1", status: "pending" },
      { $set: { status: "paid" } },
    );
    expect(updated).toMatchObject({ status: "paid" });
    expect(await probes.findOne({ _id: "pr_1" })).toMatchObject({ status: "paid" });
    expect(sent.every((filter) => JSON.stringify(filter) === '{"_id":"pr_1"}')).toBe(true);
  });

  it("is an index search on FerretDB's SQLite backend (the build .ci/ferretdb makes)", async (context) => {
    const info = await connection.db!.admin().command({ buildInfo: 1 });
    if (typeof info.ferretdbVersion !== "string") context.skip();
    const explained = await connection.db!.command({ explain: { find: "probes", filter: { _id: "pr_1" } } });
    // One row per node of SQLite's plan: "SEARCH … USING INDEX …" or, unfixed, "SCAN probes_…".
    const plan = (explained.queryPlanner as { Plan?: string[] }).Plan ?? [];
    expect(plan.join("\n")).toMatch(/SEARCH \S+ USING INDEX/);
  });
});
