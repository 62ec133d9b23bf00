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
import type { Catalog } from "../catalog/types.js";
import type { InboundContent, InboundMedia, Reply } from "../domain/channel.js";
import type { CartLine, ConversationState, ResultEvent } from "../domain/conversation.js";
import type { MpesaSms } from "../domain/mpesa-sms.js";
import type { PaymentMethod } from "../domain/payment.js";
import type { PayerDetails, PaymentOption } from "../domain/payment-option.js";

// The shared vocabulary lives in src/domain/; the dialogue's modules read it through here.
export type { Choice, Reply } from "../domain/channel.js";
export type {
  CartLine,
  ConversationState,
  OrderSummary,
  ResultEvent,
  Step,
} from "../domain/conversation.js";
export type { PayerDetails, PayerField, PayerRequest, PaymentOption } from "../domain/payment-option.js";

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
      /** Only through a provider's page for the method, never a prompt to the phone. */
      readonly linkOnly?: true;
    }
  | {
      readonly kind: "submit_proof";
      readonly key: string;
      readonly orderRef: string;
      readonly media: InboundMedia;
    }
  | {
      /** A pasted M-Pesa confirmation SMS, read, as the receipt for the order. */
      readonly kind: "submit_sms_proof";
      readonly key: string;
      readonly orderRef: string;
      readonly sms: MpesaSms;
    }
  | { readonly kind: "list_orders"; readonly key: string }
  | { readonly kind: "cancel_order"; readonly key: string; readonly orderRef: string };

export type ConversationEvent =
  | { readonly type: "input"; readonly content: InboundContent }
  | { readonly type: "result"; readonly result: ResultEvent };

export interface StepOutcome {
  readonly state: ConversationState;
  readonly replies: readonly Reply[];
  readonly actions: readonly Action[];
}
