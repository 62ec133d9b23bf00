import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../free-port.js";

export class RedisMissingError extends Error {
  override readonly name = "RedisMissingError";
}

async function answers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

function findOnPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(directory, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

async function startRedisServer(binary: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    binary,
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxmemory-policy",
      "noeviction",
    ],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<never>((_resolve, reject) =>
    child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}`))),
  );
  // A fresh server takes a few milliseconds to listen; ask until it answers or gives up.
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await Promise.race([answers(url), exited])) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error("redis-server did not start within 10 s");
}

/**
 * A Redis for the demo: the one at `url` when it answers, otherwise a temporary
 * `redis-server` from PATH (no persistence), stopped again by `stop()`.
 */
export async function ensureRedis(
  url: string,
): Promise<{ url: string; started: boolean; stop(): Promise<void> }> {
  if (await answers(url)) return { url, started: false, stop: async () => undefined };
  const binary = findOnPath("redis-server");
  if (!binary) {
    throw new RedisMissingError(
      [
        `Duka needs Redis, and nothing answers at ${url}.`,
        "Install it, then run the demo again:",
        "  Debian/Ubuntu: sudo apt-get install redis-server",
        "  macOS:         brew install redis",
        "or point REDIS_URL at a running Redis.",
      ].join("\n"),
    );
  }
  const { url: startedUrl, child } = await startRedisServer(binary);
  return {
    url: startedUrl,
    started: true,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
