/**
 * The test-only hooks (src/faults.ts): parsed once, refused in production, silent when unset.
 * The crashes themselves are proven by the reliability suite (test/reliability/processes/).
 */
import { afterEach, describe, expect, it } from "vitest";
import { configureTestHooks, crashPoint, stuckPoint, testTimings } from "../src/faults.js";

afterEach(() => configureTestHooks({}));

describe("DUKA_FAULTS and DUKA_TEST_TIMINGS", () => {
  it("are refused when NODE_ENV=production, naming both variables", () => {
    expect(() => configureTestHooks({ NODE_ENV: "production", DUKA_FAULTS: "before-settle" })).toThrow(
      /DUKA_FAULTS and DUKA_TEST_TIMINGS are test-only and refused when NODE_ENV=production/,
    );
    expect(() => configureTestHooks({ NODE_ENV: "production", DUKA_TEST_TIMINGS: "1" })).toThrow(
      /refused when NODE_ENV=production/,
    );
    expect(() => configureTestHooks({ NODE_ENV: "production" })).not.toThrow();
  });

  it.each([
    ["before-setle", /"before-setle" must be one of before-settle, /],
    ["before-settle:0", /"before-settle:0"/],
    ["before-settle:x", /"before-settle:x"/],
  ])("refuse the entry %s with the list of points", (value, message) => {
    expect(() => configureTestHooks({ DUKA_FAULTS: value })).toThrow(message);
  });

  it("take several points with counts, and short timings only as 1", () => {
    expect(() =>
      configureTestHooks({ DUKA_FAULTS: "before-settle:1, after-send-before-mark", DUKA_TEST_TIMINGS: "1" }),
    ).not.toThrow();
    expect(testTimings()).toEqual({ lockMs: 5_000, sweepMs: 5_000 });
    expect(() => configureTestHooks({ DUKA_TEST_TIMINGS: "yes" })).toThrow(/must be 1 or unset/);
  });

  it("leave the process alone when unset or for a point not armed", () => {
    configureTestHooks({ DUKA_FAULTS: "before-settle:1" });
    expect(() => crashPoint("after-settle-before-ack")).not.toThrow();
    configureTestHooks({});
    expect(() => crashPoint("before-settle")).not.toThrow();
    expect(testTimings()).toBeUndefined();
  });

  it("block the event loop at a stuck point for 15 s, only the armed number of times", () => {
    configureTestHooks({ DUKA_FAULTS: "stuck-before-settle:1" });
    const started = performance.now();
    stuckPoint("stuck-before-settle");
    expect(performance.now() - started).toBeGreaterThanOrEqual(15_000);
    const again = performance.now();
    stuckPoint("stuck-before-settle");
    expect(performance.now() - again).toBeLessThan(1_000);
  }, 20_000);
});
