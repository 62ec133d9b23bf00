import { waitOnEvents } from "../shared/wait.js";
import type { EmulatorContext } from "./context.js";
import { PaystackEmulatorError } from "./errors.js";

const closedError = () =>
  new PaystackEmulatorError("closed", "The Paystack emulator was closed while waiting");

/** Waits in the in-process API: re-checked after every transaction change. */
export function waitUntil<T>(
  ctx: EmulatorContext,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  const source = {
    internal: ctx.internal,
    closed: ctx.closed,
    wakeOn: ["transaction"] as const,
    closedError,
  };
  return waitOnEvents(source, check, timeoutMs, timeoutError);
}
