/**
 * The dialogue machine's contract. The machine is pure:
 *
 *   step(state, event, context) → { state, replies, actions }
 *
 * An `input` event is what the person said. Actions are effects the runtime performs
 * (place an order, store a receipt, list orders, cancel); each action's outcome comes back to
 * the machine as a `result` event, so the machine words every reply and owns every state
 * change while the runtime owns all I/O. Actions carry a deterministic `key` so a retried
 * step never performs an effect twice.
 */
import type { InboundContent, InboundMedia } from "../bot/channel.js";
import type { Catalog } from "../catalog/types.js";
import type { Money } from "../domain/money.js";
import type { OrderStatus } from "../domain/order.js";
import type { PaymentMethod, PaymentStatus } from "../domain/payment.js";

/** A button (Telegram) or a numbered line (WhatsApp). `data` is at most 64 UTF-8 bytes. */
export interface Choice {
  readonly label: string;
  readonly data: string;
}

/**
 * A channel-neutral message. `text` may mark bold with `*asterisks*` (WhatsApp's own syntax;
 * Telegram renders it as bold). Choices are rows of buttons.
 */
export interface Reply {
  readonly text: string;
  readonly choices?: readonly (readonly Choice[])[];
  /** A stored image or PDF to show (a receipt, for the merchant). */
  readonly media?: { readonly mediaId: string; readonly mimeType: string };
  /** A link to open (a payment page); a URL button on Telegram. */
  readonly link?: { readonly label: string; readonly url: string };
  /**
   * The choices are shortcuts for channels with buttons; channels without them (WhatsApp) show
   * the text alone, which says how to answer by typing. For messages sent outside the person's
   * conversation (merchant alerts), whose numbers no typed reply could be matched against.
   */
  readonly buttonsOnly?: boolean;
  /**
   * Offer to share the person's own phone number, with this label (a Telegram reply-keyboard
   * button with request_contact; channels that know the number ignore it).
   */
  readonly requestContact?: string;
}

export interface CartLine {
  readonly sku: string;
  readonly quantity: number;
}

/** Where the conversation is. Each step says what input it waits for. */
export type Step =
  /** Never greeted: any input greets and shows the catalog. */
  | { readonly name: "new" }
  /** The catalog is shown; waits for a product. */
  | { readonly name: "browsing" }
  /** A product was chosen; waits for a quantity (buttons 1–5, or a typed number). */
  | { readonly name: "choosing_quantity"; readonly sku: string }
  /** The cart is shown with edit buttons. */
  | { readonly name: "viewing_cart" }
  /**
   * Checkout: waits for a payment method. With `orderRef`, the order exists already (its
   * payment failed or expired) and the method pays that order instead of the cart.
   */
  | { readonly name: "choosing_payment"; readonly orderRef?: undefined }
  /** `method`: how the order was last being paid (a retry from `payment_failed` uses it). */
  | { readonly name: "choosing_payment"; readonly orderRef: string; readonly method: PaymentMethod }
  /** The method's provider needs a detail from the shopper (the number to charge, an e-mail address). */
  | {
      readonly name: "entering_payer";
      readonly method: PaymentMethod;
      readonly field: PayerField;
      readonly orderRef?: string;
    }
  /** The payment started (a prompt on the phone, a payment link); waits for the provider's result. */
  | { readonly name: "awaiting_payment"; readonly orderRef: string; readonly method: PaymentMethod }
  /** The payment failed or expired; waits for a retry, another method, or a cancel. */
  | { readonly name: "payment_failed"; readonly orderRef: string; readonly method: PaymentMethod }
  /** Manual transfer: the order exists; waits for a receipt photo or PDF. */
  | { readonly name: "awaiting_proof"; readonly orderRef: string }
  /** The receipt is with the merchant; waits for their verdict (arrives as a result event). */
  | { readonly name: "proof_under_review"; readonly orderRef: string };

/** Persisted per (tenant, channel, chat). Bump `v` and migrate when the shape changes. */
export interface ConversationState {
  readonly v: 2;
  readonly step: Step;
  readonly cart: readonly CartLine[];
  /** The choices of the latest prompt: what a button press or a typed number/label may pick. */
  readonly menu: readonly Choice[];
  /** Counts steps; part of every action key so keys are unique per conversation step. */
  readonly seq: number;
  /** The details the shopper last gave for a payment (normalized), used or offered next time. */
  readonly payer?: PayerDetails;
}

/** A detail a provider may need from the shopper before a payment starts. */
export type PayerField = "phone" | "email";

/** Payer details by field: a phone number as `normalizeMsisdn` writes it, an e-mail address as `normalizeEmail` does. */
export type PayerDetails = { readonly [Field in PayerField]?: string };

