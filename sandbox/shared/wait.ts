import type { EventEmitter } from "node:events";

export interface WaitOptions {
  /** Give up after this long. Default: 5000 ms. */
  readonly timeoutMs?: number;
}

export const DEFAULT_WAIT_MS = 5000;

/** The events every emulator's internal emitter has: `closed` ends all waits. */
type EmulatorEvents<E> = Record<keyof E, unknown[]> & { closed: [] };

/** The emulator state a wait reads: its internal emitter and whether it is closed. */
export interface WaitContext<E extends EmulatorEvents<E>> {
  readonly internal: EventEmitter<E>;
  readonly closed: boolean;
}

/** What differs between emulators: which events may change a check's answer, and the closed error. */
export interface WaitEvents<E extends EmulatorEvents<E>> {
  readonly wakeOn: readonly Exclude<keyof E & string, "closed">[];
  readonly closedError: () => Error;
}

/**
 * Resolves with the first non-undefined result of `check`, evaluated now and again after every
 * `events.wakeOn` event. Event-driven: no polling loop. `check` may throw to reject. Waiters are
 * evaluated in the order they were created. Rejects with `closedError()` if the emulator is or gets closed.
 */
export function waitUntil<E extends EmulatorEvents<E>, T>(
  ctx: WaitContext<E>,
  events: WaitEvents<E>,
  check: () => T | undefined,
  timeoutMs: number,
  timeoutError: () => Error,
): Promise<T> {
  // The typed emitter cannot check event names chosen by a caller; the events' arguments are ignored.
  const internal = ctx.internal as unknown as EventEmitter;
  return new Promise<T>((resolve, reject) => {
    if (ctx.closed) {
      reject(events.closedError());
      return;
    }
    let done = false;
    const finish = (action: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const event of events.wakeOn) internal.off(event, evaluate);
      internal.off("closed", onClosed);
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
    const onClosed = () => finish(() => reject(events.closedError()));
    const timer = setTimeout(() => finish(() => reject(timeoutError())), timeoutMs);
    for (const event of events.wakeOn) internal.on(event, evaluate);
    internal.on("closed", onClosed);
    evaluate();
  });
}
