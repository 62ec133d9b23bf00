/**
 * The rules that flag a pasted M-Pesa SMS for the merchant. Pure: the order, the SMS and the
 * earlier proofs carrying the same transaction code in, the flags out.
 */
import type { MpesaSms } from "./mpesa-sms.js";
import type { Order } from "./order.js";
import type { Proof, SmsProofFlag } from "./proof.js";
import { parseOrderReference } from "./reference.js";

/** An SMS states the minute only: one dated in the minute the order was placed is not older. */
const SMS_TIME_PRECISION_MS = 60_000;

export interface SmsProofReview {
  readonly flags: readonly SmsProofFlag[];
  /** The first other order the same code was pasted for. */
  readonly reusedFromOrderRef?: string;
}

/**
 * What the shop's Paybill or Till said of the code, when it was checked there: the money under it
 * already paid another order, or no completed payment with it arrived.
 */
export type CodeCheck =
  | { readonly kind: "paid_other_order"; readonly orderRef: string }
  | { readonly kind: "not_received" };

/**
 * `uses`: earlier proofs with the SMS's code, oldest first, any order. A paste on this same
 * order again is the same evidence, not a reuse. `checked`: what M-Pesa said of the code, if asked.
 */
export function smsProofFlags(
  sms: MpesaSms,
  order: Pick<Order, "_id" | "ref" | "total" | "createdAt">,
  uses: readonly Pick<Proof, "orderId" | "orderRef">[],
  checked?: CodeCheck,
): SmsProofReview {
  const reuse = uses.find((use) => use.orderId !== order._id);
  // Either way the receipt already counts for another order: only the merchant's override confirms it.
  const otherOrderRef =
    reuse?.orderRef ?? (checked?.kind === "paid_other_order" ? checked.orderRef : undefined);
  const flags: SmsProofFlag[] = [];
  if (reuse) flags.push("code_reused");
  if (checked?.kind === "paid_other_order") flags.push("code_paid_other_order");
  if (checked?.kind === "not_received") flags.push("not_received");
  if (sms.amount.currency !== order.total.currency || sms.amount.amount !== order.total.amount) {
    flags.push("amount_mismatch");
  }
  if (sms.at.getTime() + SMS_TIME_PRECISION_MS <= order.createdAt.getTime()) flags.push("dated_before_order");
  const account = accountOrderRef(sms.account);
  if (account && account !== order.ref) flags.push("account_names_other_order");
  if (sms.kind === "received") flags.push("not_a_payment");
  return { flags, ...(otherOrderRef ? { reusedFromOrderRef: otherOrderRef } : {}) };
}

/**
 * Whether the SMS tells of money paid to a business number (a Paybill or Till), the only kind a
 * shop's Paybill or Till could have received: money sent to a person's phone is never asked about.
 */
export function paidToBusiness(sms: Pick<MpesaSms, "kind">): boolean {
  return sms.kind === "paybill" || sms.kind === "till";
}

/** The order reference a Paybill account spells out in full ("DK-4ZTE5", "dk 4zte5"), if any. */
export function accountOrderRef(account: string | undefined): string | null {
  return account && /^dk[\s_-]?[a-z0-9]{5}$/i.test(account.trim()) ? parseOrderReference(account) : null;
}
