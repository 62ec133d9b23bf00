import { describeFetchFailure, sleep } from "../../shared/delivery.js";
import type { SignMode, WebhookDelivery } from "../types.js";

/** Words Paystack uses for a failed delivery. */
const FAILURE_WORDING = { timeout: "Timed out", reset: "Connection reset" };

export interface OutgoingWebhook {
  readonly url: string;
  readonly publicKey: string;
  readonly bytes: Buffer;
  readonly signature: string | undefined;
  readonly signWith: SignMode;
  readonly source: WebhookDelivery["source"];
  /** Waits before each retry; attempts = delaysMs.length + 1. */
  readonly delaysMs: readonly number[];
}

export interface WebhookSenderDeps {
  readonly timeoutMs: number;
  readonly ack: "2xx" | "200";
  readonly onDelivery: (delivery: WebhookDelivery) => void;
}

/** The event name and reference of a body, for the delivery record; undefined parts when not JSON. */
function describeBody(bytes: Buffer): { event: string | undefined; reference: string | undefined } {
  try {
    const parsed = JSON.parse(bytes.toString("utf8")) as { event?: unknown; data?: Record<string, unknown> };
    const reference = parsed.data?.reference ?? parsed.data?.transaction_reference;
    return {
      event: typeof parsed.event === "string" ? parsed.event : undefined,
      reference: typeof reference === "string" ? reference : undefined,
    };
  } catch {
    return { event: undefined, reference: undefined };
  }
}

/**
 * POSTs events with their signature header. Every delivery is independent and starts at once (Paystack
 * does not order events); one that is not acknowledged is retried on the given delays, then given up.
 * Each attempt is recorded with the exact bytes sent.
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<WebhookDelivery[]>>();
  private readonly stopper = new AbortController();
  private nextAttemptId = 1;
  private nextDeliveryId = 1;

  constructor(private readonly deps: WebhookSenderDeps) {}

  /** Resolves with every attempt of this delivery once it is delivered or given up. */
  send(outgoing: OutgoingWebhook): Promise<WebhookDelivery[]> {
    const running = this.deliver(outgoing, this.nextDeliveryId++);
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }

  /** Resolves when no delivery is in flight (including ones waiting to retry). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  close(): void {
    this.stopper.abort();
  }

  private async deliver(outgoing: OutgoingWebhook, deliveryId: number): Promise<WebhookDelivery[]> {
    const attempts: WebhookDelivery[] = [];
    const described = describeBody(outgoing.bytes);
    const maxAttempts = outgoing.delaysMs.length + 1;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.stopper.signal.aborted) break;
      const started = Date.now();
      let status: number | undefined;
      let error: string | undefined;
      try {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (outgoing.signature !== undefined) headers["x-paystack-signature"] = outgoing.signature;
        const response = await fetch(outgoing.url, {
          method: "POST",
          headers,
          body: outgoing.bytes,
          signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.deps.timeoutMs)]),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch (failure) {
        if (this.stopper.signal.aborted) break;
        error = describeFetchFailure(failure, FAILURE_WORDING);
      }
      const delivered =
        status !== undefined && (this.deps.ack === "200" ? status === 200 : status >= 200 && status < 300);
      if (!delivered && error === undefined) error = `Webhook answered ${status}`;
      const record: WebhookDelivery = {
        id: this.nextAttemptId++,
        deliveryId,
        source: outgoing.source,
        url: outgoing.url,
        publicKey: outgoing.publicKey,
        event: described.event,
        reference: described.reference,
        body: outgoing.bytes,
        signature: outgoing.signature,
        signWith: outgoing.signWith,
        attempt,
        ...(status === undefined ? {} : { status }),
        ...(error === undefined ? {} : { error }),
        delivered,
        final: delivered || attempt === maxAttempts,
        sentAt: new Date(started),
        durationMs: Date.now() - started,
      };
      attempts.push(record);
      this.deliveries.push(record);
      try {
        this.deps.onDelivery(record);
      } catch {
        // A throwing "webhook" listener must not break delivery.
      }
      if (delivered) break;
      const delay = outgoing.delaysMs[attempt - 1];
      if (delay !== undefined) await sleep(delay, this.stopper.signal);
    }
    return attempts;
  }
}
