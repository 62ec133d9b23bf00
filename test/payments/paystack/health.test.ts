import { describe, expect, it } from "vitest";
import { DEFAULT_SECRET_KEY } from "../../../sandbox/paystack/index.js";
import { HEALTH_CHECK_REFERENCE } from "../../../src/payments/paystack/index.js";
import { createTestClient, startEmulator, testConfig } from "./harness.js";

describe("healthCheck", () => {
  it("is ok with a good key: one authenticated verify of a reference no payment has", async () => {
    const emulator = await startEmulator();
    try {
      const client = createTestClient({ config: testConfig(emulator.baseUrl) });
      const result = await client.healthCheck();
      expect(result.ok).toBe(true);
      expect(result.message).toBeUndefined();
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      const calls = emulator.calls();
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        route: "transaction.verify",
        path: `/transaction/verify/${HEALTH_CHECK_REFERENCE}`,
        status: 400,
        publicKey: emulator.publicKey,
      });
      expect(emulator.transactions()).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it("is not ok with a wrong key, and does not echo it", async () => {
    const emulator = await startEmulator();
    try {
      const wrongKey = "sk_test_Sup3rSecretButWrong";
      const client = createTestClient({ config: testConfig(emulator.baseUrl, { secretKey: wrongKey }) });
      const result = await client.healthCheck();
      expect(result).toMatchObject({ ok: false, message: "Paystack refused the secret key" });
      expect(result.message).not.toContain(wrongKey);
      expect(result.message).not.toContain(DEFAULT_SECRET_KEY);
    } finally {
      await emulator.close();
    }
  });

  it("is not ok when Paystack answers 5xx", async () => {
    const emulator = await startEmulator();
    try {
      emulator.failNext("transaction.verify", { status: 503 });
      const client = createTestClient({ config: testConfig(emulator.baseUrl) });
      const result = await client.healthCheck();
      expect(result).toMatchObject({ ok: false, message: "Paystack answered HTTP 503" });
      expect((await client.healthCheck()).ok).toBe(true);
    } finally {
      await emulator.close();
    }
  });
});
