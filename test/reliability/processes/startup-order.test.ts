/**
 * Issue 12 and R15: start-up in any order. Duka's processes start while Redis (or the store) is
 * down for RELIABILITY_DOWN_SECONDS (30 at full scale, 6 in CI); none exits, and each becomes ready (its "duka
 * started", /readyz 200 on web) once its dependencies are up. Redis here is a private
 * redis-server on a free port, so the shared one is never disturbed; the store is a private
 * FerretDB (harness/ferretdb.ts; needs the ferretdb binary).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../sandbox/free-port.js";
import { createOwnFerretDb, ferretdbAvailable, multiProcessStoreAvailable } from "../harness/ferretdb.js";
import { type DukaProcess, NEEDS_MONGODB } from "../harness/processes.js";
import { scaled } from "../harness/scale.js";
import { type Rig, startRig } from "./rig.js";

const DOWN_MS = Number(process.env.RELIABILITY_DOWN_SECONDS ?? scaled(30, 5)) * 1000;
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts `command` and resolves once it printed `ready` (stdout or stderr); killed after the test. */
async function startServer(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  cleanups.push(async () => {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
    child.once("exit", (code) => reject(new Error(`${command} exited (${code}): ${output}`)));
  });
  return child;
}

function startRedis(port: number) {
  return startServer(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    /Ready to accept connections/,
  );
}

/** Resolves with the name of a process that exited within `ms`, or undefined when none did. */
async function exitWithin(processes: readonly DukaProcess[], ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const exits = processes.map((process) => process.exited.then((code) => `${process.name} (${code})`));
  try {
    return await Promise.race([quiet, ...exits]);
  } finally {
    clearTimeout(timer);
  }
}

async function readyz(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
}

/** The web ports among `processes`, each answering /readyz 200. */
async function expectReady(processes: readonly DukaProcess[]): Promise<void> {
  await Promise.all(processes.map((process) => process.waitForLog("duka started", 60_000)));
  for (const process of processes) {
    if (process.port !== undefined) expect(await readyz(process.port)).toBe(200);
  }
}

async function rigOn(env: Record<string, string>, multiProcess = false): Promise<Rig> {
  const rig = await startRig(env, {}, { multiProcess });
  cleanups.push(() => rig.close());
  return rig;
}

/** Every role of a deployment: all of them on the embedded store (one process). */
function spawnDeployment(rig: Rig): DukaProcess[] {
  if (rig.cluster.kind === "embedded") return [rig.cluster.spawn("all", { port: rig.publicPort })];
  return [
    rig.cluster.spawn("worker"),
    rig.cluster.spawn("web", { port: rig.publicPort }),
    rig.cluster.spawn("telegram"),
  ];
}

describe("start-up in any order", () => {
  it(`nothing exits while Redis is down for ${DOWN_MS / 1000} s; each process is ready once it is up`, async () => {
    const redisPort = await freePort();
    const rig = await rigOn({ REDIS_URL: `redis://127.0.0.1:${redisPort}` });
    const processes = spawnDeployment(rig);
    expect(await exitWithin(processes, DOWN_MS)).toBeUndefined();
    expect(processes.every((process) => process.logs.every((line) => line.msg !== "duka started"))).toBe(
      true,
    );
    await startRedis(redisPort);
    const upAt = Date.now();
    await expectReady(processes);
    console.log(
      `R15 redis down ${DOWN_MS / 1000} s (${rig.cluster.kind}, ${processes.length} processes): 0 exits, all ready ${((Date.now() - upAt) / 1000).toFixed(1)} s after Redis`,
    );
  });

  it.skipIf(!multiProcessStoreAvailable())(`worker before web (${NEEDS_MONGODB})`, async () => {
    const rig = await rigOn({}, true);
    const worker = await rig.cluster.start("worker");
    const web = await rig.cluster.start("web", { port: rig.publicPort });
    await expectReady([worker, web]);
  });

  it.skipIf(!ferretdbAvailable())(
    `nothing exits while the store is down for ${DOWN_MS / 1000} s (needs the ferretdb binary)`,
    async () => {
      const ferret = await createOwnFerretDb();
      cleanups.push(() => ferret.close());
      const rig = await rigOn({}, true);
      // The cluster's own database on a server that is not there yet.
      const uri = ferret.uri(`duka-${rig.cluster.prefix}`);
      const processes = [
        rig.cluster.spawn("worker", { env: { MONGODB_URI: uri } }),
        rig.cluster.spawn("web", { port: rig.publicPort, env: { MONGODB_URI: uri } }),
        rig.cluster.spawn("telegram", { env: { MONGODB_URI: uri } }),
      ];
      expect(await exitWithin(processes, DOWN_MS)).toBeUndefined();
      await ferret.start();
      const upAt = Date.now();
      await expectReady(processes);
      console.log(
        `store down ${DOWN_MS / 1000} s (ferretdb, 3 processes): 0 exits, all ready ${((Date.now() - upAt) / 1000).toFixed(1)} s after the store`,
      );
    },
  );
});
