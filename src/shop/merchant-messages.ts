/**
 * What merchants read. Pure: data in, channel-neutral replies out. Buttons carry compact data
 * (`m:ok:<REF>`) that the merchant commands understand; typed commands work the same way.
 */

import { METHODS } from "../conversations/methods.js";
import { TEST_PAYMENT_NOTE } from "../conversations/prompts.js";
import type { Choice, Reply } from "../domain/channel.js";
import { formatMoney } from "../domain/money.js";
import type { Order, OrderStatus } from "../domain/order.js";
import type { Payment } from "../domain/payment.js";
import type { Proof } from "../domain/proof.js";
import type { ReceivedPayment } from "../domain/received-payment.js";
import type { ReviewOutcome } from "../payments/manual/review.js";
import type { AttachOutcome } from "../payments/received-money.js";
import type { RefundOutcome } from "../payments/refunds.js";
import type { ProviderInstance } from "../payments/registry/types.js";
import type { FulfilOutcome } from "./fulfilment.js";
import { smsProofAlertLines } from "./sms-proof-messages.js";

/** Quick reasons offered by the Reject button; typed `/reject REF reason` takes any text. */
export const REJECT_REASONS = [
  "The amount does not match the order",
  "No payment arrived",
  "The receipt is unreadable",
] as const;

export const MERCHANT_HELP = [
  "*Merchant commands*",
  "/pending: receipts waiting for you",
  "/confirm DK-7F3K2: the money arrived, confirm the order",
  "/reject DK-7F3K2 reason: the shopper is told the reason",
  "/orders [status]: recent orders (awaiting_payment, awaiting_delivery, paid, fulfilled, cancelled, expired, refunded)",
  "/paid DK-7F3K2: the cash on delivery was collected, the order is paid",
  "/cancel DK-7F3K2: a cash on delivery order that will not be delivered",
  "/fulfil DK-7F3K2: the order was delivered (test orders cannot be)",
  "/refund DK-7F3K2: give a card payment back to the shopper",
  "/orphans: Paybill/Till payments that matched no order",
  "/attach UL3XDEMO7Q DK-7F3K2: settle an order with one of them",
].join("\n");

export function shopperLabel(order: Order): string {
  const who = order.customer.name ? `${order.customer.name} ` : "";
  return `${who}(${order.customer.channel} ${order.customer.chatId})`;
}

function reviewButtons(ref: string): Choice[][] {
  return [
    [
      { label: "✅ Confirm", data: `m:ok:${ref}` },
      { label: "❌ Reject", data: `m:no:${ref}` },
    ],
  ];
}

/** How to answer by typing, for channels where the buttons do not exist. */
function reviewCommands(ref: string): string {
  return `Reply /confirm ${ref}, or /reject ${ref} and the reason.`;
}

export function proofNotification(order: Order, proof: Proof, locale: string): Reply {
  if (proof.sms) {
    return {
      text: [
        ...smsProofAlertLines(order, proof, proof.sms, shopperLabel(order), locale),
        reviewCommands(order.ref),
      ].join("\n"),
      choices: reviewButtons(order.ref),
      buttonsOnly: true,
    };
  }
  const lines = [
    `🧾 New receipt for *${order.ref}*: ${formatMoney(order.total, locale)}`,
    `From ${shopperLabel(order)}`,
    ...order.lines.map((line) => `• ${line.quantity} × ${line.name}`),
  ];
  if (proof.reusedFromOrderRef) {
    lines.push(`⚠️ The same receipt was already sent for order ${proof.reusedFromOrderRef}. Check carefully.`);
  }
  lines.push(`Check that the money arrived, then confirm or reject.`, reviewCommands(order.ref));
  return {
    text: lines.join("\n"),
    ...(proof.mediaId && proof.mimeType
      ? { media: { mediaId: proof.mediaId, mimeType: proof.mimeType } }
      : {}),
    choices: reviewButtons(order.ref),
    buttonsOnly: true,
  };
}

export function proofReminder(order: Order, proof: Proof, locale: string): Reply {
  const minutes = Math.max(1, Math.round((Date.now() - proof.submittedAt.getTime()) / 60_000));
  return {
    text: `⏰ The receipt for *${order.ref}* (${formatMoney(order.total, locale)}) has waited ${minutes} min for review.\n${reviewCommands(order.ref)}`,
    choices: reviewButtons(order.ref),
    buttonsOnly: true,
  };
}

