/** What merchants read about cash on delivery orders. Pure: data in, channel-neutral replies out. */
import type { Reply } from "../domain/channel.js";
import { formatMoney } from "../domain/money.js";
import type { Order } from "../domain/order.js";
import type {
  DeliveryCancelOutcome,
  DeliveryRefusal,
  PaidOutcome,
} from "../payments/cash-on-delivery/index.js";
import { shopperLabel } from "./merchant-messages.js";

/** A new order to deliver; the money is collected at the door, so nothing is paid yet. */
export function deliveryOrderNotice(order: Order, locale: string): Reply {
  return {
    text: [
      `🚚 New cash on delivery order *${order.ref}*: ${formatMoney(order.total, locale)}, not paid yet`,
      `For ${shopperLabel(order)}`,
      ...order.lines.map((line) => `• ${line.quantity} × ${line.name}`),
      `Deliver it and collect the money, then reply /paid ${order.ref}. Cash on delivery orders: /orders awaiting_delivery`,
    ].join("\n"),
  };
}

export function deliveryCancelledNotice(order: Order): Reply {
  return {
    text: `❌ Cash on delivery order *${order.ref}* was cancelled by ${shopperLabel(order)}. Do not deliver it.`,
  };
}

export function paidOutcomeReply(outcome: PaidOutcome): Reply {
  if (outcome.kind !== "paid") return refusalReply(outcome);
  return {
    text: outcome.alreadyDone
      ? `*${outcome.order.ref}* was already marked paid. Nothing changed.`
      : `💰 *${outcome.order.ref}* marked paid. The shopper has been told. Once delivered: /fulfil ${outcome.order.ref}`,
  };
}

export function deliveryCancelOutcomeReply(outcome: DeliveryCancelOutcome): Reply {
  if (outcome.kind !== "cancelled") return refusalReply(outcome);
  return {
    text: outcome.alreadyDone
      ? `*${outcome.order.ref}* was already cancelled. Nothing changed.`
      : `❌ *${outcome.order.ref}* cancelled; it will not be delivered. The shopper has been told.`,
  };
}

function refusalReply(outcome: DeliveryRefusal): Reply {
  switch (outcome.kind) {
    case "not_found":
      return { text: `There is no order ${outcome.ref}. Check the reference (like DK-7F3K2).` };
    case "not_cash_on_delivery":
      return {
        text: `*${outcome.order.ref}* is not a cash on delivery order: it is paid by its provider or by a receipt you confirm. Nothing changed.`,
      };
    case "not_awaiting_delivery":
      return {
        text: `*${outcome.order.ref}* is ${outcome.order.status.replace("_", " ")}, not awaiting delivery. Nothing changed.`,
      };
  }
}
