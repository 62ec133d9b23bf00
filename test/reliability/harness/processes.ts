/**
 * Duka as real OS processes for the reliability suite (reliability.md §4.0): `duka start <role>`
 * as `node --import tsx src/main.ts`, on one shared store and one Redis prefix. Starts wait on the
 * "duka started" log line, kills are real signals, logs are kept per process for the assertions.
 *
 * The embedded store is one journal per data directory, owned by one process: a cluster on it
 * runs one process at a time and opens the store for checks only while none runs. A cluster on
 * MONGODB_URI runs any number and checks at any time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import mongoose from "mongoose";
import pino from "pino";
import type { Role } from "../../../src/app.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { clearPrefix, REDIS_URL } from "../../helpers/shop.js";

/** Node with tsx's loader, not the tsx launcher: the child's pid is Duka's own, for real signals. */
const NODE_ARGS = ["--import", "tsx"];
const MAIN = join(process.cwd(), "src", "main.ts");

/** Why a many-process test cannot run on the embedded store. */
export const NEEDS_MONGODB =
  "needs MONGODB_URI or the ferretdb binary (.ci/ferretdb): the embedded store is single-process";

export type LogLine = Record<string, unknown> & { msg?: string };

export interface DukaProcess {
  readonly name: string;
  readonly role: Role;
  readonly pid: number;
  /** The HTTP port of a web or all process (from its PORT). */
  readonly port: number | undefined;
  /** JSON log lines so far. */
  readonly logs: LogLine[];
  /** Everything written to stderr so far (config errors, DUKA_FAULTS' crash line). */
  stderr(): string;
  /** Resolves with the exit code, or the signal's name when killed by one. */
  readonly exited: Promise<number | string>;
  isRunning(): boolean;
  /** The first log line (past or future) that `match` accepts. */
  waitForLog(match: string | ((line: LogLine) => boolean), timeoutMs?: number): Promise<LogLine>;
  /** SIGKILL; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful stop); resolves with the exit code. */
  stop(): Promise<number | string>;
}

export interface ClusterOptions {
  /** Environment every process gets (channel tokens, provider URLs…), on top of the cluster's own. */
  readonly env: Record<string, string>;
  /** Run on this MongoDB-wire server instead of the embedded store. */
  readonly mongodbUri?: string;
}

export interface Cluster {
  readonly kind: "embedded" | "mongodb";
  readonly prefix: string;
  readonly dataDir: string;
  /** The cluster's environment, as every process gets it. */
  readonly env: Record<string, string>;
  /** Every process started, in order, running or not. */
  readonly processes: DukaProcess[];
  /** Spawns `duka start <role>` without waiting; `env` adds to or overrides the cluster's. */
  spawn(role: Role, options?: { env?: Record<string, string>; name?: string; port?: number }): DukaProcess;
  /** Spawns and waits for "duka started". */
  start(
    role: Role,
    options?: { env?: Record<string, string>; name?: string; port?: number },
  ): Promise<DukaProcess>;
  /** Starts a process like `previous` (same role, name, port, extra env unless given). */
  restart(previous: DukaProcess, env?: Record<string, string>): Promise<DukaProcess>;
  /**
   * The shared store for checks. Embedded: only while no process runs (the harness refuses
   * otherwise), closed by the caller before the next start.
   */
  openStore(): Promise<Store>;
  /** Kills what still runs, removes the data and the Redis keys. */
  close(): Promise<void>;
}

const silent = pino({ level: "silent" });

