/**
 * Resident memory after a full garbage collection, so a growth figure counts what is kept, not
 * garbage not yet collected. vitest does not start Node with --expose-gc; the V8 flag can still be
 * set at run time and `gc` taken from a fresh context.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export function settledRss(): number {
  gc();
  return process.memoryUsage().rss;
}

/** Samples RSS every `everyMs` while `work` runs; returns its result and the peak seen. */
export async function peakRssDuring<T>(
  work: () => Promise<T>,
  everyMs = 5,
): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
  }
}
