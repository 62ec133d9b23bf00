import type { Money } from "./money.js";
import type { TransitionTable } from "./transitions.js";

/** How the shopper pays; a provider plugin serves one or more methods. */
/**
 * `paybill`: the shopper pays a Paybill or Till from the SIM menu or *334# (M-Pesa C2B) and the
 * provider's confirmation is matched to the order; nothing is pushed to the phone.
 */
export type PaymentMethod = "manual" | "mobile_money" | "card" | "paybill" | "cash_on_delivery";

export type PaymentStatus =
  | "pending"
  | "awaiting_proof"
  | "under_review"
  | "awaiting_delivery"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "expired"
  | "rejected"
  | "refunded";

/**
 * Provider payments: pending → succeeded | failed | cancelled | expired. Money the provider
 * confirms after that (a late M-Pesa PIN after a timeout or a failure, a page paid after the shopper
 * moved on) is never ignored: expired, failed and cancelled may still become succeeded, which
 * settles an open order or is flagged for the merchant to refund. Manual payments: awaiting_proof → under_review → succeeded | rejected;
 * a rejected proof leaves room for a new receipt (rejected → under_review). Cash on delivery:
 * awaiting_delivery → succeeded only by the merchant's word that the cash was collected, never by
 * a provider or the reconciler (it never expires), or → cancelled before delivery.
 */
export const PAYMENT_TRANSITIONS: TransitionTable<PaymentStatus> = {
  pending: ["succeeded", "failed", "cancelled", "expired"],
  expired: ["succeeded"],
  awaiting_proof: ["under_review", "cancelled", "expired"],
  under_review: ["succeeded", "rejected"],
  rejected: ["under_review", "cancelled", "expired"],
  awaiting_delivery: ["succeeded", "cancelled"],
  succeeded: ["refunded"],
  refunded: [],
  failed: ["succeeded"],
  cancelled: ["succeeded"],
};

export interface Payment {
  readonly _id: string;
  readonly tenantId: string;
  readonly orderId: string;
  readonly orderRef: string;
  readonly method: PaymentMethod;
  /** Plugin name (`manual`, `mpesa`, `paystack`). */
  readonly provider: string;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly settledAt?: Date;
  /** The provider instance (`pi_…`) that took the payment: the last attempt that succeeded. */
  readonly instanceId?: string;
  /** That instance's id for the payment (CheckoutRequestID, Paystack reference). */
  readonly providerRef?: string;
  /**
   * Made with the instance's test credentials: no money moved, so it never counts as paid. Copied
   * from the instance when initiated; absent on payments made before test mode existed (live).
   */
  readonly testMode?: boolean;
  /** Every initiate attempt, oldest first, so a fallback to another instance is visible. */
  readonly attempts?: readonly PaymentAttempt[];
  /** How the first instance was chosen when instances split the method's traffic; absent: by priority. */
  readonly routing?: PaymentRouting;
  /** What the shopper was asked to do to pay, so it can be shown again. */
  readonly action?: ShopperAction;
  /**
   * Set (compare-and-set, on a `succeeded` payment without one) before the provider is asked to
   * refund, so two refund requests never both reach the provider. It stays while the provider's
   * answer is unknown; the refund reconciler settles it then.
   */
  readonly refundClaim?: { readonly at: Date; readonly actor: string };
  /** Set when the merchant refunded it through the provider. */
  readonly refund?: { readonly providerRef: string; readonly at: Date; readonly actor: string };
  /** The payer's phone as the dialogue normalized it, when the plugin asked for one (Till matching). */
  readonly payerPhone?: string;
  /** The provider's receipt (M-Pesa receipt number), once paid. */
  readonly receipt?: string;
  /** Why the provider said no, in the shopper's words, with its code. */
  readonly failure?: { readonly code?: string; readonly reason: string };
  /**
   * Set when money arrived that cannot simply settle (wrong amount, an order already paid):
   * the merchant is alerted and decides.
   */
  readonly flag?: {
    /** `overpaid`: settled, but more arrived than the order's total (the detail says how much). */
    readonly reason: "amount_mismatch" | "already_paid" | "order_closed" | "unconfirmed" | "overpaid";
    readonly at: Date;
    readonly detail?: string;
  };
}

/** What the shopper must do to pay, as the provider's `initiate` said. */
export type ShopperAction =
  /** Pay by transfer and send proof (manual). */
  | { readonly kind: "instructions"; readonly text: string }
  /** A prompt was pushed to the shopper's phone (M-Pesa STK). */
  | { readonly kind: "push"; readonly text: string }
  /** Open a payment page (Paystack). */
  | { readonly kind: "link"; readonly url: string; readonly label: string; readonly expiresAt?: Date };

/** One call to a provider instance's `initiate` for a payment. */
export interface PaymentAttempt {
  readonly instanceId: string;
  /** Plugin name of that instance. */
  readonly plugin: string;
  readonly at: Date;
  readonly ok: boolean;
  /** Why it failed: ProviderError's code, the provider's own code if any, and message; never a secret. */
  readonly error?: { readonly code: string; readonly providerCode?: string; readonly message: string };
}

/** The credentials a payment was made with, and is verified and refunded with. */
export function credentialModeOf(payment: Pick<Payment, "testMode">): "live" | "test" {
  return payment.testMode === true ? "test" : "live";
}

/** A weighted choice among instances sharing a method's traffic (A/B routing). */
export interface PaymentRouting {
  readonly kind: "split";
  /** The split group when the choice was made: each instance and its weight. */
  readonly shares: readonly { readonly instanceId: string; readonly weight: number }[];
  /** The instance tried first; `attempts` tell where the payment ended up after any fallback. */
  readonly chosen: string;
  /** True when the shopper's earlier choice was kept; false for a fresh weighted draw. */
  readonly sticky: boolean;
}

export function isSettled(payment: Pick<Payment, "status">): boolean {
  return payment.status === "succeeded";
}