/** What a provider needs from the shopper, and how the shopper is asked for it (the plugin's words). */
export interface PayerRequest {
  readonly field: PayerField;
  /** The question, shown as is ("Which M-Pesa number should get the payment request?"). */
  readonly prompt: string;
  /** The question when an order placed before is paid; `{order}` stands for its reference. Default: `prompt`. */
  readonly promptForOrder?: string;
  /** Said when the answer cannot be used; default: the field's own words. */
  readonly invalid?: string;
  /** The provider can do without it: a known one is sent, the shopper is never asked. */
  readonly optional?: boolean;
}

/**
 * A payment method the shop offers now, with the words of the provider that serves it (from the
 * provider registry): the dialogue words the method, the provider names itself.
 */
export interface PaymentOption {
  readonly method: PaymentMethod;
  /** The provider's name for the shopper: "M-Pesa", "Card (Paystack)", "Bank transfer / manual". */
  readonly label: string;
  /** What the provider calls its receipt number ("M-Pesa receipt"); absent: "reference". */
  readonly receiptLabel?: string;
  /** Test-mode instances say so to the shopper. */
  readonly testMode?: boolean;
  /** What the shopper must give before paying; absent: nothing. */
  readonly payer?: PayerRequest;
}

export interface OrderSummary {
  readonly ref: string;
  readonly total: Money;
  readonly status: OrderStatus;
  readonly paymentStatus?: PaymentStatus;
  readonly createdAt: Date;
}

/** Read-only facts the machine needs; all data, no functions. */
export interface StepContext {
  readonly catalog: Catalog;
  readonly paymentOptions: readonly PaymentOption[];
  /** The shopper's own phone number (normalized, `2547…`), when the channel knows it (WhatsApp). */
  readonly customerPhone?: string;
  /** The shopper's display name, when the channel knows it. */
  readonly customerName?: string;
}

/** Effects the runtime performs; `key` makes each idempotent. */
export type Action =
  | {
      readonly kind: "place_order";
      readonly key: string;
      readonly lines: readonly CartLine[];
      readonly method: PaymentMethod;
      /** What the provider needs from the shopper (the number to charge, an e-mail address). */
      readonly payer: PayerDetails;
    }
  | {
      /** Pays an existing order (after a failure or expiry): again, or with another method. */
      readonly kind: "pay_order";
      readonly key: string;
      readonly orderRef: string;
      readonly method: PaymentMethod;
      readonly payer: PayerDetails;
    }
  | {
      readonly kind: "submit_proof";
      readonly key: string;
      readonly orderRef: string;
      readonly media: InboundMedia;
    }
  | { readonly kind: "list_orders"; readonly key: string }
  | { readonly kind: "cancel_order"; readonly key: string; readonly orderRef: string };

/** Outcomes of actions, and news from elsewhere (a merchant's verdict). */
export type ResultEvent =
  | {
      readonly kind: "order_placed";
      readonly orderRef: string;
      /** The method the order will be paid with: it decides what the shopper waits for. */
      readonly method: PaymentMethod;
      readonly total: Money;
      /** What the shopper must do to pay (manual: the transfer instructions). */
      readonly instructions: string;
      /** Card: the payment page to open. */
      readonly link?: { readonly url: string; readonly label: string };
    }
  | { readonly kind: "order_failed"; readonly reason: string }
  | { readonly kind: "proof_received"; readonly orderRef: string }
  | { readonly kind: "proof_refused"; readonly orderRef: string; readonly reason: string }
  | { readonly kind: "orders_listed"; readonly orders: readonly OrderSummary[] }
  | { readonly kind: "order_cancelled"; readonly orderRef: string }
  | { readonly kind: "cancel_refused"; readonly orderRef: string; readonly reason: string }
  | {
      readonly kind: "payment_confirmed";
      readonly orderRef: string;
      /** The provider's receipt the shopper recognizes (M-Pesa receipt number). */
      readonly receipt?: string;
      readonly method: PaymentMethod;
    }
  /** The provider says the payment did not happen; `reason` is worded for the shopper. */
  | {
      readonly kind: "payment_failed";
      readonly orderRef: string;
      readonly reason: string;
      readonly method: PaymentMethod;
    }
  /** No result came in time; the shopper may send the prompt (or get a link) again. */
  | { readonly kind: "payment_expired"; readonly orderRef: string; readonly method: PaymentMethod }
  /** The merchant refunded a paid order. */
  | { readonly kind: "payment_refunded"; readonly orderRef: string; readonly amount: Money }
  | { readonly kind: "proof_rejected"; readonly orderRef: string; readonly reason: string };

export type ConversationEvent =
  | { readonly type: "input"; readonly content: InboundContent }
  | { readonly type: "result"; readonly result: ResultEvent };

export interface StepOutcome {
  readonly state: ConversationState;
  readonly replies: readonly Reply[];
  readonly actions: readonly Action[];
}
