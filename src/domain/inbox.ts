import type { Money } from "./money.js";

/** What a provider's webhook said, normalized by its plugin (see ProviderClient.parseWebhook). */
export interface InboxEventBody {
  readonly outcome: "succeeded" | "failed" | "cancelled" | "pending" | "not_handled";
  readonly providerRef?: string;
  readonly paymentId?: string;
  readonly amount?: Money;
  readonly receipt?: string;
  readonly reason?: string;
  readonly providerCode?: string;
}

/**
 * A webhook as received: stored (unique per provider and event key) before it is answered, so
 * a redelivery is recognized and a crash between answering and settling loses nothing.
 */
export interface InboxEvent {
  readonly _id: string;
  readonly tenantId: string;
  /** Plugin name. */
  readonly provider: string;
  readonly instanceId: string;
  readonly eventKey: string;
  readonly event: InboxEventBody;
  /** `processed`: settled or failed the payment; `ignored`: nothing to do (unknown reference…). */
  readonly status: "received" | "processed" | "ignored";
  readonly note?: string;
  readonly receivedAt: Date;
  readonly processedAt?: Date;
}
