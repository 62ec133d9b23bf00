/**
 * Every message the shopper sees, as channel-neutral Replies. Wording rules: short sentences,
 * the order reference and totals in *bold*, money through formatMoney with the shop's locale,
 * phone numbers and e-mail addresses only masked (`0712 ••• 678`, `a•••@gmail.com`), never in
 * full (the format examples, 0712 345 678 and amina@example.com, are nobody's).
 */
import type { Catalog, Product } from "../catalog/types.js";
import { formatMoney, type Money } from "../domain/money.js";
import type { PaymentMethod } from "../domain/payment.js";
import { maskMsisdn, normalizeMsisdn } from "../domain/phone.js";
import { type PricedCart, sellableProducts } from "./cart.js";
import { maskEmails } from "./email.js";
import { type ChoiceIntent, MAX_QUANTITY, parseChoiceData, toChoiceData } from "./tokens.js";
import type { Choice, OrderSummary, PaymentOption, Reply, Step } from "./types.js";

export const LABELS = {
  viewCartCount: (count: number) => `🛒 View cart (${count})`,
  viewCart: "🛒 View cart",
  backToCatalog: "⬅️ Back to catalog",
  backToCart: "⬅️ Back to cart",
  keepShopping: "🛍 Keep shopping",
  seeCatalog: "🛍 See the catalog",
  checkout: "✅ Checkout",
  emptyCart: "🗑 Empty cart",
  cancelOrder: "❌ Cancel order",
  increase: (name: string) => `➕ ${name}`,
  decrease: (name: string) => `➖ ${name}`,
  sendReceipt: (ref: string) => `📎 Send receipt for ${ref}`,
  usePhone: (phone: string) => `📱 Use ${maskMsisdn(phone)}`,
  back: "⬅️ Back",
  shareNumber: "📱 Share my number",
  sendAgain: "🔁 Send the request again",
  newLink: "🔁 New link",
  payAnotherWay: "💳 Pay another way",
  payByCard: "💳 Pay by card",
} as const;

/** How many quantity buttons the quantity prompt offers; larger numbers are typed. */
export const QUANTITY_BUTTONS = 5;
/** How many orders /orders shows. */
export const ORDERS_SHOWN = 10;

export const NOTICES = {
  staleButton: "That button is from an older message.",
  didNotUnderstand: "Sorry, I didn't get that. Tap a button, or reply with its number.",
  cartEmpty: "Your cart is empty.",
  cartEmptied: "Your cart is now empty.",
  nothingToCancel: "Nothing to cancel.",
  itemsDropped: "Some items are no longer available and were removed from your cart.",
  productGone: "Sorry, that product is no longer available.",
  noPaymentOptions: "Sorry, we can't take payments right now. Please try again a little later.",
  methodGone: "Sorry, that way to pay is not available right now. Please pick another.",
  receiptTooEarly:
    "I can only take a receipt after you check out. If you already placed an order, send /orders.",
  contact: "Thanks, but I don't need a contact card.",
  capped: `You can have at most ${MAX_QUANTITY} of one product in your cart.`,
  invalidPhone: "That is not an M-Pesa number I can use. Send it like 0712 345 678.",
  foreignContact: "Please share your own number, or type the number to charge.",
  phoneNotFile: "Please type the number, like 0712 345 678.",
  mpesaNoReceipt: "No receipt is needed for M-Pesa: just enter your PIN on your phone.",
  invalidEmail: "That does not look like an e-mail address. Send it like amina@example.com.",
  emailNotFile: "Please type your e-mail address, like amina@example.com.",
  cardNoReceipt: "No receipt is needed for card payments.",
  fileNotNeeded: "I don't need a file for this order now: choose an option below.",
  failure: "Sorry, something went wrong on our side. Please try again, or send /start.",
} as const;

