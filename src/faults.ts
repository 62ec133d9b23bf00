/**
 * Test-only hooks for the reliability suite (reliability.md §4.0), off unless the environment
 * asks and refused when NODE_ENV=production:
 *
 * - `DUKA_FAULTS=point[:times],…` makes the process SIGKILL itself at a named crash point, the
 *   first `times` times this process reaches it (default: every time). A real kill -9, so the
 *   suite proves what a crash there leaves behind. A stuck point in the same list instead blocks
 *   the process there for 15 s: a processor that hogs its event loop past BullMQ's lock (R11).
 * - `DUKA_TEST_TIMINGS=1` shortens the waits that only matter after a crash (BullMQ's lock and
 *   stalled check, the inbox and outbox sweepers) to 5 s, so a restart recovers in seconds.
 *
 * Read once at start (`configureTestHooks`); until then, and when unset, every hook is a no-op.
 */
import { writeSync } from "node:fs";
import { ConfigError } from "./domain/errors.js";

export const CRASH_POINTS = [
  /** The settle job, after the provider confirmed and before the payment's compare-and-set. */
  "before-settle",
  /** The settle job's work is done and stored; BullMQ has not recorded the job as completed. */
  "after-settle-before-ack",
  /** A reply reached the channel; the outbox does not know yet. */
  "after-send-before-mark",
  /** A webhook passed its authentication; nothing is recorded. */
  "before-inbox-write",
  /** A webhook is in the inbox; its settle job is not queued. */
  "after-inbox-write-before-enqueue",
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export const STUCK_POINTS = [
  /** As before-settle, but hung there in synchronous code: no lock renewal, no stalled check. */
  "stuck-before-settle",
] as const;

export type StuckPoint = (typeof STUCK_POINTS)[number];
type FaultPoint = CrashPoint | StuckPoint;
const FAULT_POINTS: readonly string[] = [...CRASH_POINTS, ...STUCK_POINTS];

/** Three test lockDurations (5 s): another worker sees the lock lost twice meanwhile (R11). */
const STUCK_MS = 15_000;

export interface TestTimings {
  /** BullMQ lockDuration and stalledInterval: how soon a killed worker's job runs again. */
  readonly lockMs: number;
  /** How often the sweepers look, and how old a stranded row must be. */
  readonly sweepMs: number;
}

const SHORT_TIMINGS: TestTimings = { lockMs: 5_000, sweepMs: 5_000 };

/** Remaining faults per point; Infinity for every time. */
let armed = new Map<FaultPoint, number>();
let timings: TestTimings | undefined;

/** Reads DUKA_FAULTS and DUKA_TEST_TIMINGS; a ConfigError for a bad value or in production. */
export function configureTestHooks(env: NodeJS.ProcessEnv): void {
  const faults = env.DUKA_FAULTS?.trim() ?? "";
  const shortTimings = env.DUKA_TEST_TIMINGS?.trim() ?? "";
  if ((faults !== "" || shortTimings !== "") && env.NODE_ENV === "production") {
    throw new ConfigError(
      "Invalid configuration: DUKA_FAULTS and DUKA_TEST_TIMINGS are test-only and refused when NODE_ENV=production",
    );
  }
  armed = parseFaults(faults);
  if (shortTimings !== "" && shortTimings !== "1") {
    throw new ConfigError(
      `Invalid configuration: DUKA_TEST_TIMINGS must be 1 or unset, not "${shortTimings}"`,
    );
  }
  timings = shortTimings === "1" ? SHORT_TIMINGS : undefined;
}

function parseFaults(value: string): Map<FaultPoint, number> {
  const points = new Map<FaultPoint, number>();
  for (const entry of value.split(",")) {
    if (entry.trim() === "") continue;
    const [name = "", times] = entry.trim().split(":");
    const count = times === undefined ? Number.POSITIVE_INFINITY : Number(times);
    const known = FAULT_POINTS.includes(name);
    if (!known || (times !== undefined && !(Number.isInteger(count) && count >= 1))) {
      throw new ConfigError(
        `Invalid configuration: DUKA_FAULTS entry "${entry.trim()}" must be one of ${FAULT_POINTS.join(", ")}, optionally with :N (only the first N times)`,
      );
    }
    points.set(name as FaultPoint, count);
  }
  return points;
}

/** Whether DUKA_FAULTS arms `point` this time; counts it. */
function fires(point: FaultPoint): boolean {
  const remaining = armed.get(point);
  if (remaining === undefined || remaining < 1) return false;
  armed.set(point, remaining - 1);
  return true;
}

/** Kills this process with SIGKILL when DUKA_FAULTS arms `point`; otherwise nothing. */
export function crashPoint(point: CrashPoint): void {
  if (!fires(point)) return;
  // Written synchronously before dying: the suite reads it to know the crash came from here.
  writeSync(2, `DUKA_FAULTS: crashing at ${point}\n`);
  process.kill(process.pid, "SIGKILL");
}

/** Blocks this process for 15 s when DUKA_FAULTS arms `point`; otherwise nothing. */
export function stuckPoint(point: StuckPoint): void {
  if (!fires(point)) return;
  writeSync(2, `DUKA_FAULTS: stuck at ${point} for ${STUCK_MS} ms\n`);
  // Synchronous like a busy loop, but asleep: the event loop stops without taking a core.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STUCK_MS);
}

/** The short timings when DUKA_TEST_TIMINGS=1, else undefined (production values apply). */
export function testTimings(): TestTimings | undefined {
  return timings;
}
