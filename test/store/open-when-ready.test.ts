import { describe, expect, it } from "vitest";
import { DukaError, StoreUnavailableError } from "../../src/domain/errors.js";
import { openWhenReady } from "../../src/store/open-when-ready.js";

const quick = { firstMs: 1, maxMs: 4 };

function recordingLogger() {
  const warnings: object[] = [];
  return { warnings, logger: { info: () => undefined, warn: (obj: object) => void warnings.push(obj) } };
}

describe("openWhenReady", () => {
  it("waits out a store that is not ready yet, with growing pauses, and opens it", async () => {
    let calls = 0;
    const { warnings, logger } = recordingLogger();
    const opened = await openWhenReady(
      async () => {
        calls++;
        if (calls <= 4) throw new StoreUnavailableError("database is locked (SQLITE_BUSY)");
        return "store";
      },
      logger,
      quick,
    );
    expect(opened).toBe("store");
    expect(calls).toBe(5);
    expect(warnings.map((warning) => (warning as { retryInMs: number }).retryInMs)).toEqual([1, 2, 4, 4]);
  });

  it("throws at once what waiting cannot fix", async () => {
    let calls = 0;
    const broken = new DukaError("unavailable", "Could not build the store's indexes");
    await expect(
      openWhenReady(
        async () => {
          calls++;
          throw broken;
        },
        undefined,
        quick,
      ),
    ).rejects.toBe(broken);
    expect(calls).toBe(1);
  });
});
