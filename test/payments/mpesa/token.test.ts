import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DARAJA_PATHS, type DarajaEmulator } from "../../../sandbox/daraja/index.js";
import { createTokenCache, TOKEN_KEY, toExpiresInSeconds } from "../../../src/payments/mpesa/token.js";
import { ProviderError } from "../../../src/payments/plugin.js";
import {
  createTestClient,
  createTestRedis,
  errorOf,
  initiateRequest,
  nextPhone,
  startEmulator,
  type TestRedis,
  testConfig,
  testPayment,
} from "./harness.js";

let redis: TestRedis;
let emulator: DarajaEmulator;
let instanceCount = 0;
const newInstanceId = () => `pi_token_${++instanceCount}`;

beforeAll(async () => {
  redis = createTestRedis();
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
  await redis.cleanup();
});

afterEach(() => emulator.clearFaults());

describe("Daraja OAuth token through the shared cache", () => {
  it("buys one token for 50 concurrent pushes, shared by two clients of the same instance", async () => {
    const id = newInstanceId();
    const config = testConfig(emulator.baseUrl);
    // Two clients on one SharedCache namespace: two processes serving the same instance.
    const first = createTestClient({ id, config, shared: redis.shared(id) });
    const second = createTestClient({ id, config, shared: redis.shared(id) });
    const before = emulator.tokenRequestCount();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        (index % 2 === 0 ? first : second).initiate(initiateRequest(testPayment(), nextPhone())),
      ),
    );
    expect(results.every((result) => result.status === "pending")).toBe(true);
    expect(new Set(results.map((result) => result.providerRef)).size).toBe(50);
    expect(emulator.tokenRequestCount() - before).toBe(1);

    // Later calls from either client reuse the cached token.
    await second.initiate(initiateRequest(testPayment(), nextPhone()));
    await first.healthCheck();
    expect(emulator.tokenRequestCount() - before).toBe(1);
  });

  it("caches the token until 60 s before it expires, whether expires_in is a string or a number", async () => {
    for (const expiresInType of ["string", "number"] as const) {
      const local = await startEmulator({ expiresInType, tokenTtlSeconds: 600 });
      try {
        const id = newInstanceId();
        const client = createTestClient({ id, config: testConfig(local.baseUrl), shared: redis.shared(id) });
        expect((await client.healthCheck()).ok).toBe(true);
        const ttl = await redis.redis.pttl(redis.key(id, TOKEN_KEY));
        expect(ttl).toBeGreaterThan(530_000);
        expect(ttl).toBeLessThanOrEqual(540_000);
      } finally {
        await local.close();
      }
    }
  });

  it("refreshes once and retries when Daraja answers 404.001.03 Invalid Access Token", async () => {
    const id = newInstanceId();
    const client = createTestClient({ id, config: testConfig(emulator.baseUrl), shared: redis.shared(id) });
    await client.initiate(initiateRequest(testPayment(), nextPhone()));
    const before = emulator.tokenRequestCount();
    const stale = await redis.redis.get(redis.key(id, TOKEN_KEY));

    emulator.revokeTokens();
    const result = await client.initiate(initiateRequest(testPayment(), nextPhone()));

    expect(result.status).toBe("pending");
    expect(emulator.tokenRequestCount() - before).toBe(1);
    const fresh = await redis.redis.get(redis.key(id, TOKEN_KEY));
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(stale);
    const pushes = emulator.calls(DARAJA_PATHS.stkPush).slice(-2);
    expect(pushes.map((call) => call.status)).toEqual([404, 200]);
    expect(pushes[0]?.errorCode).toBe("404.001.03");
  });

  it("refreshes only once: a second 404.001.03 becomes a retryable error", async () => {
    const id = newInstanceId();
    const client = createTestClient({ id, config: testConfig(emulator.baseUrl), shared: redis.shared(id) });
    await client.healthCheck();
    const before = emulator.tokenRequestCount();
    const pushesBefore = emulator.calls(DARAJA_PATHS.stkPush).length;
    emulator.failNext(DARAJA_PATHS.stkPush, { errorCode: "404.001.03" }, 2);

    const error = await errorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));

    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("unavailable");
    expect((error as ProviderError).providerCode).toBe("404.001.03");
    expect((error as ProviderError).retryable).toBe(true);
    expect(emulator.tokenRequestCount() - before).toBe(1);
    expect(emulator.calls(DARAJA_PATHS.stkPush).length - pushesBefore).toBe(2);
  });

  it("maps wrong consumer credentials to a retryable error without the secret", async () => {
    const id = newInstanceId();
    const config = testConfig(emulator.baseUrl, { consumerSecret: "definitely-wrong-secret" });
    const client = createTestClient({ id, config, shared: redis.shared(id) });
    const error = await errorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).code).toBe("invalid_config");
    expect((error as ProviderError).providerCode).toBe("400.008.01");
    expect((error as ProviderError).message).not.toContain("definitely-wrong-secret");
    expect(await redis.redis.get(redis.key(id, TOKEN_KEY))).toBeNull();
  });
});

describe("createTokenCache", () => {
  it("uses a newer token another process stored instead of buying one when its token was refused", async () => {
    const id = newInstanceId();
    const shared = redis.shared(id);
    let bought = 0;
    const cache = createTokenCache({
      shared,
      fetchToken: async () => ({ accessToken: `bought-${++bought}`, expiresInSeconds: 3599 }),
    });
    expect(await cache.get()).toBe("bought-1");
    // Another process refreshed meanwhile (which invalidated bought-1 at Daraja).
    await shared.set(TOKEN_KEY, "from-another-process", 60_000);
    expect(await cache.get("bought-1")).toBe("from-another-process");
    expect(bought).toBe(1);
    // When the cache still holds the refused token, it is replaced by a fresh one.
    expect(await cache.get("from-another-process")).toBe("bought-2");
    expect(await shared.get(TOKEN_KEY)).toBe("bought-2");
  });

  it("does not share a token that lives less than the refresh margin", async () => {
    const id = newInstanceId();
    const shared = redis.shared(id);
    let bought = 0;
    const cache = createTokenCache({
      shared,
      fetchToken: async () => ({ accessToken: `short-${++bought}`, expiresInSeconds: 30 }),
    });
    expect(await cache.get()).toBe("short-1");
    expect(await shared.get(TOKEN_KEY)).toBeNull();
  });

  it("turns a shared-cache failure into a retryable ProviderError", async () => {
    const cache = createTokenCache({
      shared: {
        get: async () => {
          throw new Error("ECONNREFUSED 127.0.0.1:6379");
        },
        set: async () => {},
        withLock: async (_key, _ttl, task) => task(),
      },
      fetchToken: async () => ({ accessToken: "never", expiresInSeconds: 3599 }),
    });
    const error = await errorOf(() => cache.get());
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe("unavailable");
    expect((error as ProviderError).retryable).toBe(true);
  });
});

describe("toExpiresInSeconds", () => {
  it.each([
    [3599, 3599],
    ["3599", 3599],
    [" 3599 ", 3599],
    ["3599.0", 3599],
    [0, undefined],
    ["0", undefined],
    [-5, undefined],
    ["soon", undefined],
    ["", undefined],
    [null, undefined],
    [undefined, undefined],
    [Number.POSITIVE_INFINITY, undefined],
  ])("%j → %j", (value, expected) => {
    expect(toExpiresInSeconds(value)).toBe(expected);
  });
});
