import type { MpesaSms } from "./mpesa-sms.js";
import type { ChatAddress } from "./order.js";

export type ProofStatus = "pending" | "confirmed" | "rejected";

/** Why a pasted M-Pesa SMS needs a closer look (see `smsProofFlags`). */
export type SmsProofFlag =
  /** Its transaction code was already pasted for another order (`reusedFromOrderRef`). */
  | "code_reused"
  /** Its amount is not the order's total. */
  | "amount_mismatch"
  /** M-Pesa dates it before the order was placed. */
  | "dated_before_order"
  /** Its Paybill account is another order's reference. */
  | "account_names_other_order"
  /** It tells of money the shopper received, not money they paid. */
  | "not_a_payment"
  /** M-Pesa confirmed its code to the shop's Paybill or Till, and that money paid another order. */
  | "code_paid_other_order"
  /** Asked about its code, M-Pesa has no completed payment with it at the Paybill or Till Duka watches. */
  | "not_received";

/**
 * A receipt a shopper sent for a manual payment, and the merchant's verdict: an image or PDF
 * (`mediaId`), or a pasted M-Pesa confirmation SMS (`sms`).
 */
export interface Proof {
  readonly _id: string;
  readonly tenantId: string;
  readonly paymentId: string;
  readonly orderId: string;
  readonly orderRef: string;
  /** The stored file; absent for a pasted SMS. */
  readonly mediaId?: string;
  readonly mimeType?: string;
  readonly size?: number;
  /** sha256 of the bytes (of the text, for an SMS): the same receipt offered for two orders is flagged. */
  readonly sha256: string;
  /** A pasted M-Pesa confirmation SMS, as read. */
  readonly sms?: MpesaSms;
  /**
   * The SMS's M-Pesa transaction code, upper case, indexed per tenant: a code pasted for two
   * orders is found, and so is the proof a C2B confirmation with the same TransID settles.
   */
  readonly transactionCode?: string;
  /** What the merchant should check about a pasted SMS; empty when nothing. */
  readonly flags?: readonly SmsProofFlag[];
  readonly submittedBy: ChatAddress;
  readonly submittedAt: Date;
  readonly status: ProofStatus;
  /** Set when the same bytes (or SMS code) were already sent for another order. */
  readonly reusedFromOrderRef?: string;
  readonly reviewedBy?: string;
  readonly reviewedAt?: Date;
  readonly reason?: string;
}
