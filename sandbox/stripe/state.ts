/**
 * What the emulated Stripe account holds: Checkout Sessions, the PaymentIntents and charges that
 * paid them, refunds and events, with Stripe's rules for each change (providers-2 §1.2–1.7).
 */
import { randomBytes } from "node:crypto";
import { type CardDecline, declineOf } from "./cards.js";
import { invalid, missing } from "./errors.js";

export interface SessionRecord {
  readonly id: string;
  readonly object: "checkout.session";
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  readonly amount_total: number;
  readonly amount_subtotal: number;
  readonly currency: string;
  readonly client_reference_id: string | null;
  readonly metadata: Record<string, string>;
  readonly mode: "payment";
  url: string | null;
  payment_intent: string | null;
  readonly success_url: string | null;
  readonly expires_at: number;
  readonly created: number;
  readonly livemode: false;
}

export interface ChargeRecord {
  readonly id: string;
  readonly payment_intent: string;
  readonly amount: number;
  readonly currency: string;
  amount_refunded: number;
}

export interface RefundRecord {
  readonly id: string;
  readonly object: "refund";
  readonly amount: number;
  readonly currency: string;
  readonly payment_intent: string;
  readonly charge: string;
  readonly status: "succeeded";
  readonly metadata: Record<string, string>;
  readonly created: number;
}

export interface StripeEvent {
  readonly id: string;
  readonly object: "event";
  readonly api_version: string;
  readonly created: number;
  readonly livemode: false;
  readonly pending_webhooks: number;
  readonly type: string;
  readonly data: { readonly object: unknown };
}

/** Stripe's floor for a Checkout Session's lifetime, and its ceiling (providers-2 §1.2). */
const MIN_LIFETIME_S = 30 * 60;
const MAX_LIFETIME_S = 24 * 60 * 60;

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

type Params = Record<string, unknown>;
const record = (value: unknown): Params =>
  typeof value === "object" && value !== null ? (value as Params) : {};

/** A form value as an integer, or a 400 naming the parameter. */
function integerParam(value: unknown, param: string): number {
  const text = String(value ?? "");
  if (!/^\d+$/.test(text)) throw invalid(`Invalid integer: ${text}`, param, "parameter_invalid_integer");
  return Number(text);
}

export class StripeState {
  readonly sessions = new Map<string, SessionRecord>();
  readonly charges = new Map<string, ChargeRecord>();
  readonly refunds: RefundRecord[] = [];
  readonly events: StripeEvent[] = [];

  constructor(
    private readonly payPageUrl: (sessionId: string) => string,
    private readonly emit: (event: StripeEvent) => void,
    private readonly minimumCharge: Readonly<Record<string, number>>,
  ) {}

  session(id: string): SessionRecord {
    const session = this.sessions.get(id);
    if (!session) throw missing("checkout.session", id);
    this.expireIfDue(session);
    return session;
  }

  /** POST /v1/checkout/sessions in payment mode with one or more `price_data` lines. */
  createSession(params: Params): SessionRecord {
    if (params.mode !== "payment") throw invalid("This emulator supports mode=payment only", "mode");
    const lines = Array.isArray(params.line_items) ? params.line_items.map(record) : [];
    if (lines.length === 0)
      throw invalid("line_items is required in payment mode", "line_items", "parameter_missing");
    const priced = lines.map((line, i) => {
      const data = record(line.price_data);
      const currency = String(data.currency ?? "");
      if (!/^[a-z]{3}$/.test(currency))
        throw invalid(`Invalid currency: ${currency}`, `line_items[${i}][price_data][currency]`);
      const unit = integerParam(data.unit_amount, `line_items[${i}][price_data][unit_amount]`);
      return { currency, total: unit * integerParam(line.quantity, `line_items[${i}][quantity]`) };
    });
    const currency = priced[0]?.currency ?? "";
    if (priced.some((line) => line.currency !== currency))
      throw invalid("All line items must share one currency", "line_items");
    const total = priced.reduce((sum, line) => sum + line.total, 0);
    const minimum = this.minimumCharge[currency] ?? 0;
    if (total < minimum) {
      throw invalid(
        `Amount must be at least ${minimum} ${currency} minor units`,
        "line_items",
        "amount_too_small",
      );
    }
    const created = nowSeconds();
    const expiresAt =
      params.expires_at === undefined
        ? created + MAX_LIFETIME_S
        : integerParam(params.expires_at, "expires_at");
    if (expiresAt < created + MIN_LIFETIME_S || expiresAt > created + MAX_LIFETIME_S) {
      throw invalid(
        "The `expires_at` timestamp must be between 30 minutes and 24 hours from now",
        "expires_at",
      );
    }
    const id = `cs_test_${randomBytes(24).toString("hex")}`;
    const session: SessionRecord = {
      id,
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      amount_total: total,
      amount_subtotal: total,
      currency,
      client_reference_id: typeof params.client_reference_id === "string" ? params.client_reference_id : null,
      metadata: Object.fromEntries(Object.entries(record(params.metadata)).map(([k, v]) => [k, String(v)])),
      mode: "payment",
      url: this.payPageUrl(id),
      payment_intent: null,
      success_url: typeof params.success_url === "string" ? params.success_url : null,
      expires_at: expiresAt,
      created,
      livemode: false,
    };
    this.sessions.set(id, session);
    return session;
  }

