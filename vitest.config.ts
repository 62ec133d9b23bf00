import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite runs on its own (vitest.reliability.config.ts, npm run test:reliability).
    exclude: ["test/reliability/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites share one Redis and one CPU pair: keep parallelism modest.
    maxWorkers: 2,
    setupFiles: ["test/setup.ts"],
  },
});
