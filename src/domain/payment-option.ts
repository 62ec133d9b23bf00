import type { PaymentMethod } from "./payment.js";

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
  /** Test-mode instances say so to the shopper: no money moves. */
  readonly testMode?: boolean;
  /** In test mode, how to pay without real money (the provider's test card or number). */
  readonly testInstructions?: string;
  /** What the shopper must give before paying; absent: nothing. */
  readonly payer?: PayerRequest;
  /**
   * The method's first provider prompts the phone and another serves it with a page (which sends
   * the prompt itself): that one's name and what it needs, offered when a prompt cannot reach the phone.
   */
  readonly page?: { readonly label: string; readonly payer?: PayerRequest };
}
