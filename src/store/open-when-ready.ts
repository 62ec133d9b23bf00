/**
 * Opens the store once its server can serve: a server that is down, restarting or busy at start
 * (StoreUnavailableError: unreachable, failing over, FerretDB's SQLite locked during the index
 * build) is waited for, so processes can start in any order. Anything else (a bad URI, an index
 * the data breaks) is thrown at once: waiting would not fix it.
 */
import { setTimeout as delay } from "node:timers/promises";
import { StoreUnavailableError } from "../domain/errors.js";
import type { StoreLogger } from "./logger.js";

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

export async function openWhenReady<T>(
  open: () => Promise<T>,
  logger?: StoreLogger,
  delays: { firstMs: number; maxMs: number } = { firstMs: FIRST_DELAY_MS, maxMs: MAX_DELAY_MS },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      const waitMs = Math.min(delays.firstMs * 2 ** attempt, delays.maxMs);
      logger?.warn({ attempt: attempt + 1, retryInMs: waitMs, err: error }, "store not ready; trying again");
      await delay(waitMs);
    }
  }
}
