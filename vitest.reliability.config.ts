import { defineConfig } from "vitest/config";

/** The reliability suite (reliability.md §4): real processes and faults, one file at a time. */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 5 * 60_000,
    maxWorkers: 1,
    setupFiles: ["test/setup.ts"],
  },
});
