import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { DuplicateKeyError, StoreUnavailableError } from "../../../src/domain/errors.js";
import { toStoreError } from "../../../src/store/mongo/errors.js";

const { mongo } = mongoose;

describe("MongoDB error mapping", () => {
  it("turns a duplicate key into DuplicateKeyError naming the key", () => {
    const error = new mongo.MongoServerError({
      code: 11000,
      errmsg: "E11000 duplicate key error collection: duka.orders index: tenantId_1_ref_1",
      keyValue: { tenantId: "t1", ref: "DK-77777" },
    });
    const mapped = toStoreError("orders", error);
    expect(mapped).toBeInstanceOf(DuplicateKeyError);
    expect(mapped).toMatchObject({ collection: "orders", key: { tenantId: "t1", ref: "DK-77777" } });
  });

  it.each([
    ["a network error", new mongo.MongoNetworkError("connection reset")],
    ["a failover", new mongo.MongoServerError({ code: 10107, errmsg: "not primary" })],
    ["a step-down", new mongo.MongoServerError({ code: 189, errmsg: "primary stepped down" })],
    [
      "FerretDB's SQLite busy with another writer",
      new mongo.MongoServerError({
        code: 1,
        errmsg:
          "[msg_delete.go:95 handler.(*Handler).MsgDelete] [collection.go:241 sqlite.(*collection).DeleteAll] database is locked (5) (SQLITE_BUSY)",
      }),
    ],
  ])("turns %s into StoreUnavailableError", (_name, error) => {
    const mapped = toStoreError("orders", error);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as Error).cause).toBe(error);
  });

  it("passes other errors through", () => {
    const error = new mongo.MongoServerError({ code: 2, errmsg: "bad query" });
    expect(toStoreError("orders", error)).toBe(error);
    const internal = new mongo.MongoServerError({ code: 1, errmsg: "some other internal error" });
    expect(toStoreError("orders", internal)).toBe(internal);
    const plain = new TypeError("bug");
    expect(toStoreError("orders", plain)).toBe(plain);
  });
});