export function rejectReasonPrompt(ref: string): Reply {
  return {
    text: `Why reject *${ref}*? Pick a reason, or send /reject ${ref} followed by your own words.`,
    choices: REJECT_REASONS.map((reason, index) => [{ label: reason, data: `m:nr:${ref}:${index}` }]),
    buttonsOnly: true,
  };
}

export function reviewOutcomeReply(outcome: ReviewOutcome): Reply {
  switch (outcome.kind) {
    case "not_found":
      return { text: `There is no order ${outcome.ref}. Check the reference (like DK-7F3K2).` };
    case "needs_override": {
      const ref = outcome.order.ref;
      return {
        text: [
          `⚠️ The receipt for *${ref}* was already sent for order *${outcome.reusedFromOrderRef}*. Nothing changed.`,
          `Only if the money for *${ref}* truly arrived too, confirm anyway: /confirm ${ref} override`,
        ].join("\n"),
        choices: [[{ label: "⚠️ Confirm anyway", data: `m:ov:${ref}` }]],
      };
    }
    case "confirmed":
      return {
        text: outcome.alreadyDone
          ? `*${outcome.order.ref}* was already confirmed. Nothing changed.`
          : `✅ *${outcome.order.ref}* confirmed. The shopper has been told.`,
      };
    case "rejected":
      return {
        text: outcome.alreadyDone
          ? `The receipt for *${outcome.order.ref}* was already rejected. Nothing changed.`
          : `❌ Receipt for *${outcome.order.ref}* rejected. The shopper has been told and can send a new one.`,
      };
    case "not_reviewable": {
      const ref = outcome.order.ref;
      const why = {
        paid: `*${ref}* is already paid. Nothing changed.`,
        cancelled: `*${ref}* was cancelled by the shopper. Nothing changed.`,
        expired: `*${ref}* has expired. Nothing changed.`,
        no_receipt: `*${ref}* has no receipt waiting for review. Nothing changed.`,
        not_manual: `*${ref}* is not paid by transfer, so there is no receipt to review.`,
      }[outcome.why];
      return { text: why };
    }
  }
}

export function pendingList(rows: readonly { proof: Proof; order: Order }[], locale: string): Reply {
  if (rows.length === 0) return { text: "No receipts are waiting for review. 🎉" };
  return {
    text: [
      `*${rows.length} receipt(s) waiting:*`,
      ...rows.map(
        ({ order, proof }) =>
          `• *${order.ref}* ${formatMoney(order.total, locale)} from ${shopperLabel(order)}, sent ${proof.submittedAt.toISOString().slice(0, 16).replace("T", " ")} UTC${proof.sms ? `, M-Pesa SMS ${proof.sms.code}${proof.flags?.length ? " ⚠️" : ""}` : ""}`,
      ),
      "Reply /confirm REF, or /reject REF and the reason.",
    ].join("\n"),
    choices: rows.map(({ order }) => [
      { label: `✅ ${order.ref}`, data: `m:ok:${order.ref}` },
      { label: `❌ ${order.ref}`, data: `m:no:${order.ref}` },
    ]),
    buttonsOnly: true,
  };
}

export function orderList(orders: readonly Order[], status: OrderStatus | undefined, locale: string): Reply {
  const scope = status ? ` (${status.replace("_", " ")})` : "";
  if (orders.length === 0) return { text: `No orders${scope} yet.` };
  return {
    text: [
      `*Recent orders${scope}:*`,
      ...orders.map(
        (order) =>
          `• ${testMark(order)}*${order.ref}* ${formatMoney(order.total, locale)}, ${order.status.replace("_", " ")}, ${shopperLabel(order)}`,
      ),
    ].join("\n"),
  };
}

/** Marks what a test payment paid, wherever orders and payments are listed: no money moved. */
function testMark(subject: Pick<Order | Payment, "testMode">): string {
  return subject.testMode ? "🧪 TEST " : "";
}

