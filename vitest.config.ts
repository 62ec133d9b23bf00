import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault suite runs on its own (vitest.reliability.config.ts, npm run test:reliability).
    exclude: ["test/reliability/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration suites share one Redis and one CPU pair. The end-to-end files mostly wait (a
    // chat gets one message a second, as Telegram allows), so a third worker uses that time.
    maxWorkers: 3,
    setupFiles: ["test/setup.ts"],
  },
});
