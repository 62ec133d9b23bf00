/**
 * money.ts reads the ICU currency list once, when it loads. Imported inside the test, so a
 * module that cannot load fails this test instead of only failing to collect the others.
 */
import { expect, it } from "vitest";

it("loads with the ISO 4217 codes Node ships", async () => {
  const { isCurrencyCode } = await import("../../src/domain/money.js");
  expect(["KES", "NGN", "UGX"].map(isCurrencyCode)).toEqual([true, true, true]);
});
