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
  ])("turns %s into StoreUnavailableError", (_name, error) => {
    const mapped = toStoreError("orders", error);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as Error).cause).toBe(error);
  });

  it("passes other errors through", () => {
    const error = new mongo.MongoServerError({ code: 2, errmsg: "bad query" });
    expect(toStoreError("orders", error)).toBe(error);
    const plain = new TypeError("bug");
    expect(toStoreError("orders", plain)).toBe(plain);
  });
});
