import type { EmulatorContext } from "./context.js";
import { PaystackEmulatorError } from "./errors.js";

export interface WaitOptions {
  /** Give up after this long. Default: 5000 ms. */
  readonly timeoutMs?: number;
}

export const DEFAULT_WAIT_MS = 5000;

/**
 * Resolves with the first non-undefined result of `check`, evaluated now and again after every
 * transaction change. Event-driven: no polling loop. `check` may throw to reject.
 */
export function waitUntil<T>(
  ctx: EmulatorContext,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const closedError = () =>
      new PaystackEmulatorError("closed", "The Paystack emulator was closed while waiting");
    if (ctx.closed) {
      reject(closedError());
      return;
    }
    let done = false;
    const finish = (action: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ctx.internal.off("transaction", evaluate);
      ctx.internal.off("closed", onClosed);
      action();
    };
    function evaluate() {
      let value: T | undefined;
      try {
        value = check();
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      if (value !== undefined) finish(() => resolve(value));
    }
    const onClosed = () => finish(() => reject(closedError()));
    const timer = setTimeout(() => finish(() => reject(timeoutError())), timeoutMs);
    ctx.internal.on("transaction", evaluate);
    ctx.internal.on("closed", onClosed);
    evaluate();
  });
}
