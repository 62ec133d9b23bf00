/** The one summary line each R-test prints with its figures, and the statistics it needs. */
export function report(line: string): void {
  // Tests are silent otherwise; this line is the suite's output (README, "The fault suite").
  console.log(line);
}

/** The q-quantile (0..1) of `values`, nearest-rank; 0 for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * A latency or timing target of §4. The figure is always printed; it fails the test only with
 * RELIABILITY_STRICT_TIMING=1 (`npm run soak` on a quiet machine): CI shares two cores with other
 * jobs, where a missed target says more about the neighbours than about Duka.
 */
export function target(name: string, value: number, limit: number, unit = "ms"): string {
  const met = value < limit;
  if (!met && process.env.RELIABILITY_STRICT_TIMING === "1") {
    throw new Error(`${name} ${value.toFixed(0)} ${unit} misses the target < ${limit} ${unit}`);
  }
  return `${name} ${value.toFixed(0)} ${unit}${met ? "" : ` (target < ${limit} ${unit}: MISSED)`}`;
}
