import { setTimeout as delay } from "node:timers/promises";
import { StoreUnavailableError } from "../domain/errors.js";

/**
 * Runs `operation`, and again after each pause in `pausesMs` for as long as it fails with
 * StoreUnavailableError (a store restarting, FerretDB's SQLite busy, a failover). Any other
 * error, or the last unavailable one, is thrown. Only for operations that are safe to repeat.
 */
export async function whileStoreUnavailable<T>(
  operation: () => Promise<T>,
  pausesMs: readonly number[],
  onRetry?: (error: StoreUnavailableError, attempt: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const pause = pausesMs[attempt - 1];
      if (!(error instanceof StoreUnavailableError) || pause === undefined) throw error;
      onRetry?.(error, attempt);
      await delay(pause);
    }
  }
}