export function fulfilOutcomeReply(outcome: FulfilOutcome): Reply {
  switch (outcome.kind) {
    case "not_found":
      return { text: `There is no order ${outcome.ref}. Check the reference (like DK-7F3K2).` };
    case "fulfilled":
      return {
        text: outcome.alreadyDone
          ? `*${outcome.order.ref}* was already fulfilled. Nothing changed.`
          : `📦 *${outcome.order.ref}* marked fulfilled.`,
      };
    case "test_order":
      return {
        text: `🧪 *${outcome.order.ref}* was paid by a test payment — no money moved. Do not deliver it; it cannot be marked fulfilled. Nothing changed.`,
      };
    case "not_paid":
      return {
        text: `*${outcome.order.ref}* is ${outcome.order.status.replace("_", " ")}, not paid. Nothing changed.`,
      };
  }
}

/** A payment provider stopped working, or works again. */
export function providerHealthAlert(instance: ProviderInstance): Reply {
  const name = `*${instance.displayName}* (${instance.plugin})`;
  return instance.health.status === "healthy"
    ? { text: `✅ ${name} works again. Shoppers can pay with it.` }
    : {
        text: `⚠️ ${name} is not working: ${instance.health.message ?? "no answer"}.\nShoppers are offered the other ways to pay while it is down.`,
      };
}

/** How a payment is named to the merchant: the method's byline, or the provider's own name. */
function paidBy(payment: Payment, providerLabel: string | undefined): string {
  const wording = METHODS[payment.method];
  return wording.byline ?? providerLabel ?? wording.generic;
}

/** Money arrived and the order is paid. */
export function paymentSettledNotice(
  order: Order,
  payment: Payment,
  locale: string,
  providerLabel: string | undefined,
): Reply {
  const receipt = payment.receipt ? `, receipt *${payment.receipt}*` : "";
  return {
    text: [
      `${payment.testMode ? "🧪 TEST" : "💰"} *${order.ref}* paid: ${formatMoney(payment.amount, locale)} by ${paidBy(payment, providerLabel)}${receipt}`,
      ...(payment.testMode ? [`${TEST_PAYMENT_NOTE} Do not deliver this order.`] : []),
      `From ${shopperLabel(order)}`,
      ...order.lines.map((line) => `• ${line.quantity} × ${line.name}`),
    ].join("\n"),
  };
}

/** Alerts that may be merged into one digest when they pile up on a merchant's chat. */
export const SETTLED_DIGEST_GROUP = "payment_settled";
/** Test payments pile up apart, so a digest of paid orders never counts one. */
export const TEST_SETTLED_DIGEST_GROUP = "test_payment_settled";

/** The digest group of a settled payment's alert. */
export function settledDigestGroup(payment: Pick<Payment, "testMode">): string {
  return payment.testMode ? TEST_SETTLED_DIGEST_GROUP : SETTLED_DIGEST_GROUP;
}

/** One paid order, as a line of a digest. */
export function paymentSettledLine(
  order: Order,
  payment: Payment,
  locale: string,
  providerLabel: string | undefined,
): string {
  return `${testMark(payment)}*${order.ref}* ${formatMoney(payment.amount, locale)} by ${paidBy(payment, providerLabel)}, from ${shopperLabel(order)}`;
}

/** Several alerts that piled up on a merchant's chat, as one message. */
export function merchantDigest(group: string, lines: readonly string[]): Reply {
  const heading =
    group === SETTLED_DIGEST_GROUP
      ? `💰 ${lines.length} orders paid:`
      : group === TEST_SETTLED_DIGEST_GROUP
        ? `🧪 ${lines.length} test payments — no money moved:`
        : `🔔 ${lines.length} updates:`;
  return { text: [heading, ...lines.map((line) => `• ${line}`)].join("\n") };
}

const FLAG_WORDS: Record<NonNullable<Payment["flag"]>["reason"], string> = {
  amount_mismatch: "the amount paid is not the order total",
  already_paid: "the order was already paid another way, so it is paid twice: refund this payment",
  order_closed: "the order was cancelled before the money arrived: refund it or reopen the order",
  unconfirmed: "the provider did not confirm the payment",
  overpaid: "more was paid than the order total: refund the difference",
};

/** Money that could not simply settle: the merchant decides. */
export function paymentFlaggedNotice(
  order: Order,
  payment: Payment,
  locale: string,
  providerLabel: string | undefined,
): Reply {
  const by = paidBy(payment, providerLabel);
  const reason = payment.flag ? FLAG_WORDS[payment.flag.reason] : "it needs a look";
  const detail = payment.flag?.detail ? ` (${payment.flag.detail})` : "";
  // An overpaid order is paid and settled: only the difference needs the merchant.
  if (payment.flag?.reason === "overpaid") {
    return {
      text: `⚠️ *${order.ref}* is paid (${formatMoney(payment.amount, locale)} by ${by}), but ${reason}${detail}. Check it in your ${by} statement.`,
    };
  }
  return {
    text: `⚠️ Payment for *${order.ref}* (${formatMoney(payment.amount, locale)} by ${by}) was not settled: ${reason}${detail}. Check it in your ${by} statement.`,
  };
}

