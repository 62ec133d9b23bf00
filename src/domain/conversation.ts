/**
 * The dialogue's stored state and the news it is told, shared by the dialogue that owns them,
 * the store that keeps them and the services that report outcomes (orders, payments, reviews).
 */
import type { Choice } from "./channel.js";
import type { Money } from "./money.js";
import type { OrderStatus } from "./order.js";
import type { PaymentMethod, PaymentStatus } from "./payment.js";
import type { PayerDetails, PayerField } from "./payment-option.js";

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
      /** Asked for the method's page (PaymentOption.page), not its first provider. */
      readonly linkOnly?: true;
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

export interface OrderSummary {
  readonly ref: string;
  readonly total: Money;
  readonly status: OrderStatus;
  readonly paymentStatus?: PaymentStatus;
  readonly createdAt: Date;
}

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
  /**
   * Refused for doing too much too fast: payment prompts to a phone or from a chat, or new orders
   * from a chat. Nothing was placed or sent; the shopper may try after `retryInMinutes`.
   */
  | { readonly kind: "limited"; readonly what: "payment_prompts" | "orders"; readonly retryInMinutes: number }
  /** `checking`: a pasted M-Pesa code is being checked with M-Pesa first; the merchant only if that fails. */
  | { readonly kind: "proof_received"; readonly orderRef: string; readonly checking?: true }
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
      /** Paid with test credentials: the shopper is told no money moved. */
      readonly testMode?: boolean;
      /** The way the shopper had moved on to, closed now: nothing more is to be paid that way. */
      readonly insteadOf?: PaymentMethod;
    }
  /** The provider says the payment did not happen; `reason` is worded for the shopper. */
  | {
      readonly kind: "payment_failed";
      readonly orderRef: string;
      readonly reason: string;
      readonly method: PaymentMethod;
      /** Trying this way again will not help: the next way to pay is offered first, one tap away. */
      readonly offerNextWay?: boolean;
    }
  /** No result came in time; the shopper may send the prompt (or get a link) again. */
  | {
      readonly kind: "payment_expired";
      readonly orderRef: string;
      readonly method: PaymentMethod;
      /** As for payment_failed: this way timed out before on the order. */
      readonly offerNextWay?: boolean;
    }
  /** Less than the total arrived (a Paybill paid short): the order stays open for the rest. */
  | {
      readonly kind: "payment_partial";
      readonly orderRef: string;
      readonly method: PaymentMethod;
      readonly paid: Money;
      readonly missing: Money;
    }
  /** The merchant refunded a paid order. */
  | { readonly kind: "payment_refunded"; readonly orderRef: string; readonly amount: Money }
  | { readonly kind: "proof_rejected"; readonly orderRef: string; readonly reason: string };
