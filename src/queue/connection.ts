import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/**
 * Workers block on Redis and must wait out outages (`maxRetriesPerRequest: null`); producers on
 * a request path fail fast instead of hanging: no offline queue while disconnected, and a command
 * timeout for a Redis that holds the connection but does not answer (frozen, swapping), which
 * would otherwise hold every webhook until it recovers (reliability R14).
 */
export const PRODUCER_COMMAND_TIMEOUT_MS = 2_000;

export function createRedis(url: string, role: "worker" | "producer"): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS };
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

async function configValue(redis: Redis, name: string): Promise<string | undefined> {
  const reply = (await redis.config("GET", name).catch(() => null)) as string[] | null;
  return reply?.[1];
}

/** BullMQ loses locks and jobs under any eviction policy but noeviction; say so loudly. */
export async function evictionPolicyProblem(redis: Redis): Promise<string | null> {
  const policy = await configValue(redis, "maxmemory-policy");
  return policy && policy !== "noeviction"
    ? `Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued jobs can be evicted`
    : null;
}

/**
 * Without the append-only file a Redis restart forgets every queued job; the inbox and outbox
 * sweepers re-queue them, but only after their stale age, so say so (reliability.md §1.8).
 */
export async function persistenceProblem(redis: Redis): Promise<string | null> {
  return (await configValue(redis, "appendonly")) === "no"
    ? 'Redis runs with appendonly "no": a restart loses queued jobs until the sweepers re-queue them; set appendonly yes'
    : null;
}
