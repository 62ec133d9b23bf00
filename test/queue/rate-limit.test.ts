import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisRateLimit } from "../../src/queue/rate-limit.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const logger = pino({ level: "silent" });
let redis: Redis;
let other: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await redis.quit();
  await other.quit();
});

const policy = { limit: 3, windowSeconds: 600 };
const prefix = () => `rl-test-${randomBytes(4).toString("hex")}`;

describe("createRedisRateLimit", () => {
  it("allows `limit` per key, then refuses, marking only the first refusal", async () => {
    const limit = createRedisRateLimit(redis, prefix(), policy, logger);
    const verdicts = [];
    for (let attempt = 0; attempt < 5; attempt++) verdicts.push(await limit.take("254712345678"));
    expect(verdicts.map((verdict) => verdict.allowed)).toEqual([true, true, true, false, false]);
    expect(verdicts.map((verdict) => verdict.firstRefusal)).toEqual([false, false, false, true, false]);
    expect(verdicts[3]!.retryAfterMs).toBeGreaterThan(590_000);
    expect((await limit.take("254700000000")).allowed).toBe(true);
  });

  it("is shared by every process: two connections count together", async () => {
    const keyPrefix = prefix();
    const web = createRedisRateLimit(redis, keyPrefix, policy, logger);
    const worker = createRedisRateLimit(other, keyPrefix, policy, logger);
    await web.take("chat");
    await worker.take("chat");
    await web.take("chat");
    expect((await worker.take("chat")).allowed).toBe(false);
  });

  it("lets actions through when Redis cannot answer", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    const limit = createRedisRateLimit(down, prefix(), { limit: 1, windowSeconds: 60 }, logger);
    expect(await limit.take("chat")).toEqual({ allowed: true, firstRefusal: false, retryAfterMs: 0 });
    expect(await limit.take("chat")).toMatchObject({ allowed: true });
    down.disconnect();
  });
});
