import { defineConfig } from "vitest/config";

/**
 * The reliability suite (test/reliability, reliability.md §4): one file at a time, long waits.
 * R30 (soak.test.ts) runs 5 minutes in CI, 30 with `npm run soak`.
 */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    maxWorkers: 1,
    setupFiles: ["test/setup.ts"],
  },
});
