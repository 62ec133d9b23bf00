import Stripe from "stripe";
import { describeFetchFailure, sleep } from "../shared/delivery.js";

/** How an event's delivery is tampered with (fault injection); "right" is Stripe's own behaviour. */
export type SignMode = "right" | "forged" | "stale" | "none";

export interface WebhookDelivery {
  readonly eventId: string | undefined;
  readonly url: string;
  readonly attempt: number;
  readonly status?: number;
  readonly error?: string;
  readonly delivered: boolean;
  readonly signWith: SignMode;
  readonly body: string;
}

export interface OutgoingEvent {
  readonly url: string;
  readonly body: string;
  readonly signWith: SignMode;
  /** Waits before each retry; attempts = delaysMs.length + 1. */
  readonly delaysMs: readonly number[];
}

/** Older than Stripe's default tolerance (300 s). */
const STALE_BY_S = 3600;

/** The Stripe-Signature header of `body`, as Stripe makes it (the SDK's test header) or broken on purpose. */
export function signatureHeader(body: string, secret: string, signWith: SignMode): string | undefined {
  if (signWith === "none") return undefined;
  const now = Math.floor(Date.now() / 1000);
  return Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret: signWith === "forged" ? "whsec_forgedByAnAttacker" : secret,
    timestamp: signWith === "stale" ? now - STALE_BY_S : now,
  });
}

const idOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
};

/** POSTs events, each retried on its delays until answered 2xx (signed again per attempt, as Stripe does). */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<WebhookDelivery[]>>();
  private readonly stopper = new AbortController();

  constructor(
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly onDelivery: (delivery: WebhookDelivery) => void,
  ) {}

  send(outgoing: OutgoingEvent): Promise<WebhookDelivery[]> {
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

  private async deliver(outgoing: OutgoingEvent): Promise<WebhookDelivery[]> {
    const attempts: WebhookDelivery[] = [];
    for (let attempt = 1; attempt <= outgoing.delaysMs.length + 1; attempt++) {
      if (this.stopper.signal.aborted) break;
      const delivery = await this.attempt(outgoing, attempt);
      attempts.push(delivery);
      this.deliveries.push(delivery);
      this.onDelivery(delivery);
      if (delivery.delivered) break;
      const delay = outgoing.delaysMs[attempt - 1];
      if (delay !== undefined) await sleep(delay, this.stopper.signal);
    }
    return attempts;
  }

  private async attempt(outgoing: OutgoingEvent, attempt: number): Promise<WebhookDelivery> {
    const base = {
      eventId: idOf(outgoing.body),
      url: outgoing.url,
      attempt,
      signWith: outgoing.signWith,
      body: outgoing.body,
    };
    const signature = signatureHeader(outgoing.body, this.secret, outgoing.signWith);
    try {
      const response = await fetch(outgoing.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(signature ? { "stripe-signature": signature } : {}),
        },
        body: outgoing.body,
        signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      await response.arrayBuffer();
      return { ...base, status: response.status, delivered: response.status >= 200 && response.status < 300 };
    } catch (error) {
      return { ...base, error: describeFetchFailure(error, { timeout: "Timed out" }), delivered: false };
    }
  }
}
