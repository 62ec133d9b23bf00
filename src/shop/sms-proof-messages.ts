/**
 * The merchant's alert for a pasted M-Pesa SMS: the fields read from it and what to check, in
 * place of the text itself. Pure, like the other merchant messages.
 */
import { formatMoney } from "../domain/money.js";
import { type MpesaSms, type MpesaSmsKind, toKenyaTimeText } from "../domain/mpesa-sms.js";
import type { Order } from "../domain/order.js";
import type { Proof, SmsProofFlag } from "../domain/proof.js";
import { accountOrderRef } from "../domain/sms-proof.js";

const KIND_WORDS: Record<MpesaSmsKind, string> = {
  paybill: "Paybill",
  till: "Till (Buy Goods)",
  send_money: "Send money",
  received: "Money received",
  unknown: "wording not recognized",
};

function flagLine(flag: SmsProofFlag, order: Order, proof: Proof, sms: MpesaSms, locale: string): string {
  switch (flag) {
    case "code_reused":
      return `⚠️ Code ${sms.code} was already sent for order ${proof.reusedFromOrderRef ?? "another order"}.`;
    case "amount_mismatch":
      return `⚠️ The SMS says ${formatMoney(sms.amount, locale)}; the order total is ${formatMoney(order.total, locale)}.`;
    case "dated_before_order":
      return `⚠️ The SMS is dated before the order was placed (${toKenyaTimeText(order.createdAt)}).`;
    case "account_names_other_order":
      return `⚠️ The Paybill account is ${accountOrderRef(sms.account) ?? sms.account}, not ${order.ref}.`;
    case "not_a_payment":
      return "⚠️ The SMS tells of money the shopper received, not money they paid.";
    case "code_paid_other_order":
      return `⚠️ M-Pesa confirmed code ${sms.code} to your Paybill or Till, and that money already paid order ${proof.reusedFromOrderRef ?? "another order"}.`;
    case "not_received":
      return `⚠️ M-Pesa has no completed payment with code ${sms.code} at the Paybill or Till Duka watches: check where it was paid.`;
  }
}

/**
 * The alert's lines: the order, the fields read from the SMS, a warning per flag, and what to
 * check. `shopper` names who pasted it.
 */
export function smsProofAlertLines(
  order: Order,
  proof: Proof,
  sms: MpesaSms,
  shopper: string,
  locale: string,
): string[] {
  const party = [sms.counterparty?.name, sms.counterparty?.number].filter(Boolean).join(" ");
  const direction = sms.kind === "received" ? "From" : "To";
  return [
    `📱 M-Pesa SMS pasted for *${order.ref}*: ${formatMoney(order.total, locale)}`,
    `From ${shopper}`,
    ...order.lines.map((line) => `• ${line.quantity} × ${line.name}`),
    `Code: *${sms.code}*`,
    `Amount: ${formatMoney(sms.amount, locale)} (${KIND_WORDS[sms.kind]})`,
    ...(party ? [`${direction}: ${party}`] : []),
    ...(sms.account ? [`Account: ${sms.account}`] : []),
    `Date: ${toKenyaTimeText(sms.at)}`,
    ...(proof.flags ?? []).map((flag) => flagLine(flag, order, proof, sms, locale)),
    `Find code ${sms.code} in your M-Pesa statement (anyone can type an SMS), then confirm or reject.`,
  ];
}
