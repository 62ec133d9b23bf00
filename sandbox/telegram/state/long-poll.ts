import type { BotApiError } from "../errors.js";

/** Why a held getUpdates stopped waiting. */
export type PollOutcome = "woken" | "timeout" | "closed" | "aborted";

interface Held {
  settle(outcome: PollOutcome): void;
  fail(error: BotApiError): void;
}

/**
 * The one getUpdates request a bot may hold open. Telegram allows a single long poll per bot: a newer
 * request (or setWebhook) ends the older one with 409, which is how grammY notices a second instance.
 */
export class LongPollGate {
  private held: Held | undefined;
  private closed = false;

  get isHolding(): boolean {
    return this.held !== undefined;
  }

  /** Waits until `wake()`, the timeout, `close()`, the client hanging up, or `preempt()` (rejects). */
  wait(timeoutMs: number, signal: AbortSignal): Promise<PollOutcome> {
    if (this.closed) return Promise.resolve("closed");
    if (signal.aborted) return Promise.resolve("aborted");
    return new Promise<PollOutcome>((resolve, reject) => {
      let done = false;
      const finish = (action: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.held === held) this.held = undefined;
        action();
      };
      const held: Held = {
        settle: (outcome) => finish(() => resolve(outcome)),
        fail: (error) => finish(() => reject(error)),
      };
      const onAbort = () => held.settle("aborted");
      const timer = setTimeout(() => held.settle("timeout"), timeoutMs);
      timer.unref();
      signal.addEventListener("abort", onAbort, { once: true });
      this.held = held;
    });
  }

  wake(): void {
    this.held?.settle("woken");
  }

  /** Ends the held request with an error (409 Conflict). */
  preempt(error: BotApiError): void {
    this.held?.fail(error);
  }

  /** Ends the held request normally (an empty result) and refuses to hold new ones. */
  close(): void {
    this.closed = true;
    this.held?.settle("closed");
  }
}
