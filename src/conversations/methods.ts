/**
 * How the dialogue words each payment method: one entry per method, so a new method is a new
 * entry here (the compiler asks for it), not a case in many switches. Sentences that name the
 * provider ("The M-Pesa payment…") get its name from the provider's option (`PaymentOption.label`),
 * or the method's generic name when no provider offers the method any more.
 */
import type { Catalog } from "../catalog/types.js";
import type { Money } from "../domain/money.js";
import type { PaymentMethod } from "../domain/payment.js";
import { maskMsisdn } from "../domain/phone.js";
import type { NextWay } from "./next-way.js";
import {
  bold,
  cancelOrderRow,
  choice,
  LABELS,
  maskContacts,
  payAnotherWayRow,
  price,
  seeCatalogRow,
  sentence,
  TEST_PAYMENT_NOTE,
} from "./prompts.js";
import type { Choice, PayerDetails, PaymentOption, Reply, ResultEvent, Step } from "./types.js";

export type PlacedOrder = Omit<Extract<ResultEvent, { kind: "order_placed" }>, "kind" | "method">;

/** What the shopper waits for once the payment started. */
export type MethodWait =
  /**
   * The provider's result (a PIN prompt answered, a payment page used), or the merchant's word
   * that the cash was collected on delivery: `awaiting_payment`.
   */
  | {
      readonly for: "provider";
      /** The step's prompt, to anything the shopper says meanwhile. */
      reply(orderRef: string, provider: string): Reply;
      /** For /start and /help. */
      reminder(orderRef: string, provider: string): string;
      /** Said to a file sent meanwhile. */
      noReceipt(provider: string): string;
    }
  /** A receipt for the merchant to check: `awaiting_proof`. */
  | { readonly for: "proof" };

export interface MethodWording {
  /** The method named without a provider: "mobile money", "card", "transfer". */
  readonly generic: string;
  /**
   * How merchant alerts name a payment by this method ("paid by card"); absent: by the provider's
   * own name, since the merchant checks that provider's statement ("by M-Pesa").
   */
  readonly byline?: string;
  /** The order is placed and its payment started: what the shopper does now. */
  placed(catalog: Catalog, order: PlacedOrder, provider: string, payer: PayerDetails): Reply;
  readonly waits: MethodWait;
  /** The provider said no; `why` is a sentence. */
  failed(orderRef: string, why: string, provider: string): string;
  expired(orderRef: string, provider: string): string;
  /** What can be done about the unpaid order, after "Order X is not paid yet." */
  unpaid(provider: string): string;
  /** The button that starts the same payment again; absent: it cannot be (another way, or cancel). */
  readonly retryLabel?: string;
  /**
   * Paid at the door and settled by the merchant's word: a pasted M-Pesa SMS is not taken as a
   * receipt (the order is not waiting for one).
   */
  readonly paidOnDelivery?: true;
}

/** What a shopper can do about an order whose payment did not happen (or is under way). */
function unpaidRows(retryLabel: string | undefined): readonly (readonly Choice[])[] {
  return retryLabel
    ? [[choice(retryLabel, { kind: "retry" })], payAnotherWayRow, cancelOrderRow]
    : [payAnotherWayRow, cancelOrderRow];
}

/**
 * "an M-Pesa", "an Airtel Money", "a Tigo Pesa": a provider's name after "a" or "an". A capital
 * not followed by a small letter is an initial read as a letter name ("em", "ef").
 */
export function withArticle(name: string): string {
  return /^(?:[AEIOUaeiou]|[FHLMNRSX](?![a-z]))/.test(name) ? `an ${name}` : `a ${name}`;
}

