import Stripe from "stripe";
import { type WebhookDelivery as Delivery, WebhookSender as Sender } from "../shared/webhook-sender.js";

/** How an event's delivery is tampered with (fault injection); "right" is Stripe's own behaviour. */
export type SignMode = "right" | "forged" | "stale" | "none";

export type WebhookDelivery = Delivery<SignMode>;

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

/** Stripe's events, signed again per attempt (as Stripe does) with the endpoint's secret. */
export class WebhookSender extends Sender<SignMode> {
  constructor(secret: string, timeoutMs: number, onDelivery: (delivery: WebhookDelivery) => void) {
    super({
      timeoutMs,
      onDelivery,
      idOf,
      headersOf: (body, signWith): Record<string, string> => {
        const signature = signatureHeader(body, secret, signWith);
        return signature ? { "stripe-signature": signature } : {};
      },
    });
  }
}
