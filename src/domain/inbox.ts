import type { Money } from "./money.js";

export const INBOX_OUTCOMES = ["succeeded", "failed", "cancelled", "pending", "not_handled"] as const;

/** What a provider's webhook said, normalized by its plugin (see ProviderClient.parseWebhook). */
export interface InboxEventBody {
  readonly outcome: (typeof INBOX_OUTCOMES)[number];
  readonly providerRef?: string;
  readonly paymentId?: string;
  readonly amount?: Money;
  readonly receipt?: string;
  readonly reason?: string;
  readonly providerCode?: string;
  /** The failure is one the payer cannot fix by trying the same way again. */
  readonly retryWontHelp?: boolean;
  /** Money a payer sent unasked (a Paybill or Till paid): matched to an order by the settle job. */
  readonly received?: {
    readonly transId: string;
    readonly amount: Money;
    readonly paidAt: Date;
    readonly account?: string;
    readonly msisdn?: string;
    readonly payerName?: string;
  };
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
  /**
   * `processed`: settled or failed the payment; `ignored`: nothing to do (unknown reference…);
   * `failed`: can never be settled as it stands (its plugin is not registered, a secret does not
   * decrypt, the row does not parse): `note` says why, and an operator must act.
   */
  readonly status: "received" | "processed" | "ignored" | "failed";
  readonly note?: string;
  readonly receivedAt: Date;
  readonly processedAt?: Date;
}

/** Whether a stored row has what settling reads; an old or damaged row has not. */
export function isReadableInboxEvent(row: InboxEvent): boolean {
  const { event } = row as { event?: { outcome?: unknown } | null };
  return (
    typeof row.provider === "string" &&
    typeof row.instanceId === "string" &&
    (INBOX_OUTCOMES as readonly unknown[]).includes(event?.outcome)
  );
}