export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  const prefix = `r-${randomBytes(4).toString("hex")}`;
  const dataDir = await mkdtemp(join(tmpdir(), "duka-procs-"));
  const kind = options.mongodbUri ? "mongodb" : "embedded";
  const { LOG_LEVEL: _level, LOG_FORMAT: _format, MONGODB_URI: _uri, ...parentEnv } = process.env;
  const env: Record<string, string> = {
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DUKA_DATA_DIR: dataDir,
    // RELIABILITY_PROCESS_LOG_LEVEL=debug, with RELIABILITY_LOG_DIR, for a look at a failure.
    LOG_LEVEL: process.env.RELIABILITY_PROCESS_LOG_LEVEL ?? "info",
    LOG_FORMAT: "json",
    // The master key file lives in DUKA_DATA_DIR, shared by every process of the cluster.
    ...(options.mongodbUri ? { MONGODB_URI: databaseUri(options.mongodbUri, prefix) } : {}),
    ...options.env,
  };
  const processes: DukaProcess[] = [];
  const extras = new WeakMap<DukaProcess, { env: Record<string, string>; port?: number }>();

  const cluster: Cluster = {
    kind,
    prefix,
    dataDir,
    env,
    processes,
    spawn(role, spawnOptions = {}) {
      const running = processes.filter((candidate) => candidate.isRunning());
      if (kind === "embedded" && running.length > 0) {
        throw new Error(`${NEEDS_MONGODB} (${running[0]!.name} still runs)`);
      }
      const extra = {
        env: spawnOptions.env ?? {},
        ...(spawnOptions.port !== undefined ? { port: spawnOptions.port } : {}),
      };
      const name = spawnOptions.name ?? `${role}-${processes.filter((p) => p.role === role).length + 1}`;
      const child = spawn(process.execPath, [...NODE_ARGS, MAIN, "start", role], {
        env: {
          ...parentEnv,
          ...env,
          ...(extra.port !== undefined ? { PORT: String(extra.port) } : {}),
          ...extra.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const started = watch(child, name, role, extra.port);
      extras.set(started, extra);
      processes.push(started);
      return started;
    },
    async start(role, startOptions) {
      const started = cluster.spawn(role, startOptions);
      await started.waitForLog("duka started", 60_000);
      return started;
    },
    async restart(previous, restartEnv) {
      if (previous.isRunning()) throw new Error(`${previous.name} still runs: kill or stop it first`);
      const extra = extras.get(previous) ?? { env: {} };
      return cluster.start(previous.role, {
        name: previous.name,
        env: restartEnv ?? extra.env,
        ...(extra.port !== undefined ? { port: extra.port } : {}),
      });
    },
    async openStore() {
      const running = processes.filter((candidate) => candidate.isRunning());
      if (kind === "embedded" && running.length > 0) {
        throw new Error(`the embedded store is single-process: stop ${running[0]!.name} before opening it`);
      }
      return createStore({
        ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}),
        dataDir: join(dataDir, "store"),
        mediaDir: join(dataDir, "media"),
        logger: silent,
      });
    },
    async close() {
      await Promise.all(processes.filter((p) => p.isRunning()).map((p) => p.kill()));
      // RELIABILITY_LOG_DIR keeps every process's logs for a look after a failure.
      const keep = globalThis.process.env.RELIABILITY_LOG_DIR;
      if (keep) {
        await mkdir(keep, { recursive: true });
        for (const [index, run] of processes.entries()) {
          const lines = run.logs.map((line) => JSON.stringify(line)).join("\n");
          await writeFile(join(keep, `${prefix}-${index}-${run.name}.log`), `${lines}\n${run.stderr()}`);
        }
      }
      // RELIABILITY_KEEP_DATA=1 leaves the database (on MONGODB_URI) for a look after a failure.
      if (env.MONGODB_URI && globalThis.process.env.RELIABILITY_KEEP_DATA !== "1") {
        const connection = await mongoose.createConnection(env.MONGODB_URI).asPromise();
        await connection.dropDatabase();
        await connection.close();
      }
      await clearPrefix(prefix);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The same server, a database of the cluster's own. */
function databaseUri(uri: string, prefix: string): string {
  const url = new URL(uri);
  url.pathname = `/duka-${prefix}`;
  return url.toString();
}

function watch(child: ChildProcess, name: string, role: Role, port: number | undefined): DukaProcess {
  const logs: LogLine[] = [];
  let stderr = "";
  const waiters = new Set<(line: LogLine) => void>();
  createInterface({ input: child.stdout! }).on("line", (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text, unparsed: true };
    }
    logs.push(line);
    for (const waiter of waiters) waiter(line);
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let running = true;
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => {
      running = false;
      resolve(code ?? signal ?? "unknown");
    }),
  );
  const describe = () =>
    `${name} (pid ${child.pid}); last logs:\n${logs
      .slice(-8)
      .map((line) => JSON.stringify(line))
      .join("\n")}\nstderr:\n${stderr.slice(-2000)}`;

  return {
    name,
    role,
    pid: child.pid!,
    port,
    logs,
    stderr: () => stderr,
    exited,
    isRunning: () => running,
    waitForLog(match, timeoutMs = 30_000) {
      const accepts = typeof match === "string" ? (line: LogLine) => line.msg === match : match;
      const past = logs.find(accepts);
      if (past) return Promise.resolve(past);
      return new Promise<LogLine>((resolve, reject) => {
        const finish = (error?: Error, line?: LogLine) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (error) reject(error);
          else resolve(line!);
        };
        const waiter = (line: LogLine) => {
          if (accepts(line)) finish(undefined, line);
        };
        waiters.add(waiter);
        const timer = setTimeout(
          () => finish(new Error(`no matching log line within ${timeoutMs} ms from ${describe()}`)),
          timeoutMs,
        );
        exited.then((code) => finish(new Error(`exited (${code}) before the log line: ${describe()}`)));
      });
    },
    async kill() {
      if (running) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (running) child.kill("SIGTERM");
      return exited;
    },
  };
}

/**
 * Resolves once the cluster's queues `names` (default settle and Telegram's outbound) hold no job
 * waiting, active or delayed (the reconcile queue's far-off checks do not count).
 */
export async function waitDrained(
  cluster: Cluster,
  timeoutMs = 60_000,
  names: readonly string[] = ["settle", "outbound-telegram"],
): Promise<void> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = names.map((name) => new Queue(name, { connection, prefix: cluster.prefix }));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const counts = await Promise.all(
        queues.map((queue) => queue.getJobCounts("active", "waiting", "delayed", "prioritized")),
      );
      const busy = counts.flatMap((count) => Object.values(count)).reduce((sum, n) => sum + n, 0);
      if (busy === 0) return;
      if (Date.now() > deadline)
        throw new Error(`queues not drained in ${timeoutMs} ms: ${JSON.stringify(counts)}`);
      // Polling a condition at a short interval, not sleeping in place of one.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    connection.disconnect();
  }
}

export interface Balancer {
  readonly port: number;
  /** Requests forwarded to each target port. */
  readonly forwarded: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A round-robin HTTP load balancer in front of the web processes, as in production: PUBLIC_URL
 * points here, so provider webhooks and callbacks spread across every web process.
 */
export async function startBalancer(port: number, targets: readonly number[]): Promise<Balancer> {
  const forwarded = new Map<number, number>(targets.map((target) => [target, 0]));
  let next = 0;
  const server = createServer((request, response) => {
    const target = targets[next++ % targets.length]!;
    forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: target,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on("error", () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    forwarded,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
