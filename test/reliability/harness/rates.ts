/** Send rates as a provider sees them, from the timestamps in an emulator's call log. */

/** The most timestamps (ms) that fall within any `windowMs`-long sliding window. */
export function maxInWindow(timesMs: readonly number[], windowMs: number): number {
  const sorted = [...timesMs].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * Sends beyond what a pace of `perSecond` with `burst` extra messages allows, over every stretch
 * of the log (GCRA conformance: n sends need (n − 1 − burst) intervals between the first and the
 * last). 0 means the chat was never written to faster than its sustained pace. `slackMs` absorbs
 * the jitter between when a slot was taken and when the request reached the emulator.
 */
export function sendsOverPace(
  timesMs: readonly number[],
  perSecond: number,
  burst: number,
  slackMs = 100,
): number {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const interval = 1000 / perSecond;
  let worst = 0;
  for (let first = 0; first < sorted.length; first++) {
    for (let last = first; last < sorted.length; last++) {
      const allowed =
        Math.floor(((sorted[last] as number) - (sorted[first] as number) + slackMs) / interval) + 1 + burst;
      worst = Math.max(worst, last - first + 1 - allowed);
    }
  }
  return worst;
}
