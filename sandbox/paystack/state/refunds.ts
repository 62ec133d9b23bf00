import { IdSequence } from "../ids.js";
import type { PaystackRefund } from "../types.js";
import type { AccountState } from "./accounts.js";
import type { RefundState, TransactionState } from "./records.js";

/** Refunds in creation order, by id. */
export class RefundStore {
  private readonly ordered: RefundState[] = [];
  private readonly byId = new Map<number, RefundState>();
  private readonly ids = new IdSequence(3_018_001);

  get all(): readonly RefundState[] {
    return this.ordered;
  }

  create(input: Omit<RefundState, "id">): RefundState {
    const refund: RefundState = { id: this.ids.take(), ...input };
    this.ordered.push(refund);
    this.byId.set(refund.id, refund);
    return refund;
  }

  get(id: number, account?: AccountState): RefundState | undefined {
    const refund = this.byId.get(id);
    return account === undefined || refund?.transaction.account === account ? refund : undefined;
  }

  of(transaction: TransactionState): RefundState[] {
    return this.ordered.filter((refund) => refund.transaction === transaction);
  }

  /** Subunits already claimed by refunds that have not failed. */
  claimed(transaction: TransactionState): number {
    return this.of(transaction)
      .filter((refund) => refund.status !== "failed")
      .reduce((sum, refund) => sum + refund.amount, 0);
  }

  processed(transaction: TransactionState): number {
    return this.of(transaction)
      .filter((refund) => refund.status === "processed")
      .reduce((sum, refund) => sum + refund.amount, 0);
  }
}

export function toRefund(refund: RefundState): PaystackRefund {
  return {
    id: refund.id,
    publicKey: refund.transaction.account.publicKey,
    transactionId: refund.transaction.id,
    transactionReference: refund.transaction.reference,
    amount: refund.amount,
    currency: refund.currency,
    status: refund.status,
    customerNote: refund.customerNote,
    merchantNote: refund.merchantNote,
    refundReference: refund.refundReference,
    createdAt: new Date(refund.createdAt),
    updatedAt: new Date(refund.updatedAt),
    refundedAt: refund.refundedAt === undefined ? undefined : new Date(refund.refundedAt),
  };
}