export const QUANTITY_NOTICES = {
  zero: "0 is not a quantity. Please choose at least 1.",
  negative: "A quantity can't be negative. Please choose at least 1.",
  too_many: `That's too many for one order. You can order up to ${MAX_QUANTITY} at a time.`,
  fraction: "Please use a whole number, like 2.",
  not_a_number: `Please send a number from 1 to ${MAX_QUANTITY}, or tap a button.`,
} as const;

export function noSuchOptionNotice(number: number, menuSize: number): string {
  return menuSize === 1
    ? `There is no option ${number}. Reply with 1, or tap the button.`
    : `There is no option ${number}. Reply with a number from 1 to ${menuSize}.`;
}

export function bold(text: string): string {
  return `*${text.replace(/\*/g, "")}*`;
}

/** Kenyan mobile numbers written in any usual way, as whole numbers (not inside longer digit runs). */
const PHONE_IN_TEXT = /(?<![\d+])(?:\+?254[\s-]?|0)?[17]\d{2}[\s-]?\d{3}[\s-]?\d{3}(?!\d)/g;

/** Masks every Kenyan mobile number in text from elsewhere (a provider's reason may quote one). */
export function maskPhones(text: string): string {
  return text.replace(PHONE_IN_TEXT, (found) => {
    const msisdn = normalizeMsisdn(found);
    return msisdn ? maskMsisdn(msisdn) : found;
  });
}

/** Masks the e-mail addresses, then the phone numbers (a local part may be a number), in text from elsewhere. */
export function maskContacts(text: string): string {
  return maskPhones(maskEmails(text));
}

/**
 * Ends a sentence taken from elsewhere (a reason) with exactly one full stop; masks phone numbers
 * and e-mail addresses.
 */
