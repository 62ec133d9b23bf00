import { defineConfig } from "vitest/config";

/**
 * The fast direct tests of the payment core, money and transitions: what `npm run test:mutation`
 * runs against every mutant (stryker.config.json). No e2e here: each file runs in well under a
 * second so a mutant costs little.
 */
export default defineConfig({
  test: {
    include: [
      "test/payments/core/**/*.test.ts",
      "test/domain/**/*.test.ts",
      "test/shop/inbound-router.test.ts",
    ],
    testTimeout: 10_000,
    hookTimeout: 10_000,
    setupFiles: ["test/setup.ts"],
    // One module graph for all files of a run: importing the store and queues per file costs ten
    // times the tests. Static mutants are still applied (each run starts a fresh worker).
    isolate: false,
  },
});
