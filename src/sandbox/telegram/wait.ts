import { waitOnEvents } from "../shared/wait.js";
import type { EmulatorContext } from "./context.js";
import { TelegramEmulatorError } from "./errors.js";

const closedError = () =>
  new TelegramEmulatorError("closed", "The Telegram emulator was closed while waiting");

/** Waits for a user driver: re-checked after every chat change and callback answer. */
export function waitUntil<T>(
  ctx: EmulatorContext,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  const source = {
    internal: ctx.internal,
    closed: ctx.closed,
    wakeOn: ["chat", "answer"] as const,
    closedError,
  };
  return waitOnEvents(source, check, timeoutMs, timeoutError);
}
