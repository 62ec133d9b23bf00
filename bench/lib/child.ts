/**
 * A server under load runs in a process of its own, so the CPU it spends per request is its own:
 * the load generator and emulators stay in the bench process. The child (bench/servers.ts) says
 * when it listens and answers CPU-usage questions over IPC.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const SERVERS = fileURLToPath(new URL("../servers.ts", import.meta.url));

export interface ChildServer {
  readonly url: string;
  /** What the server told the bench when it was ready (ids it created, for example). */
  readonly info: Readonly<Record<string, string>>;
  /** CPU time (user + system) the child has used so far, in microseconds. */
  cpuMicros(): Promise<number>;
  /** Resident memory of the child, in bytes. */
  rssBytes(): Promise<number>;
  stop(): Promise<void>;
}

type FromChild =
  | { type: "ready"; port: number; info: Record<string, string> }
  | { type: "usage"; id: number; cpuMicros: number; rssBytes: number };

export async function startChildServer(kind: string, env: Record<string, string>): Promise<ChildServer> {
  const child: ChildProcess = fork(SERVERS, [kind], {
    env: { ...process.env, ...env },
    // BENCH_CPU_PROF=DIR writes a V8 CPU profile of each server there (bench/profile.ts reads it).
    execArgv: [
      "--import",
      "tsx",
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<Extract<FromChild, { type: "ready" }>>((resolve, reject) => {
    child.on("message", (message: FromChild) => message.type === "ready" && resolve(message));
    child.once("exit", (code) =>
      reject(new Error(`bench server ${kind} exited with ${code} before it was ready`)),
    );
  });
  let asked = 0;
  const usage = () =>
    new Promise<Extract<FromChild, { type: "usage" }>>((resolve) => {
      const id = ++asked;
      const listener = (message: FromChild) => {
        if (message.type !== "usage" || message.id !== id) return;
        child.off("message", listener);
        resolve(message);
      };
      child.on("message", listener);
      child.send({ type: "usage", id });
    });
  return {
    url: `http://127.0.0.1:${ready.port}`,
    info: ready.info,
    cpuMicros: async () => (await usage()).cpuMicros,
    rssBytes: async () => (await usage()).rssBytes,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
