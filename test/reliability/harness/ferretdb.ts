/**
 * A FerretDB (MongoDB wire protocol on SQLite) of the test's own, on a free port and temp
 * directories, so R16 can stop and restart it without touching CI's shared instance. The binary is
 * the one `.ci/ferretdb` builds into $HOME/go/bin (FERRETDB_BIN overrides).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { freePort } from "../../../sandbox/free-port.js";
import { waitUntil } from "./wait.js";

export const FERRETDB_BIN = process.env.FERRETDB_BIN ?? join(homedir(), "go", "bin", "ferretdb");
export const ferretdbAvailable = () => existsSync(FERRETDB_BIN);
/** How long a stop waits for FerretDB to exit on SIGTERM before killing it. */
const STOP_GRACE_MS = 5_000;
/** A store several Duka processes can share: MONGODB_URI, or a FerretDB the test starts. */
export const multiProcessStoreAvailable = () => Boolean(process.env.MONGODB_URI) || ferretdbAvailable();

export interface OwnFerretDb {
  /** mongodb:// URI of database `name`. */
  uri(name: string): string;
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after STOP_GRACE_MS; resolves once the process exited. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });

export async function createOwnFerretDb(): Promise<OwnFerretDb> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), "duka-ferretdb-"));
  await mkdir(join(dir, "db"));
  await mkdir(join(dir, "state"));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const own: OwnFerretDb = {
    uri: (name) => `mongodb://127.0.0.1:${port}/${name}`,
    async start() {
      const process = spawn(
        FERRETDB_BIN,
        [
          "--handler=sqlite",
          `--sqlite-url=file:${join(dir, "db")}/`,
          `--state-dir=${join(dir, "state")}`,
          `--listen-addr=127.0.0.1:${port}`,
          "--debug-addr=-",
          "--telemetry=disable",
          "--log-level=error",
        ],
        { stdio: "ignore" },
      );
      child = process;
      exited = new Promise((resolve) => process.once("exit", () => resolve()));
      await waitUntil(() => listening(port), { timeoutMs: 20_000, everyMs: 50 });
    },
    async stop() {
      child?.kill("SIGTERM");
      // A graceful stop may wait on the clients' open connections (Duka's pool keeps them): after
      // a bounded wait it is killed, as a crashed store would be.
      const grace = new AbortController();
      const stopped = await Promise.race([
        exited.then(() => true),
        delay(STOP_GRACE_MS, false, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (!stopped) child?.kill("SIGKILL");
      await exited;
      child = undefined;
    },
    async close() {
      child?.kill("SIGKILL");
      await exited;
      child = undefined;
      await rm(dir, { recursive: true, force: true });
    },
  };
  return own;
}
