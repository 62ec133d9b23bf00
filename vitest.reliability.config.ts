import { defineConfig } from "vitest/config";

/**
 * The reliability suite (test/reliability, reliability.md §4): one file at a time, long waits.
 * R30 (soak.test.ts) runs only with RELIABILITY_SCALE=1 (`npm run soak`): it passed at 2 purchases
 * a second once, but has to pass again and again, and fit CI's 30 minutes, before CI runs it
 * (issue 12, README "The fault suite").
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
