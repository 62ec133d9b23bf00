/**
 * How big the reliability runs are. `npm run test:reliability` (CI) runs a fraction of the numbers
 * in reliability.md §4; `RELIABILITY_SCALE=1` (what `npm run soak` sets) runs them in full.
 */
const raw = Number(process.env.RELIABILITY_SCALE ?? "0.2");
export const SCALE = Number.isFinite(raw) && raw > 0 ? Math.min(raw, 1) : 0.2;

/** `full` (the §4 figure) at this scale, never below `floor`. */
export function scaled(full: number, floor = 1): number {
  return Math.max(floor, Math.round(full * SCALE));
}
