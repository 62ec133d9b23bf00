import { setTimeout as sleep } from "node:timers/promises";
import type { CallbackDelivery, StkCallbackBody } from "../types.js";

export interface CallbackJob {
  readonly checkoutRequestId: string;
  readonly url: string;
  readonly body: StkCallbackBody;
  /** POSTs sent together. */
  readonly copies: number;
  readonly delayMs: number;
}

export interface CallbackSenderDeps {
  readonly timeoutMs: number;
  readonly onDelivery: (delivery: CallbackDelivery) => void;
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as { name?: string }).name === "TimeoutError")
    return "Timeout: the receiver did not answer in time";
  if (cause?.code !== undefined) return `Connection failed: ${cause.code}`;
  return `Connection failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * POSTs callbacks: one attempt per copy, no retries (Daraja documents none). `idle()` waits for jobs
 * that are delayed or sending; jobs held for `releaseHeld()` (late delivery) do not count.
 */
export class CallbackSender {
  readonly deliveries: CallbackDelivery[] = [];
  private readonly stopper = new AbortController();
  private readonly held: CallbackJob[] = [];
  private readonly copiesSent = new Map<string, number>();
  private active = 0;
  private readonly idleWaiters = new Set<() => void>();
  private seq = 1;

  constructor(private readonly deps: CallbackSenderDeps) {}

  send(job: CallbackJob): void {
    if (this.stopper.signal.aborted) return;
    this.active++;
    // A throwing "callback" event listener must not surface as an unhandled rejection.
    void this.run(job)
      .catch(() => undefined)
      .finally(() => {
        this.active--;
        if (this.active === 0) for (const wake of [...this.idleWaiters]) wake();
      });
  }

  hold(job: Omit<CallbackJob, "delayMs">): void {
    if (!this.stopper.signal.aborted) this.held.push({ ...job, delayMs: 0 });
  }

  /** Sends held callbacks (of one push, or all) now; returns how many were held. */
  releaseHeld(checkoutRequestId?: string): number {
    let released = 0;
    for (let index = 0; index < this.held.length; ) {
      const job = this.held[index] as CallbackJob;
      if (checkoutRequestId === undefined || job.checkoutRequestId === checkoutRequestId) {
        this.held.splice(index, 1);
        this.send(job);
        released++;
      } else index++;
    }
    return released;
  }

  heldCount(): number {
    return this.held.length;
  }

  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.idleWaiters.delete(wake);
        resolve();
      };
      this.idleWaiters.add(wake);
    });
  }

  /** Cancels delayed and held callbacks and aborts POSTs in progress; idle() resolves. */
  close(): void {
    this.stopper.abort();
    this.held.length = 0;
    for (const wake of [...this.idleWaiters]) wake();
  }

  private async run(job: CallbackJob): Promise<void> {
    if (job.delayMs > 0) {
      try {
        await sleep(job.delayMs, undefined, { signal: this.stopper.signal });
      } catch {
        return;
      }
    }
    const first = (this.copiesSent.get(job.checkoutRequestId) ?? 0) + 1;
    this.copiesSent.set(job.checkoutRequestId, first - 1 + job.copies);
    await Promise.all(Array.from({ length: job.copies }, (_, index) => this.post(job, first + index)));
  }

  private async post(job: CallbackJob, copy: number): Promise<void> {
    if (this.stopper.signal.aborted) return;
    const sentAt = new Date();
    let status: number | undefined;
    let responseBody: string | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(job.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(job.body),
        signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.deps.timeoutMs)]),
      });
      status = response.status;
      responseBody = (await response.text()).slice(0, 2000);
    } catch (failure) {
      if (this.stopper.signal.aborted) return;
      error = describeFailure(failure);
    }
    const delivery: CallbackDelivery = {
      seq: this.seq++,
      checkoutRequestId: job.checkoutRequestId,
      url: job.url,
      body: job.body,
      copy,
      status,
      error,
      delivered: status !== undefined && status >= 200 && status < 300,
      responseBody,
      sentAt,
      durationMs: Date.now() - sentAt.getTime(),
    };
    this.deliveries.push(delivery);
    this.deps.onDelivery(delivery);
  }
}