/** Money that matched no order: who sent what, and how to attach it. */
export function orphanNotice(
  received: ReceivedPayment,
  locale: string,
  providerLabel: string | undefined,
): Reply {
  return {
    text: [
      `💰 ${formatMoney(received.amount, locale)} arrived${providerLabel ? ` by ${providerLabel}` : ""} but matches no order.`,
      orphanLine(received, locale),
      `If you know the order, reply /attach ${received.transId} and its reference (DK-…). /orphans lists all such payments.`,
    ].join("\n"),
  };
}

/** One orphan: transaction, amount, when, the account typed and the payer as the provider shows them. */
export function orphanLine(received: ReceivedPayment, locale: string): string {
  const account = received.account?.trim()
    ? `account "${received.account.trim().slice(0, 20)}"`
    : "no account";
  const payer = [received.payerName, received.msisdn].filter(Boolean).join(" ");
  return `*${received.transId}* ${formatMoney(received.amount, locale)}, ${account}${payer ? `, from ${payer}` : ""}, ${received.paidAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `/orphans`: what arrived for no order, oldest first. */
export function orphanList(orphans: readonly ReceivedPayment[], locale: string): Reply {
  if (orphans.length === 0)
    return { text: "No unmatched payments: every payment received matched an order." };
  return {
    text: [
      `💰 ${orphans.length} payment${orphans.length === 1 ? "" : "s"} matched no order:`,
      ...orphans.map((item) => `• ${orphanLine(item, locale)}`),
      "",
      "Reply /attach, a transaction and an order's reference (DK-…) to settle that order with it.",
    ].join("\n"),
  };
}

/** `/attach`'s answer. */
export function attachOutcomeReply(outcome: AttachOutcome, locale: string): Reply {
  switch (outcome.kind) {
    case "attached":
      return {
        text: `📎 ${outcome.received.transId} (${formatMoney(outcome.received.amount, locale)}) attached to *${outcome.order.ref}*, now ${outcome.order.status.replace("_", " ")}.`,
      };
    case "no_transaction":
      return {
        text: `No payment received with transaction ${outcome.transId.slice(0, 20)}. /orphans lists them.`,
      };
    case "already_matched":
      return {
        text: `${outcome.received.transId} is already attached to ${outcome.received.orderRef ?? "an order"}.`,
      };
    case "no_order":
      return {
        text: `There is no order ${outcome.orderRef.slice(0, 20)}. Check the reference (like DK-7F3K2).`,
      };
    case "not_payable":
      return { text: `${outcome.order.ref} cannot take this payment: ${outcome.why}.` };
  }
}

export function refundOutcomeReply(outcome: RefundOutcome, locale: string): Reply {
  switch (outcome.kind) {
    case "not_found":
      return { text: `There is no order ${outcome.ref}. Check the reference (like DK-7F3K2).` };
    case "refunded":
      return {
        text: `↩️ *${outcome.order.ref}* refunded: ${formatMoney(outcome.payment.amount, locale)} goes back to the shopper, who has been told.`,
      };
    case "provider_refused":
      return {
        text: `The refund of *${outcome.order.ref}* was refused by the provider: ${outcome.message}. Nothing changed.`,
      };
    case "unconfirmed":
      return {
        text: `The provider did not answer about the refund of *${outcome.order.ref}*. Duka will ask it again shortly; do not refund it another way meanwhile.`,
      };
    case "not_refundable": {
      const ref = outcome.order.ref;
      return {
        text: {
          not_paid: `*${ref}* is not paid, so there is nothing to refund. Nothing changed.`,
          already_refunded: `*${ref}* was already refunded. Nothing changed.`,
          not_supported: `*${ref}* was not paid by card, so Duka cannot refund it: send the money back yourself (M-Pesa or bank), then note it. Nothing changed.`,
          in_progress: `A refund of *${ref}* is already under way. Nothing changed.`,
        }[outcome.why],
      };
    }
  }
}
