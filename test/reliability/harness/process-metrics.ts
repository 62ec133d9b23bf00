/**
 * What a soak measures of Duka's own processes (reliability.md R30): resident memory from
 * /proc/<pid>/status, and event-loop delay — from Duka's /metrics on web processes (prom-client's
 * default `nodejs_eventloop_lag_p99_seconds`, reset at each scrape, so each scrape is one window),
 * and from loop-probe.mjs on the roles that serve no HTTP.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Cluster, DukaProcess } from "./processes.js";
import { quantile } from "./report.js";

export interface RssSample {
  readonly name: string;
  readonly pid: number;
  readonly atMs: number;
  readonly rssBytes: number;
}

/** One window's p99 event-loop delay of one process. */
export interface LagWindow {
  readonly name: string;
  readonly atMs: number;
  readonly p99Ms: number;
}

const PROBE = pathToFileURL(join(import.meta.dirname, "loop-probe.mjs")).href;

/** Environment that preloads the event-loop probe, one window every `windowMs`. */
export function loopProbeEnv(windowMs: number): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${PROBE}`.trim(),
    DUKA_LOOP_PROBE_MS: String(windowMs),
  };
}

/** VmRSS of a running process; undefined once it is gone. */
export async function rssBytes(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  const kb = status?.match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** The p99 event-loop delay since the last scrape of a web process's /metrics. */
export async function scrapeLoopLagMs(port: number): Promise<number | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  if (!response?.ok) return undefined;
  const seconds = (await response.text()).match(/^nodejs_eventloop_lag_p99_seconds\s+(\S+)$/m)?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** The probe's windows so far, from every process of the cluster that loads it. */
export function probedLag(cluster: Cluster): LagWindow[] {
  return cluster.processes.flatMap((run) =>
    run.logs
      .filter((line) => line.msg === "event-loop probe")
      .map((line) => ({ name: run.name, atMs: Number(line.at), p99Ms: Number(line.p99Ms) })),
  );
}

export interface ProcessSampler {
  readonly rss: RssSample[];
  /** Web processes' windows, scraped from /metrics. */
  readonly webLag: LagWindow[];
  stop(): Promise<void>;
}

/** Samples the RSS of every running process, and scrapes each web process's /metrics, every `everyMs`. */
export function sampleProcesses(cluster: Cluster, everyMs: number): ProcessSampler {
  const rss: RssSample[] = [];
  const webLag: LagWindow[] = [];
  const sampleOne = async (run: DukaProcess) => {
    const atMs = Date.now();
    const bytes = await rssBytes(run.pid);
    if (bytes !== undefined) rss.push({ name: run.name, pid: run.pid, atMs, rssBytes: bytes });
    if (run.role === "web" && run.port !== undefined) {
      const p99Ms = await scrapeLoopLagMs(run.port);
      if (p99Ms !== undefined) webLag.push({ name: run.name, atMs, p99Ms });
    }
  };
  let round: Promise<unknown> = Promise.resolve();
  // A measurement cadence, not a wait for a condition.
  const timer = setInterval(() => {
    round = Promise.all(cluster.processes.filter((run) => run.isRunning()).map(sampleOne));
  }, everyMs);
  return {
    rss,
    webLag,
    async stop() {
      clearInterval(timer);
      await round;
    },
  };
}

/**
 * RSS growth per process from just after warm-up to the end: the median of each process's samples
 * in the first and in the last `spanMs` of [fromMs, toMs] (medians, so one GC-swollen sample does
 * not decide). Each pid is its own series: a restarted worker counts from its first sample in range.
 */
export function rssGrowth(
  samples: readonly RssSample[],
  fromMs: number,
  toMs: number,
  spanMs: number,
): { name: string; pid: number; fromBytes: number; toBytes: number; growth: number }[] {
  const pids = [...new Set(samples.map((sample) => sample.pid))];
  return pids.flatMap((pid) => {
    const own = samples.filter(
      (sample) => sample.pid === pid && sample.atMs >= fromMs && sample.atMs <= toMs,
    );
    if (own.length < 2) return [];
    const first = own[0]!.atMs;
    const last = own.at(-1)!.atMs;
    const median = (window: RssSample[]) =>
      quantile(
        window.map((sample) => sample.rssBytes),
        0.5,
      );
    const fromBytes = median(own.filter((sample) => sample.atMs <= first + spanMs));
    const toBytes = median(own.filter((sample) => sample.atMs >= last - spanMs));
    return [{ name: own[0]!.name, pid, fromBytes, toBytes, growth: toBytes / fromBytes - 1 }];
  });
}
