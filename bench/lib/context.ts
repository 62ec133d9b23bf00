import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../../sandbox/free-port.js";

/** What every case shares: the run's mode, Redis, and fresh data folders and queue prefixes. */
export interface BenchContext {
  readonly quick: boolean;
  readonly redisUrl: string;
  /** A queue prefix of this run's own, cleared at the end. */
  prefix(name: string): string;
  /** A temporary folder of this run's own, removed at the end. */
  folder(name: string): string;
  /** The environment of a Duka child: quiet logs, its own data folder, queue prefix and port. */
  dukaEnv(name: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export function createBenchContext(quick: boolean): BenchContext {
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const run = `bench-${randomBytes(3).toString("hex")}`;
  const root = mkdtempSync(join(tmpdir(), "duka-bench-"));
  const context: BenchContext = {
    quick,
    redisUrl,
    prefix: (name) => `${run}-${name}`,
    folder: (name) => join(root, name),
    dukaEnv: async (name) => ({
      NODE_ENV: "development",
      LOG_LEVEL: "error",
      LOG_FORMAT: "json",
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: context.prefix(name),
      DUKA_DATA_DIR: context.folder(name),
      PORT: String(await freePort()),
      PROOF_REMINDER_MINUTES: "0",
    }),
    async close() {
      rmSync(root, { recursive: true, force: true });
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${run}-*`);
        for (let index = 0; index < keys.length; index += 500)
          await redis.del(...keys.slice(index, index + 500));
      } finally {
        redis.disconnect();
      }
    },
  };
  return context;
}
