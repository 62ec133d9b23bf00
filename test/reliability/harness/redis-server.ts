/**
 * A redis-server of the test's own (reliability.md §4.0 "Redis faults"), on a free port with a
 * temp directory, so a test can shut it down, SIGKILL, SIGSTOP and restart it without touching the
 * shared Redis every other test uses. AOF everysec and noeviction unless the test says otherwise.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../../sandbox/free-port.js";
import { waitUntil } from "./wait.js";

export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  /** Starts it (again) on the same port and directory; resolves once it answers PING. */
  start(): Promise<void>;
  /** `SHUTDOWN` (AOF flushed), as `redis-cli shutdown` does; resolves once the process exited. */
  shutdown(): Promise<void>;
  /** SIGKILL; resolves once the process exited. */
  kill9(): Promise<void>;
  freeze(): void;
  thaw(): void;
  /** Stops it if running and removes its directory. */
  close(): Promise<void>;
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(500);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      socket.destroy();
      resolve(String(data).startsWith("+PONG"));
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function createOwnRedis(
  options: { appendonly?: boolean; maxmemoryPolicy?: string } = {},
): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "duka-redis-"));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const stopped = async () => {
    await exited;
    child = undefined;
  };
  const own: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) throw new Error("redis-server is already running");
      const process = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          options.appendonly === false ? "no" : "yes",
          "--appendfsync",
          "everysec",
          "--maxmemory-policy",
          options.maxmemoryPolicy ?? "noeviction",
        ],
        { stdio: "ignore" },
      );
      child = process;
      exited = new Promise((resolve) => process.once("exit", () => resolve()));
      await waitUntil(() => answersPing(port), { timeoutMs: 10_000, everyMs: 50 });
    },
    async shutdown() {
      if (!child) return;
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.write("SHUTDOWN\r\n");
      await stopped();
      socket.destroy();
    },
    async kill9() {
      child?.kill("SIGKILL");
      await stopped();
    },
    freeze() {
      child?.kill("SIGSTOP");
    },
    thaw() {
      child?.kill("SIGCONT");
    },
    async close() {
      own.thaw();
      await own.kill9();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return own;
}
