import { waitOnEvents } from "../shared/wait.js";
import type { DarajaContext } from "./context.js";
import { closedError } from "./errors.js";

/** Waits for the shopper side: re-checked after every accepted push. */
export function waitUntil<T>(
  ctx: DarajaContext,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  const source = { internal: ctx.internal, closed: ctx.closed, wakeOn: ["push"] as const, closedError };
  return waitOnEvents(source, check, timeoutMs, timeoutError);
}
