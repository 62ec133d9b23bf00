/**
 * The emulators' webhook delivery loop: POST an event, retry it on its delays until answered 2xx,
 * record every attempt. What differs per provider (how an attempt is authenticated, where the
 * event id is) is passed in; `Mode` names how a delivery is tampered with (fault injection).
 */
import { describeFetchFailure, sleep } from "./delivery.js";

export interface WebhookDelivery<Mode extends string = string> {
  readonly eventId: string | undefined;
  readonly url: string;
  readonly attempt: number;
  readonly status?: number;
  readonly error?: string;
  readonly delivered: boolean;
  readonly signWith: Mode;
  readonly body: string;
}

export interface OutgoingEvent<Mode extends string = string> {
  readonly url: string;
  readonly body: string;
  readonly signWith: Mode;
  /** Waits before each retry; attempts = delaysMs.length + 1. */
  readonly delaysMs: readonly number[];
}

export interface WebhookSenderOptions<Mode extends string> {
  /** Per delivery attempt. */
  readonly timeoutMs: number;
  readonly onDelivery: (delivery: WebhookDelivery<Mode>) => void;
  /** The authentication headers of one attempt (made again per attempt, as providers do). */
  readonly headersOf: (body: string, signWith: Mode) => Readonly<Record<string, string>>;
  /** The event's id in its body, for the record. */
  readonly idOf: (body: string) => string | undefined;
}

/** POSTs events, each retried on its delays until answered 2xx. */
export class WebhookSender<Mode extends string> {
  readonly deliveries: WebhookDelivery<Mode>[] = [];
  private readonly inFlight = new Set<Promise<WebhookDelivery<Mode>[]>>();
  private readonly stopper = new AbortController();

  constructor(private readonly options: WebhookSenderOptions<Mode>) {}

  send(outgoing: OutgoingEvent<Mode>): Promise<WebhookDelivery<Mode>[]> {
    const running = this.deliver(outgoing);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /** Resolves when no delivery is in flight (including ones waiting to retry). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.stopper.abort();
  }

  private async deliver(outgoing: OutgoingEvent<Mode>): Promise<WebhookDelivery<Mode>[]> {
    const attempts: WebhookDelivery<Mode>[] = [];
    for (let attempt = 1; attempt <= outgoing.delaysMs.length + 1; attempt++) {
      if (this.stopper.signal.aborted) break;
      const delivery = await this.attempt(outgoing, attempt);
      attempts.push(delivery);
      this.deliveries.push(delivery);
      this.options.onDelivery(delivery);
      if (delivery.delivered) break;
      const delay = outgoing.delaysMs[attempt - 1];
      if (delay !== undefined) await sleep(delay, this.stopper.signal);
    }
    return attempts;
  }

  private async attempt(outgoing: OutgoingEvent<Mode>, attempt: number): Promise<WebhookDelivery<Mode>> {
    const base = {
      eventId: this.options.idOf(outgoing.body),
      url: outgoing.url,
      attempt,
      signWith: outgoing.signWith,
      body: outgoing.body,
    };
    try {
      const response = await fetch(outgoing.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...this.options.headersOf(outgoing.body, outgoing.signWith),
        },
        body: outgoing.body,
        signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer();
      return { ...base, status: response.status, delivered: response.status >= 200 && response.status < 300 };
    } catch (error) {
      return { ...base, error: describeFetchFailure(error, { timeout: "Timed out" }), delivered: false };
    }
  }
}

/** How late a "late" delivery is sent. */
export const LATE_MS = 500;

/**
 * Sends one event as a queued fault says: `drop` not at all, `duplicate` twice at once, `late`
 * after LATE_MS (if `canSend` still holds then: a URL unset or an emulator closed meanwhile skips
 * it), anything else once. `send` gets the number of copies.
 */
export function sendWithFault(
  fault: string | undefined,
  canSend: () => boolean,
  send: (copies: number) => void,
): void {
  if (fault === "drop") return;
  const go = () => {
    if (canSend()) send(fault === "duplicate" ? 2 : 1);
  };
  if (fault === "late") setTimeout(go, LATE_MS);
  else go();
}
