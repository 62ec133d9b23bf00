import type { ChatAddress } from "./order.js";

export type ProofStatus = "pending" | "confirmed" | "rejected";

/** A receipt image or PDF a shopper sent for a manual payment, and the merchant's verdict. */
export interface Proof {
  readonly _id: string;
  readonly tenantId: string;
  readonly paymentId: string;
  readonly orderId: string;
  readonly orderRef: string;
  readonly mediaId: string;
  readonly mimeType: string;
  readonly size: number;
  /** sha256 of the bytes: the same receipt offered for two orders is flagged. */
  readonly sha256: string;
  readonly submittedBy: ChatAddress;
  readonly submittedAt: Date;
  readonly status: ProofStatus;
  /** Set when the same bytes were already sent for another order. */
  readonly reusedFromOrderRef?: string;
  readonly reviewedBy?: string;
  readonly reviewedAt?: Date;
  readonly reason?: string;
}
