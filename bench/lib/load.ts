/**
 * HTTP load with autocannon against a child server, interleaved with its baseline: both run in
 * turns (ABAB…, swapping who goes first), so a busy neighbour on a shared machine slows both
 * alike and the ratio stays meaningful when the absolute figures do not.
 */
import autocannon from "autocannon";
import type { ChildServer } from "./child.js";
import { median } from "./stats.js";

export interface LoadTarget {
  readonly name: string;
  readonly server: ChildServer;
  readonly path: string;
  /** A fresh request body and headers for each request (unique event ids, signatures…). */
  next(): { body: string; headers: Record<string, string> };
}

export interface LoadFigures {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number;
  readonly failed: number;
}

async function loadOnce(target: LoadTarget, seconds: number, connections: number): Promise<LoadFigures> {
  const cpuBefore = await target.server.cpuMicros();
  const result = await autocannon({
    url: `${target.server.url}${target.path}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const { body, headers } = target.next();
          return {
            ...request,
            body,
            headers: { ...request.headers, "content-type": "application/json", ...headers },
          };
        },
      },
    ],
  });
  const cpuAfter = await target.server.cpuMicros();
  const ok = result["2xx"];
  return {
    perSecond: ok / seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: ok > 0 ? (cpuAfter - cpuBefore) / ok : Number.NaN,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** Medians over `rounds` interleaved runs of each target. */
export async function compareUnderLoad(
  targets: readonly [LoadTarget, LoadTarget],
  options: { rounds: number; seconds: number; connections: number },
): Promise<[LoadFigures, LoadFigures]> {
  const runs: [LoadFigures[], LoadFigures[]] = [[], []];
  // A short warm-up of each, unmeasured: JIT, connection pools, Redis scripts.
  for (const target of targets) await loadOnce(target, 1, options.connections);
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order)
      runs[index]!.push(await loadOnce(targets[index]!, options.seconds, options.connections));
  }
  return [summarize(runs[0]), summarize(runs[1])];
}

function summarize(runs: readonly LoadFigures[]): LoadFigures {
  return {
    perSecond: median(runs.map((run) => run.perSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    cpuMicrosPerRequest: median(runs.map((run) => run.cpuMicrosPerRequest)),
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
  };
}