/** A name at the start of a sentence. */
function capitalized(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Only a web address a button can open; anything else is left out (the text then says what to do). */
function linkButton(link: { readonly label: string; readonly url: string } | undefined): Reply["link"] {
  const url = typeof link?.url === "string" ? link.url.trim() : "";
  if (!/^https?:\/\/\S+$/i.test(url)) return undefined;
  const label = typeof link?.label === "string" ? link.label.replace(/\s+/g, " ").trim().slice(0, 64) : "";
  return { label: label || LABELS.payByCard, url };
}

const mobileMoney: MethodWording = {
  generic: "mobile money",
  placed(catalog, order, provider, payer) {
    // A provider's hosted page (Flutterwave) asks for the number and sends the prompt itself.
    const link = linkButton(order.link);
    if (link) {
      return {
        text: `📲 Tap the button to pay ${bold(price(catalog, order.total))} for order ${bold(order.orderRef)} with ${provider}: the page sends the request to your phone. I'll message you here when it's paid.`,
        link,
        choices: [cancelOrderRow],
      };
    }
    const to = payer.phone ? maskMsisdn(payer.phone) : "your phone";
    return {
      text: `📲 Check your phone: we sent ${withArticle(provider)} request for ${bold(price(catalog, order.total))} to ${to} (order ${bold(order.orderRef)}). Enter your ${provider} PIN to pay.`,
      choices: [cancelOrderRow],
    };
  },
  waits: {
    for: "provider",
    reply: (orderRef, provider) => ({
      text: `Waiting for your ${provider} PIN for ${bold(orderRef)}. Check your phone. If nothing came, wait a minute: I'll offer to send it again.`,
      choices: [cancelOrderRow],
    }),
    reminder: (orderRef, provider) =>
      `📲 Order ${bold(orderRef)} is waiting for your ${provider} PIN: check your phone, or /cancel.`,
    noReceipt: (provider) => `No receipt is needed for ${provider}: just enter your PIN on your phone.`,
  },
  failed: (orderRef, why, provider) =>
    `❌ The ${provider} payment for ${bold(orderRef)} did not go through: ${why}`,
  expired: (orderRef, provider) =>
    `⌛ ${capitalized(provider)} did not confirm ${bold(orderRef)} in time. If you did not pay, send the request again.`,
  unpaid: (provider) => `Send the ${provider} request again, pay another way, or cancel the order.`,
  retryLabel: LABELS.sendAgain,
};

const cardRows = unpaidRows(LABELS.newLink);

const card: MethodWording = {
  generic: "card",
  byline: "card",
  /**
   * The payment page as a link button, and what to do if it does not work. Without a link, the
   * provider's instructions say how to pay.
   */
  placed(catalog, order) {
    const amount = bold(price(catalog, order.total));
    const ref = bold(order.orderRef);
    const link = linkButton(order.link);
    if (link) {
      return {
        text: `💳 Tap the button to pay ${amount} for order ${ref} by card. I'll message you here when it's paid.`,
        link,
        choices: cardRows,
      };
    }
    const instructions = maskContacts(
      typeof order.instructions === "string" ? order.instructions : "",
    ).trim();
    const text = instructions
      ? [
          `💳 To pay ${amount} for order ${ref} by card:`,
          instructions,
          "",
          "I'll message you here when it's paid.",
        ]
      : [`💳 Order ${ref} is placed (${amount}). Tap New link to get the card payment page.`];
    return { text: text.join("\n"), choices: cardRows };
  },
  waits: {
    for: "provider",
    // The link is in an earlier message (not in the state).
    reply: (orderRef) => ({
      text: `Use the payment button above for ${bold(orderRef)}, or tap New link.`,
      choices: cardRows,
    }),
    reminder: (orderRef) =>
      `💳 Order ${bold(orderRef)} is waiting for your card payment: tap the payment button I sent, or /cancel.`,
    noReceipt: () => "No receipt is needed for card payments.",
  },
  failed: (orderRef, why) => `❌ The card payment for ${bold(orderRef)} did not go through: ${why}`,
  expired: (orderRef) => `⌛ The payment link for ${bold(orderRef)} was not used in time.`,
  unpaid: () => "Get a new payment link, pay another way, or cancel the order.",
  retryLabel: LABELS.newLink,
};

/** A transfer, proven by a receipt; it cannot be "sent again". */
const transfer: MethodWording = {
  generic: "transfer",
  byline: "transfer",
  placed(catalog, order) {
    const instructions = order.instructions.trim() || catalog.paymentInstructions.trim();
    return {
      text: [
        `🧾 Order ${bold(order.orderRef)} placed. Total: ${bold(price(catalog, order.total))}`,
        "",
        "How to pay:",
        instructions,
        "",
        catalog.shop.currency === "KES"
          ? "Then send a photo (or PDF) of the receipt here, or paste the M-Pesa confirmation SMS."
          : "Then send a photo (or PDF) of the receipt here.",
      ].join("\n"),
      choices: [cancelOrderRow],
    };
  },
  waits: { for: "proof" },
  failed: (orderRef, why) => `❌ The payment for ${bold(orderRef)} did not go through: ${why}`,
  expired: (orderRef) => `⌛ The payment for ${bold(orderRef)} was not made in time.`,
  unpaid: () => "Pay another way, or cancel the order.",
};

/**
 * Paid from the shopper's phone to a Paybill or Till (SIM menu, *334#): the provider's instructions
 * say where and with which account number; the confirmation is matched to the order by itself.
 */
const paybill: MethodWording = {
  generic: "Paybill",
  placed(catalog, order, provider) {
    const instructions = order.instructions.trim();
    return {
      text: [
        `📱 To pay ${bold(price(catalog, order.total))} for order ${bold(order.orderRef)} with ${provider}:`,
        instructions || `Use the shop's ${provider} number with account ${order.orderRef}.`,
        "",
        "Pay from the M-Pesa menu on any phone (or dial *334#). I'll message you here when the payment arrives.",
      ].join("\n"),
      choices: [cancelOrderRow],
    };
  },
  waits: {
    for: "provider",
    reply: (orderRef, provider) => ({
      text: `Waiting for your ${provider} payment for ${bold(orderRef)}: follow the instructions above. I'll message you here when it arrives.`,
      choices: [cancelOrderRow],
    }),
    reminder: (orderRef, provider) =>
      `📱 Order ${bold(orderRef)} is waiting for your ${provider} payment (account ${bold(orderRef)}), or /cancel.`,
    noReceipt: (provider) =>
      `No receipt is needed for ${provider}: the payment is matched by itself when M-Pesa confirms it.`,
  },
  failed: (orderRef, why, provider) =>
    `❌ The ${provider} payment for ${bold(orderRef)} did not go through: ${why}`,
  expired: (orderRef, provider) =>
    `⌛ No ${provider} payment for ${bold(orderRef)} has arrived yet. If you paid, it is matched as soon as M-Pesa confirms it.`,
  unpaid: () => "Pay another way, or cancel the order.",
};

/**
 * Paid to the rider on delivery: the order is placed at once, and the merchant marks it paid when
 * the cash is collected. Nothing can fail or be sent again, so only cancelling is offered.
 */
const onDelivery: MethodWording = {
  generic: "cash on delivery",
  byline: "cash on delivery",
  placed(catalog, order) {
    const instructions = maskContacts(
      typeof order.instructions === "string" ? order.instructions : "",
    ).trim();
    return {
      text: [
        `🚚 Order ${bold(order.orderRef)} placed for delivery. Total: ${bold(price(catalog, order.total))}`,
        ...(instructions ? ["", instructions] : []),
        "",
        "The shop will confirm here when you have paid.",
      ].join("\n"),
      choices: [cancelOrderRow],
    };
  },
  waits: {
    for: "provider",
    reply: (orderRef) => ({
      text: `Order ${bold(orderRef)} is on its way: pay on delivery, and the shop will confirm here.`,
      choices: [cancelOrderRow],
    }),
    reminder: (orderRef) =>
      `🚚 Order ${bold(orderRef)} will be paid on delivery; the shop confirms here when you have paid. Or /cancel.`,
    noReceipt: () => "No receipt is needed: you pay on delivery, and the shop confirms it.",
  },
  failed: (orderRef, why) => `❌ Cash on delivery for ${bold(orderRef)} is not possible: ${why}`,
  expired: (orderRef) => `⌛ Order ${bold(orderRef)} was not delivered.`,
  unpaid: () => "Pay another way, or cancel the order.",
  paidOnDelivery: true,
};

export const METHODS: Readonly<Record<PaymentMethod, MethodWording>> = {
  mobile_money: mobileMoney,
  card,
  manual: transfer,
  paybill,
  cash_on_delivery: onDelivery,
};

/** The provider's name for sentences about this method: the offered provider's, else the generic one. */
export function providerName(options: readonly PaymentOption[], method: PaymentMethod): string {
  return options.find((option) => option.method === method)?.label ?? METHODS[method].generic;
}

/**
 * A settled payment, with the provider's receipt named the way the shopper knows it; a test-mode
 * one says that no money moved.
 */
export function paymentConfirmedReply(
  orderRef: string,
  receipt: string | undefined,
  option: PaymentOption | undefined,
  testMode = false,
  insteadOf?: string,
): Reply {
  const shown = typeof receipt === "string" ? maskContacts(receipt.replace(/\*/g, "")).trim() : "";
  const note = shown ? ` (${option?.receiptLabel ?? "reference"} ${bold(shown)})` : "";
  const lines = [`✅ Payment for ${bold(orderRef)} confirmed${note}. Thank you!`];
  if (insteadOf) lines.push(`It went through after all, so do not pay by ${insteadOf}: nothing more is due.`);
  if (testMode) lines.push(TEST_PAYMENT_NOTE);
  return { text: lines.join("\n"), choices: [seeCatalogRow] };
}

/** The provider says the payment did not happen; `next`: the way to offer first, one tap away. */
export function paymentFailedReply(
  orderRef: string,
  reason: string,
  method: PaymentMethod,
  provider: string,
  next?: NextWay,
): Reply {
  const wording = METHODS[method];
  return offeringNextWay(
    {
      text: wording.failed(orderRef, sentence(reason, "it was not completed."), provider),
      choices: unpaidRows(wording.retryLabel),
    },
    next,
  );
}

/** The reply with the next way to pay said last and its button first. */
function offeringNextWay(reply: Reply, next: NextWay | undefined): Reply {
  if (!next) return reply;
  return {
    ...reply,
    text: `${reply.text}\n\n👉 ${next.text}`,
    choices: [[next.button], ...(reply.choices ?? [])],
  };
}

/** Part of the total arrived; the order stays open for the rest, paid the same way. */
export function paymentPartialReply(
  catalog: Catalog,
  orderRef: string,
  paid: Money,
  missing: Money,
  provider: string,
): Reply {
  return {
    text: `💸 We received ${bold(price(catalog, paid))} for ${bold(orderRef)}, but ${bold(price(catalog, missing))} is still missing. Pay the rest the same way (${provider}, account ${bold(orderRef)}) and the order is complete.`,
    choices: [cancelOrderRow],
  };
}

/** No result came in time; `next` as for a failure. */
export function paymentExpiredReply(
  orderRef: string,
  method: PaymentMethod,
  provider: string,
  next?: NextWay,
): Reply {
  const wording = METHODS[method];
  return offeringNextWay(
    { text: wording.expired(orderRef, provider), choices: unpaidRows(wording.retryLabel) },
    next,
  );
}

/** The `payment_failed` step's prompt, when it is shown again. */
export function paymentRetryReply(orderRef: string, method: PaymentMethod, provider: string): Reply {
  const wording = METHODS[method];
  return {
    text: `💳 Order ${bold(orderRef)} is not paid yet. ${wording.unpaid(provider)}`,
    choices: unpaidRows(wording.retryLabel),
  };
}

/** What an open order still needs, for /start and /help; nothing when no order is waiting. */
export function openOrderReminder(step: Step, options: readonly PaymentOption[]): string | undefined {
  switch (step.name) {
    case "awaiting_proof":
      return `📎 Order ${bold(step.orderRef)} is waiting for your receipt: send a photo (or PDF) of it here, or /cancel.`;
    case "proof_under_review":
      return `⏳ Your receipt for ${bold(step.orderRef)} is being checked; we'll message you here.`;
    case "awaiting_payment": {
      const waits = METHODS[step.method].waits;
      if (waits.for === "provider") return waits.reminder(step.orderRef, providerName(options, step.method));
      return undefined;
    }
    case "payment_failed":
    case "choosing_payment":
    case "entering_payer":
      return step.orderRef
        ? `💳 Order ${bold(step.orderRef)} is not paid yet: send me any message to see how to pay it, or /cancel.`
        : undefined;
    default:
      return undefined;
  }
}
