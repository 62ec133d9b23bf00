import type { Money } from "./money.js";
import type { TransitionTable } from "./transitions.js";

/** How the shopper pays; a provider plugin serves one or more methods. */
export type PaymentMethod = "manual" | "mobile_money" | "card";

export type PaymentStatus =
  | "pending"
  | "awaiting_proof"
  | "under_review"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "expired"
  | "rejected";

/**
 * Provider payments: pending → succeeded | failed | cancelled | expired (a late success after
 * expiry still settles). Manual payments: awaiting_proof → under_review → succeeded | rejected;
 * a rejected proof leaves room for a new receipt (rejected → under_review).
 */
export const PAYMENT_TRANSITIONS: TransitionTable<PaymentStatus> = {
  pending: ["succeeded", "failed", "cancelled", "expired"],
  expired: ["succeeded"],
  awaiting_proof: ["under_review", "cancelled", "expired"],
  under_review: ["succeeded", "rejected"],
  rejected: ["under_review", "cancelled", "expired"],
  succeeded: [],
  failed: [],
  cancelled: [],
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
}

export function isSettled(payment: Pick<Payment, "status">): boolean {
  return payment.status === "succeeded";
}
