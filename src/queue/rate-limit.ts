import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { RateLimit, RateLimitPolicy } from "../domain/rate-limit.js";

/**
 * A rate limit on Redis, so every process counts together. When Redis cannot answer the limit
 * lets the action through (logged): Redis down already stops payments' jobs, and a shopper should
 * not be told they did too much because of it.
 */
export function createRedisRateLimit(
  redis: Redis,
  keyPrefix: string,
  policy: RateLimitPolicy,
  logger: Logger,
): RateLimit {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points: policy.limit,
    duration: policy.windowSeconds,
  });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return { allowed: true, firstRefusal: false, retryAfterMs: 0 };
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          return {
            allowed: false,
            firstRefusal: error.consumedPoints === policy.limit + 1,
            retryAfterMs: error.msBeforeNext,
          };
        }
        logger.warn({ err: error, keyPrefix }, "rate limit unavailable: allowed");
        return { allowed: true, firstRefusal: false, retryAfterMs: 0 };
      }
    },
  };
}
