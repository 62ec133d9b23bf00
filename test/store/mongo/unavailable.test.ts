import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../../src/domain/errors.js";
import { createStore } from "../../../src/store/index.js";
import { temporaryDirectory } from "../fixtures.js";

describe("mongodb store without a server", () => {
  it("fails to open with StoreUnavailableError, so start-up and readiness report it", async () => {
    const media = temporaryDirectory();
    try {
      // Port 1 refuses connections at once; the short selection timeout bounds the wait.
      const opening = createStore({
        mongodbUri: "mongodb://127.0.0.1:1/duka?serverSelectionTimeoutMS=200&connectTimeoutMS=200",
        mediaDir: media.path,
      });
      await expect(opening).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      media.remove();
    }
  });
});
