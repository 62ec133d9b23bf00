import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET } from "../../../sandbox/daraja/index.js";
import { TOKEN_KEY } from "../../../src/payments/mpesa/token.js";
import { createTestClient, createTestRedis, startEmulator, type TestRedis, testConfig } from "./harness.js";

let redis: TestRedis;

beforeAll(() => {
  redis = createTestRedis();
});

afterAll(async () => {
  await redis.cleanup();
});

describe("healthCheck", () => {
  it("is ok with a latency, and does not buy a new token while one is cached", async () => {
    const emulator = await startEmulator();
    try {
      const client = createTestClient({
        id: "pi_health_ok",
        config: testConfig(emulator.baseUrl),
        shared: redis.shared("pi_health_ok"),
      });
      const first = await client.healthCheck();
      expect(first.ok).toBe(true);
      expect(first.latencyMs).toBeGreaterThanOrEqual(0);
      expect(first.message).toBeUndefined();
      const token = await redis.redis.get(redis.key("pi_health_ok", TOKEN_KEY));
      expect(token).not.toBeNull();

      // Each new token would invalidate the previous one for every process: health checks must reuse it.
      for (let i = 0; i < 5; i++) expect((await client.healthCheck()).ok).toBe(true);
      expect(emulator.tokenRequestCount()).toBe(1);
      expect(await redis.redis.get(redis.key("pi_health_ok", TOKEN_KEY))).toBe(token);
    } finally {
      await emulator.close();
    }
  });

  it("is not ok with a wrong consumer secret, and does not echo it", async () => {
    const emulator = await startEmulator();
    try {
      const config = testConfig(emulator.baseUrl, { consumerSecret: "Sup3rSecretValue" });
      const client = createTestClient({
        id: "pi_health_creds",
        config,
        shared: redis.shared("pi_health_creds"),
      });
      const result = await client.healthCheck();
      expect(result.ok).toBe(false);
      expect(result.message).toContain("consumerKey and consumerSecret");
      expect(result.message).not.toContain("Sup3rSecretValue");
      expect(result.message).not.toContain(DEFAULT_CONSUMER_KEY);
      expect(result.message).not.toContain(DEFAULT_CONSUMER_SECRET);
    } finally {
      await emulator.close();
    }
  });
});
