import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/**
 * Workers block on Redis and must wait out outages (`maxRetriesPerRequest: null`); producers on
 * a request path fail fast instead of hanging (`enableOfflineQueue: false`).
 */
export function createRedis(url: string, role: "worker" | "producer"): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false };
  return new Redis(url, options);
}

/**
 * Resolves once Redis answers. Start-up waits instead of exiting, so a service started before
 * its Redis (or during a Redis restart) comes up on its own; ioredis keeps reconnecting.
 */
export async function waitForRedis(redis: Redis, logger: Logger, what: string): Promise<void> {
  if (redis.status === "ready") return;
  const nag = setInterval(
    () => logger.warn({ status: redis.status }, `still waiting for Redis (${what})`),
    5_000,
  );
  try {
    await new Promise<void>((resolve) => redis.once("ready", () => resolve()));
  } finally {
    clearInterval(nag);
  }
}

/** BullMQ loses locks and jobs under any eviction policy but noeviction; say so loudly. */
export async function evictionPolicyProblem(redis: Redis): Promise<string | null> {
  const reply = (await redis.config("GET", "maxmemory-policy").catch(() => null)) as string[] | null;
  const policy = reply?.[1];
  return policy && policy !== "noeviction"
    ? `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued jobs can be evicted`
    : null;
}
