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

/**
 * Settled RSS less the V8 heap pages that are committed but free. After a burst of allocation V8
 * keeps its grown heap committed (heapTotal) long after the objects died, which RSS counts; that
 * memory is V8's to reuse, not held by anything, so a leak check looks at the rest.
 */
export function retainedRss(): number {
  const rss = settledRss();
  const { heapTotal, heapUsed } = process.memoryUsage();
  return rss - (heapTotal - heapUsed);
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
