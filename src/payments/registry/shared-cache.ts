import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { DukaError } from "../../domain/errors.js";
import type { SharedCache } from "../plugin.js";

/** Deletes the lock only if this holder still owns it (it may have expired and been retaken). */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const LOCK_POLL_MS = 25;

/**
 * A SharedCache over Redis, namespaced per provider instance. Locks are SET NX PX with a random
 * owner token; a waiter polls until the holder releases or the lock expires.
 */
export function createRedisSharedCache(redis: Redis, prefix: string) {
  return (instanceId: string): SharedCache => {
    const key = (name: string) => `${prefix}:provider:${instanceId}:${name}`;
    return {
      get: (name) => redis.get(key(name)),
      async set(name, value, ttlMs) {
        await redis.set(key(name), value, "PX", Math.max(1, Math.round(ttlMs)));
      },
      async withLock(name, ttlMs, task) {
        const lock = key(`lock:${name}`);
        const owner = randomBytes(12).toString("hex");
        const deadline = Date.now() + ttlMs;
        while ((await redis.set(lock, owner, "PX", ttlMs, "NX")) !== "OK") {
          if (Date.now() > deadline)
            throw new DukaError("unavailable", `Timed out waiting for the shared lock "${name}"`);
          await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
        }
        try {
          return await task();
        } finally {
          await redis.eval(RELEASE, 1, lock, owner);
        }
      },
    };
  };
}

export type SharedCacheFactory = ReturnType<typeof createRedisSharedCache>;