export function sentence(text: string, fallback: string): string {
  const trimmed = maskContacts(typeof text === "string" ? text : "").trim();
  if (trimmed.length === 0) return fallback;
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export function price(catalog: Catalog, value: Money): string {
  return formatMoney(value, catalog.shop.locale);
}

function choice(label: string, intent: ChoiceIntent): Choice {
  return { label, data: toChoiceData(intent) };
}

const seeCatalogRow: readonly Choice[] = [choice(LABELS.seeCatalog, { kind: "shop" })];
const cancelOrderRow: readonly Choice[] = [choice(LABELS.cancelOrder, { kind: "cancel" })];
const payAnotherWayRow: readonly Choice[] = [choice(LABELS.payAnotherWay, { kind: "pay_other" })];
/** What a shopper can do about an order whose M-Pesa payment did not happen. */
const paymentFailedRows: readonly (readonly Choice[])[] = [
  [choice(LABELS.sendAgain, { kind: "retry" })],
  payAnotherWayRow,
  cancelOrderRow,
];
/** What a shopper can do about an order paid by card: while its link is out, and after a failure. */
const cardPaymentRows: readonly (readonly Choice[])[] = [
  [choice(LABELS.newLink, { kind: "retry", method: "card" })],
  payAnotherWayRow,
  cancelOrderRow,
];
/** A transfer cannot be "sent again": another way, or cancel. */
const manualFailedRows: readonly (readonly Choice[])[] = [payAnotherWayRow, cancelOrderRow];

/**
 * The method a payment-failure prompt was about, read back from the buttons it offered (the
 * `payment_failed` step does not record it): a card retry, M-Pesa's, or none (a transfer). A menu
 * with none of those (the prompt was replaced, by /help say) reads as M-Pesa, as before cards.
 */
export function failedMethodOf(menu: readonly Choice[]): PaymentMethod {
  const intents = menu.map((item) => parseChoiceData(item.data));
  const retry = intents.find((intent) => intent?.kind === "retry");
  if (retry?.kind === "retry") return retry.method ?? "mobile_money";
  return intents.some((intent) => intent?.kind === "pay_other") ? "manual" : "mobile_money";
}

/** Puts a short note above a prompt, keeping the prompt's choices. */
export function withNotice(notice: string | undefined, reply: Reply): Reply {
  if (!notice) return reply;
  return { ...reply, text: `${notice}\n\n${reply.text}` };
}

export function joinNotices(...notices: readonly (string | undefined)[]): string | undefined {
  const present = notices.filter((notice): notice is string => Boolean(notice));
  return present.length > 0 ? present.join("\n") : undefined;
}

function displayName(name: string | undefined): string | undefined {
  const clean = name
    ?.replace(/[*_~`]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 40);
  return clean ? clean : undefined;
}

export function greeting(catalog: Catalog, customerName?: string): string {
  const name = displayName(customerName);
  const shop = bold(catalog.shop.name);
  return name ? `👋 Hi ${name}! Welcome to ${shop}.` : `👋 Welcome to ${shop}!`;
}

/** What an open order still needs, for /start and /help; nothing when no order is waiting. */
export function openOrderReminder(step: Step): string | undefined {
  switch (step.name) {
    case "awaiting_proof":
      return `📎 Order ${bold(step.orderRef)} is waiting for your receipt: send a photo (or PDF) of it here, or /cancel.`;
    case "proof_under_review":
      return `⏳ Your receipt for ${bold(step.orderRef)} is being checked; we'll message you here.`;
    case "awaiting_push":
      return `📲 Order ${bold(step.orderRef)} is waiting for your M-Pesa PIN: check your phone, or /cancel.`;
    case "awaiting_link":
      return `💳 Order ${bold(step.orderRef)} is waiting for your card payment: tap the payment button I sent, or /cancel.`;
    case "payment_failed":
    case "choosing_payment":
    case "entering_phone":
    case "entering_email":
      return step.orderRef
        ? `💳 Order ${bold(step.orderRef)} is not paid yet: send me any message to see how to pay it, or /cancel.`
        : undefined;
    default:
      return undefined;
  }
}

export function catalogReply(catalog: Catalog, cartItems: number, intro?: string): Reply {
  const products = sellableProducts(catalog);
  const ask =
    products.length > 0
      ? "What would you like? Choose a product:"
      : "Sorry, there is nothing for sale right now. Please check back later.";
  const choices: Choice[][] = products.map((product) => [
    choice(`${product.name} — ${price(catalog, product.price)}`, { kind: "product", sku: product.sku }),
  ]);
  if (cartItems > 0) choices.push([choice(LABELS.viewCartCount(cartItems), { kind: "cart" })]);
  return { text: intro ? `${intro}\n\n${ask}` : ask, ...(choices.length > 0 ? { choices } : {}) };
}

export function quantityReply(catalog: Catalog, product: Product, inCart: number): Reply {
  const lines = [bold(product.name)];
  if (product.description?.trim()) lines.push(product.description.trim());
  lines.push(`Price: ${bold(price(catalog, product.price))} each`);
  if (inCart > 0) lines.push(`You have ${inCart} in your cart.`);
  lines.push("", `How many would you like? Tap a number, or type one from 1 to ${MAX_QUANTITY}.`);
  const numbers = Array.from({ length: QUANTITY_BUTTONS }, (_, i) =>
    choice(String(i + 1), { kind: "quantity", sku: product.sku, quantity: i + 1 }),
  );
  return { text: lines.join("\n"), choices: [numbers, [choice(LABELS.backToCatalog, { kind: "shop" })]] };
}

export function addedReply(catalog: Catalog, product: Product, added: number, cart: PricedCart): Reply {
  return {
    text: `${added > 0 ? `Added ${added} × ${product.name}. ` : ""}Cart total: ${bold(price(catalog, cart.total))}`,
    choices: [
      [choice(LABELS.keepShopping, { kind: "shop" })],
      [choice(LABELS.viewCart, { kind: "cart" })],
      [choice(LABELS.checkout, { kind: "checkout" })],
    ],
  };
}

function cartLines(catalog: Catalog, cart: PricedCart): string[] {
  return cart.lines.map((line) => `${line.quantity} × ${line.product.name} = ${price(catalog, line.total)}`);
}

export function cartReply(catalog: Catalog, cart: PricedCart): Reply {
  const text = [
    "🛒 *Your cart*",
    ...cartLines(catalog, cart),
    "",
    `Total: ${bold(price(catalog, cart.total))}`,
  ];
  const edits = cart.lines.map((line) => [
    choice(LABELS.increase(line.product.name), { kind: "increase", sku: line.product.sku }),
    choice(LABELS.decrease(line.product.name), { kind: "decrease", sku: line.product.sku }),
  ]);
  return {
    text: text.join("\n"),
    choices: [
      ...edits,
      [choice(LABELS.emptyCart, { kind: "clear" })],
      [choice(LABELS.keepShopping, { kind: "shop" })],
      [choice(LABELS.checkout, { kind: "checkout" })],
    ],
  };
}

export function paymentLabel(option: PaymentOption): string {
  return option.testMode ? `${option.label} (test mode)` : option.label;
}

export function checkoutReply(catalog: Catalog, cart: PricedCart, options: readonly PaymentOption[]): Reply {
  const text = [
    "🧾 *Your order*",
    ...cartLines(catalog, cart),
    `Total: ${bold(price(catalog, cart.total))}`,
    "",
    "How would you like to pay?",
  ];
  return {
    text: text.join("\n"),
    choices: [
      ...options.map((option) => [choice(paymentLabel(option), { kind: "pay", method: option.method })]),
      [choice(LABELS.backToCart, { kind: "cart" })],
    ],
  };
}

export function orderPlacedReply(
  catalog: Catalog,
  order: { readonly orderRef: string; readonly total: Money; readonly instructions: string },
  method: PaymentMethod,
): Reply {
  const head = `🧾 Order ${bold(order.orderRef)} placed. Total: ${bold(price(catalog, order.total))}`;
  if (method === "manual") {
    const instructions = order.instructions.trim() || catalog.paymentInstructions.trim();
    return {
      text: [
        head,
        "",
        "How to pay:",
        instructions,
        "",
        "Then send a photo (or PDF) of the receipt here.",
      ].join("\n"),
      choices: [cancelOrderRow],
    };
  }
  const lines = [head];
  if (order.instructions.trim()) lines.push("", order.instructions.trim());
  lines.push("", "We'll message you here as soon as your payment arrives.");
  return { text: lines.join("\n"), choices: [seeCatalogRow] };
}

export function proofReminderReply(orderRef: string): Reply {
  return {
    text: `📎 Please send a photo (or PDF) of the receipt for ${bold(orderRef)}, showing the amount paid. Or send /cancel to cancel the order.`,
    choices: [cancelOrderRow],
  };
}

export function underReviewReply(orderRef: string): Reply {
  return {
    text: `⏳ Your receipt for ${bold(orderRef)} is being checked; we'll message you here.`,
    choices: [seeCatalogRow],
  };
}

export function proofReceivedReply(orderRef: string): Reply {
  return {
    text: `🙏 Thanks! Your receipt for ${bold(orderRef)} is with the merchant. We'll message you here once it's checked.`,
    choices: [seeCatalogRow],
  };
}

export function proofRefusedReply(orderRef: string, reason: string): Reply {
  return {
    text: [
      `Sorry, I couldn't use that file for ${bold(orderRef)}: ${sentence(reason, "it is not a readable receipt.")}`,
      "Please send a photo (or PDF) of the receipt, or /cancel.",
    ].join("\n"),
    choices: [cancelOrderRow],
  };
}

/** A settled payment, with the provider's receipt named the way the shopper knows it. */
export function paymentConfirmedReply(orderRef: string, receipt?: string, method?: PaymentMethod): Reply {
  const shown = typeof receipt === "string" ? maskContacts(receipt.replace(/\*/g, "")).trim() : "";
  const named = method === "mobile_money" ? "M-Pesa receipt" : "reference";
  const note = shown ? ` (${named} ${bold(shown)})` : "";
  return { text: `✅ Payment for ${bold(orderRef)} confirmed${note}. Thank you!`, choices: [seeCatalogRow] };
}

export function paymentRefundedReply(catalog: Catalog, orderRef: string, amount: Money): Reply {
  return {
    text: `↩️ ${bold(orderRef)} was refunded: ${bold(price(catalog, amount))} is on its way back to you.`,
    choices: [seeCatalogRow],
  };
}

/**
 * Entering the number to charge: the known one as a button, Back to where the method was
 * chosen (the cart's checkout, or the order's ways to pay), and the channel's share-contact button.
 */
export function phoneReply(options: { readonly orderRef?: string; readonly knownPhone?: string }): Reply {
  const { orderRef, knownPhone } = options;
  const choices: Choice[][] = [];
  if (knownPhone) choices.push([choice(LABELS.usePhone(knownPhone), { kind: "use_phone" })]);
  choices.push([choice(LABELS.back, orderRef ? { kind: "pay_other" } : { kind: "checkout" })]);
  const about = orderRef ? ` for ${bold(orderRef)}` : "";
  return {
    text: `Which M-Pesa number should get the payment request${about}?`,
    choices,
    requestContact: LABELS.shareNumber,
  };
}

/** The order's payment was pushed to the phone (`order_placed` with mobile money). */
export function pushSentReply(
  catalog: Catalog,
  order: { readonly orderRef: string; readonly total: Money },
  phone: string | undefined,
): Reply {
  const to = phone ? maskMsisdn(phone) : "your phone";
  return {
    text: `📲 Check your phone: we sent an M-Pesa request for ${bold(price(catalog, order.total))} to ${to} (order ${bold(order.orderRef)}). Enter your M-Pesa PIN to pay.`,
    choices: [cancelOrderRow],
  };
}

/** What `awaiting_push` says to anything typed: the result comes from M-Pesa, not from the chat. */
export function awaitingPushReply(orderRef: string): Reply {
  return {
    text: `Waiting for your M-Pesa PIN for ${bold(orderRef)}. Check your phone. If nothing came, wait a minute: I'll offer to send it again.`,
    choices: [cancelOrderRow],
  };
}

/**
 * The provider says the payment did not happen. Worded by method; no method is M-Pesa (the only
 * provider that reported failures before cards).
 */
export function paymentFailedReply(orderRef: string, reason: string, method?: PaymentMethod): Reply {
  const why = sentence(reason, "it was not completed.");
  switch (method) {
    case "card":
      return {
        text: `❌ The card payment for ${bold(orderRef)} did not go through: ${why}`,
        choices: cardPaymentRows,
      };
    case "manual":
      return {
        text: `❌ The payment for ${bold(orderRef)} did not go through: ${why}`,
        choices: manualFailedRows,
      };
    default:
      return {
        text: `❌ The M-Pesa payment for ${bold(orderRef)} did not go through: ${why}`,
        choices: paymentFailedRows,
      };
  }
}

/** No result came in time; worded by method like `paymentFailedReply`. */
export function paymentExpiredReply(orderRef: string, method?: PaymentMethod): Reply {
  switch (method) {
    case "card":
      return {
        text: `⌛ The payment link for ${bold(orderRef)} was not used in time.`,
        choices: cardPaymentRows,
      };
    case "manual":
      return {
        text: `⌛ The payment for ${bold(orderRef)} was not made in time.`,
        choices: manualFailedRows,
      };
    default:
      return {
        text: `⌛ M-Pesa did not confirm ${bold(orderRef)} in time. If you did not pay, send the request again.`,
        choices: paymentFailedRows,
      };
  }
}

/** The `payment_failed` step's prompt, when it is shown again, for the method that failed. */
export function paymentRetryReply(orderRef: string, method?: PaymentMethod): Reply {
  const unpaid = `💳 Order ${bold(orderRef)} is not paid yet.`;
  switch (method) {
    case "card":
      return {
        text: `${unpaid} Get a new payment link, pay another way, or cancel the order.`,
        choices: cardPaymentRows,
      };
    case "manual":
      return { text: `${unpaid} Pay another way, or cancel the order.`, choices: manualFailedRows };
    default:
      return {
        text: `${unpaid} Send the M-Pesa request again, pay another way, or cancel the order.`,
        choices: paymentFailedRows,
      };
  }
}

/**
 * Entering the e-mail address a card payment needs, with Back to where the method was chosen
 * (the cart's checkout, or the order's ways to pay).
 */
export function emailReply(options: { readonly orderRef?: string }): Reply {
  return {
    text: "Paying by card needs an e-mail address for the receipt. What is yours?",
    choices: [[choice(LABELS.back, options.orderRef ? { kind: "pay_other" } : { kind: "checkout" })]],
  };
}

/** Only a web address a button can open; anything else is left out (the text then says what to do). */
function linkButton(link: { readonly label: string; readonly url: string } | undefined): Reply["link"] {
  const url = typeof link?.url === "string" ? link.url.trim() : "";
  if (!/^https?:\/\/\S+$/i.test(url)) return undefined;
  const label = typeof link?.label === "string" ? link.label.replace(/\s+/g, " ").trim().slice(0, 64) : "";
  return { label: label || LABELS.payByCard, url };
}

/**
 * The card payment started (`order_placed` with card): the payment page as a link button, and
 * what to do if it does not work. Without a link, the provider's instructions say how to pay.
 */
export function cardLinkReply(
  catalog: Catalog,
  order: {
    readonly orderRef: string;
    readonly total: Money;
    readonly instructions: string;
    readonly link?: { readonly label: string; readonly url: string };
  },
): Reply {
  const amount = bold(price(catalog, order.total));
  const ref = bold(order.orderRef);
  const link = linkButton(order.link);
  if (link) {
    return {
      text: `💳 Tap the button to pay ${amount} for order ${ref} by card. I'll message you here when it's paid.`,
      link,
      choices: cardPaymentRows,
    };
  }
  const instructions = maskContacts(typeof order.instructions === "string" ? order.instructions : "").trim();
  const text = instructions
    ? [
        `💳 To pay ${amount} for order ${ref} by card:`,
        instructions,
        "",
        "I'll message you here when it's paid.",
      ]
    : [`💳 Order ${ref} is placed (${amount}). Tap New link to get the card payment page.`];
  return { text: text.join("\n"), choices: cardPaymentRows };
}

/** What `awaiting_link` says to anything typed: the link is in an earlier message (not in the state). */
export function awaitingLinkReply(orderRef: string): Reply {
  return {
    text: `Use the payment button above for ${bold(orderRef)}, or tap New link.`,
    choices: cardPaymentRows,
  };
}

/** The ways to pay an order that exists already (after a failed or expired payment). */
export function orderPaymentReply(orderRef: string, options: readonly PaymentOption[]): Reply {
  const text =
    options.length > 0
      ? `How would you like to pay for ${bold(orderRef)}?`
      : `Sorry, we can't take payments for ${bold(orderRef)} right now. Please try again a little later, or cancel the order.`;
  return {
    text,
    choices: [
      ...options.map((option) => [choice(paymentLabel(option), { kind: "pay", method: option.method })]),
      cancelOrderRow,
    ],
  };
}

export function proofRejectedReply(orderRef: string, reason: string): Reply {
  const why = sentence(reason, "no reason given.");
  return {
    text: `❌ The receipt for ${bold(orderRef)} was not accepted: ${why} Send a new receipt or /cancel.`,
    choices: [cancelOrderRow],
  };
}

export function orderCancelledReply(orderRef: string): Reply {
  return { text: `Order ${bold(orderRef)} cancelled.`, choices: [seeCatalogRow] };
}

export function cancelRefusedNotice(orderRef: string, reason: string): string {
  return `Sorry, I couldn't cancel ${bold(orderRef)}: ${sentence(reason, "it can no longer be cancelled.")}`;
}

export function orderFailedNotice(reason: string): string {
  return `Sorry, we couldn't place your order: ${sentence(reason, "something went wrong.")} You can try again or pick another way to pay.`;
}

/** In words a shopper understands, from the order's and its payment's status. */
export function describeOrderStatus(order: Pick<OrderSummary, "status" | "paymentStatus">): string {
  switch (order.status) {
    case "paid":
      return "paid";
    case "fulfilled":
      return "completed";
    case "cancelled":
      return "cancelled";
    case "expired":
      return order.paymentStatus === "succeeded" ? "paid" : "expired";
    case "awaiting_payment":
      switch (order.paymentStatus) {
        case "under_review":
          return "receipt being checked";
        case "rejected":
          return "receipt not accepted, send a new one";
        case "failed":
          return "payment failed";
        case "succeeded":
          return "paid";
        default:
          return "waiting for payment";
      }
    default:
      return "unknown";
  }
}

/** An order still waiting for a (new) receipt, so /orders offers to send one. */
export function needsReceipt(order: Pick<OrderSummary, "status" | "paymentStatus">): boolean {
  return (
    order.status === "awaiting_payment" &&
    (order.paymentStatus === "awaiting_proof" || order.paymentStatus === "rejected")
  );
}

function timeOf(date: unknown): number {
  const time =
    date instanceof Date ? date.getTime() : typeof date === "string" ? Date.parse(date) : Number.NaN;
  return Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time;
}

export function ordersReply(catalog: Catalog, orders: readonly OrderSummary[]): Reply {
  if (orders.length === 0) return { text: "You have no orders yet.", choices: [seeCatalogRow] };
  const newest = [...orders].sort((a, b) => timeOf(b.createdAt) - timeOf(a.createdAt)).slice(0, ORDERS_SHOWN);
  const title = orders.length > ORDERS_SHOWN ? `📦 *Your latest ${ORDERS_SHOWN} orders*` : "📦 *Your orders*";
  const lines = newest.map(
    (order) => `${bold(order.ref)} — ${price(catalog, order.total)} — ${describeOrderStatus(order)}`,
  );
  const receipts = newest
    .filter(needsReceipt)
    .map((order) => [choice(LABELS.sendReceipt(order.ref), { kind: "receipt", orderRef: order.ref })]);
  return { text: [title, ...lines].join("\n"), choices: [...receipts, seeCatalogRow] };
}

export function helpReply(catalog: Catalog, step: Step, cartItems: number): Reply {
  const lines = [
    `I help you shop at ${bold(catalog.shop.name)} right here in the chat: pick products, check out and pay.`,
    "",
    "/start – see the catalog",
    "/cart – see and change your cart",
    "/orders – your orders and their status",
    "/cancel – empty your cart, or cancel the order waiting for payment",
    "/help – this message",
  ];
  const reminder = openOrderReminder(step);
  if (reminder) lines.push("", reminder);
  const choices: Choice[][] = [[...seeCatalogRow]];
  if (cartItems > 0) choices.push([choice(LABELS.viewCartCount(cartItems), { kind: "cart" })]);
  return { text: lines.join("\n"), choices };
}

export function unknownCommandNotice(command: string): string {
  const shown = command.replace(/[^\p{L}\p{N}_-]/gu, "").slice(0, 32);
  return `${shown ? `I don't know /${shown}.` : "I don't know that command."} Send /help to see what I can do.`;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  sticker: "stickers",
  voice: "voice messages",
  audio: "audio",
  video: "videos",
  video_note: "video messages",
  animation: "GIFs",
  location: "locations",
  poll: "polls",
};

export function unsupportedNotice(what: string): string {
  const key = typeof what === "string" ? what.trim().toLowerCase() : "";
  const thing = Object.hasOwn(UNSUPPORTED, key) ? UNSUPPORTED[key] : "that kind of message";
  return `Sorry, I can't read ${thing}.`;
}
