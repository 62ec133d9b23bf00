import type { CallbackDeliveryMode } from "../types.js";

/** What Register URL stored for a shortcode. */
export interface C2bRegistration {
  readonly shortcode: string;
  readonly version: "v1" | "v2";
  readonly responseType: "Completed" | "Cancelled";
  readonly confirmationUrl: string;
  readonly validationUrl?: string;
}

/** What Pull Transactions registration stored for a shortcode. */
export interface C2bPullRegistration {
  readonly shortcode: string;
  readonly nominatedNumber: string;
  readonly callbackUrl: string;
}

/** A shopper paying from the SIM menu: the amount in whole shillings, from `phone` ("07…" or "254…"). */
export interface C2bPayOptions {
  readonly amount: number;
  readonly phone: string;
  /** Shown as FirstName in the callbacks. Default "JOHN". */
  readonly firstName?: string;
  /**
   * How the confirmation is delivered: `normal` once; `duplicate` `copies` times at once; `late`
   * held until `releaseLateConfirmations()`; `drop` never (M-Pesa completes it anyway).
   */
  readonly delivery?: CallbackDeliveryMode;
  readonly copies?: number;
}

export interface PayBillOptions extends C2bPayOptions {
  /** The Paybill. Default: the first Paybill shortcode. */
  readonly shortcode?: string;
  /** What the shopper types as the account number. */
  readonly account: string;
}

export interface PayTillOptions extends C2bPayOptions {
  /** The Till number the shopper pays (a Buy Goods shortcode's `partyB`, or its shortcode). */
  readonly till: string;
}

/** One POST to a registered URL. */
export interface C2bDelivery {
  readonly transId: string;
  readonly kind: "validation" | "confirmation";
  readonly url: string;
  readonly body: Record<string, string>;
  readonly copy: number;
  readonly status?: number;
  /** The receiver's JSON answer, when it was JSON. */
  readonly answer?: unknown;
  readonly error?: string;
}

/** A C2B payment as M-Pesa saw it. */
export interface C2bPayment {
  readonly transId: string;
  readonly shortcode: string;
  readonly kind: "paybill" | "till";
  readonly amount: number;
  readonly msisdn: string;
  readonly account?: string;
  /**
   * `completed`: the money moved; `rejected`: validation refused it (or timed out under ResponseType
   * Cancelled); nothing moved. `resultCode` is the validation's answer, when there was one.
   */
  readonly status: "completed" | "rejected";
  readonly resultCode?: string;
  readonly transTime: string;
  /** The POSTs made for it so far. */
  readonly deliveries: readonly C2bDelivery[];
}
