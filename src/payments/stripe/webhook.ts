import Stripe from "stripe";
import { z } from "zod";
import { ProviderError, type WebhookEvent, type WebhookRequest } from "../plugin.js";
import { amountOf, idOf } from "./session.js";

export const SIGNATURE_HEADER = "stripe-signature";

/** The signing options of one instance: its `whsec_…` and how old a signed timestamp may be. */
export interface StripeSigning {
  readonly webhookSecret: string;
  readonly toleranceSeconds: number;
}

function refused(message: string, code: "unauthorized" | "malformed", cause?: unknown): ProviderError {
  return new ProviderError(code, message, {
    retryable: false,
    shopperMessage: "",
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The envelope fields read (providers-2 §1.6); the session in `data.object` is read per event type. */
const eventSchema = z.object({
  id: z.string().regex(/^evt_\w+$/),
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const sessionSchema = z.object({
  id: z.string().min(1),
  object: z.literal("checkout.session"),
  payment_status: z.string(),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
  payment_intent: z
    .union([z.string(), z.object({ id: z.string() })])
    .nullable()
    .optional(),
});

/**
 * Authenticates and normalizes one Stripe event. The `Stripe-Signature` header (`t=…,v1=…`, any v1
 * may match while a secret rolls) is checked by the SDK over the exact bytes, HMAC-SHA256 keyed with
 * the whole `whsec_…`, in constant time, and `t` no older than the tolerance (a captured delivery
 * replays only that long; the inbox's unique event id and verify before value cover the rest).
 */
export function parseStripeWebhook(request: WebhookRequest, signing: StripeSigning): WebhookEvent {
  const header = headerOf(request.headers, SIGNATURE_HEADER) ?? "";
  let json: unknown;
  try {
    json = Stripe.webhooks.constructEvent(
      request.rawBody,
      header,
      signing.webhookSecret,
      signing.toleranceSeconds,
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError || header === "") {
      throw refused(
        "The Stripe-Signature header is missing, does not match, or is too old",
        "unauthorized",
        error,
      );
    }
    throw refused("The Stripe webhook is not an event: the body is not JSON", "malformed", error);
  }
  const envelope = eventSchema.safeParse(json);
  if (!envelope.success)
    throw refused(`The Stripe webhook is not an event: ${z.prettifyError(envelope.error)}`, "malformed");
  return toWebhookEvent(envelope.data);
}

/** What each subscribed event means for the payment; anything else is acknowledged, not acted on. */
function toWebhookEvent(event: z.output<typeof eventSchema>): WebhookEvent {
  const base = { eventKey: event.id, providerCode: event.type };
  if (!event.type.startsWith("checkout.session.")) return { ...base, outcome: "not_handled" };
  const parsed = sessionSchema.safeParse(event.data.object);
  if (!parsed.success)
    throw refused(
      `The Stripe ${event.type} carries no session: ${z.prettifyError(parsed.error)}`,
      "malformed",
    );
  const session = parsed.data;
  const about = { ...base, providerRef: session.id };
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      // `completed` with `unpaid` is a delayed method still running: its own event follows.
      return session.payment_status === "paid" ? paid(about, session) : { ...about, outcome: "pending" };
    case "checkout.session.async_payment_failed":
      return { ...about, outcome: "failed", reason: "The card payment did not go through." };
    case "checkout.session.expired":
      return { ...about, outcome: "cancelled", reason: "The payment link expired before it was paid." };
    default:
      return { ...about, outcome: "not_handled" };
  }
}

function paid(about: Omit<WebhookEvent, "outcome">, session: z.output<typeof sessionSchema>): WebhookEvent {
  const amount = amountOf(session);
  if (amount === undefined)
    throw refused("The Stripe session is paid but names no usable amount", "malformed");
  return { ...about, outcome: "succeeded", amount, receipt: idOf(session.payment_intent) ?? session.id };
}

/** A header by name, whatever its case (Node lowercases them; other callers might not). */
function headerOf(headers: WebhookRequest["headers"], name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
