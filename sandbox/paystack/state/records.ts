import type { CardBehaviour } from "../cards.js";
import type { PaystackCard, RefundStatus, TransactionStatus } from "../types.js";
import type { AccountState } from "./accounts.js";

/** A customer per (account, email), like Paystack's customer records. */
export interface CustomerState {
  readonly id: number;
  readonly code: string;
  readonly email: string;
}

export interface AuthorizationState extends PaystackCard {
  /** Decides how refunds of this charge end (the refund test cards). */
  readonly behaviour: CardBehaviour;
}

/** One line of the transaction's checkout log (`data.log.history`). */
export interface HistoryEntry {
  readonly type: "action" | "success" | "error";
  readonly message: string;
  readonly at: number;
}

/** Internal, mutable; the outside sees `PaystackTransaction` snapshots. */
export interface TransactionState {
  readonly id: number;
  readonly account: AccountState;
  readonly reference: string;
  readonly accessCode: string;
  readonly amount: number;
  readonly currency: string;
  readonly customer: CustomerState;
  readonly metadata: Record<string, unknown> | undefined;
  readonly callbackUrl: string | undefined;
  readonly channels: readonly string[] | undefined;
  readonly createdAt: number;
  status: TransactionStatus;
  gatewayResponse: string;
  message: string | null;
  authorization: AuthorizationState | undefined;
  paidAt: number | undefined;
  fees: number | null;
  ipAddress: string | null;
  attempts: number;
  errors: number;
  history: HistoryEntry[];
}

export interface RefundState {
  readonly id: number;
  readonly transaction: TransactionState;
  readonly amount: number;
  readonly currency: string;
  readonly customerNote: string;
  readonly merchantNote: string;
  readonly createdAt: number;
  readonly expectedAt: number;
  status: RefundStatus;
  refundReference: string | null;
  updatedAt: number;
  refundedAt: number | undefined;
}