  /** The shopper pays on the hosted page: a good card completes the session, a decline leaves it open. */
  pay(
    sessionId: string,
    card: string,
  ): { readonly paid: true } | { readonly paid: false; readonly decline: CardDecline } {
    const session = this.session(sessionId);
    if (session.status !== "open")
      throw invalid(`This Checkout Session is ${session.status}`, undefined, "checkout_session_not_open");
    const decline = declineOf(card);
    if (decline !== undefined) return { paid: false, decline };
    const paymentIntent = newId("pi");
    this.charges.set(paymentIntent, {
      id: newId("ch"),
      payment_intent: paymentIntent,
      amount: session.amount_total,
      currency: session.currency,
      amount_refunded: 0,
    });
    Object.assign(session, {
      status: "complete",
      payment_status: "paid",
      url: null,
      payment_intent: paymentIntent,
    });
    this.event("checkout.session.completed", session);
    return { paid: true };
  }

  /** POST /v1/checkout/sessions/:id/expire, or the clock passing `expires_at`. */
  expire(sessionId: string): SessionRecord {
    const session = this.session(sessionId);
    if (session.status !== "open")
      throw invalid(
        `Only open sessions can be expired; this one is ${session.status}`,
        undefined,
        "checkout_session_not_open",
      );
    Object.assign(session, { status: "expired", url: null });
    this.event("checkout.session.expired", session);
    return session;
  }

  private expireIfDue(session: SessionRecord): void {
    if (session.status === "open" && nowSeconds() >= session.expires_at) {
      Object.assign(session, { status: "expired", url: null });
      this.event("checkout.session.expired", session);
    }
  }

  /** POST /v1/refunds: all that is left by default, never more than is left. */
  refund(params: Params): RefundRecord {
    const paymentIntent = String(params.payment_intent ?? "");
    const charge = this.charges.get(paymentIntent);
    if (!charge) throw missing("payment_intent", paymentIntent);
    const left = charge.amount - charge.amount_refunded;
    if (left === 0) {
      throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, "charge_already_refunded");
    }
    const amount = params.amount === undefined ? left : integerParam(params.amount, "amount");
    if (amount <= 0 || amount > left) {
      throw invalid(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
        "amount",
        "amount_too_large",
      );
    }
    charge.amount_refunded += amount;
    const refund: RefundRecord = {
      id: newId("re"),
      object: "refund",
      amount,
      currency: charge.currency,
      payment_intent: paymentIntent,
      charge: charge.id,
      status: "succeeded",
      metadata: Object.fromEntries(Object.entries(record(params.metadata)).map(([k, v]) => [k, String(v)])),
      created: nowSeconds(),
    };
    this.refunds.push(refund);
    this.event("charge.refunded", {
      id: charge.id,
      object: "charge",
      amount: charge.amount,
      amount_refunded: charge.amount_refunded,
      currency: charge.currency,
      payment_intent: paymentIntent,
      refunded: charge.amount_refunded === charge.amount,
    });
    return refund;
  }

  refundsOf(paymentIntent: string): RefundRecord[] {
    return this.refunds.filter((refund) => refund.payment_intent === paymentIntent).reverse();
  }

  /** Records an event with a snapshot of `object` and hands it to the sender. */
  event(type: string, object: unknown): StripeEvent {
    const event: StripeEvent = {
      id: newId("evt"),
      object: "event",
      api_version: "2026-11-18.endive",
      created: nowSeconds(),
      livemode: false,
      pending_webhooks: 1,
      type,
      data: { object: structuredClone(object) },
    };
    this.events.push(event);
    this.emit(event);
    return event;
  }
}
