/**
 * Every message the shopper sees, as channel-neutral Replies. Wording rules: short sentences,
 * the order reference and totals in *bold*, money through formatMoney with the shop's locale,
 * phone numbers and e-mail addresses only masked (`0712 ••• 678`, `a•••@gmail.com`), never in
 * full (the format examples, 0712 345 678 and amina@example.com, are nobody's).
 */
import type { Catalog, Product } from "../catalog/types.js";
import { formatMoney, type Money } from "../domain/money.js";
import { maskMsisdn, normalizeMsisdn } from "../domain/phone.js";
import { type PricedCart, sellableProducts } from "./cart.js";
import { maskEmails } from "./email.js";
import { PAYER_FIELDS } from "./payer.js";
import { type ChoiceIntent, MAX_QUANTITY, toChoiceData } from "./tokens.js";
import type { Choice, OrderSummary, PayerRequest, PaymentOption, Reply } from "./types.js";

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
  /** Pays with the detail already known, shown masked. */
  useKnown: (masked: string) => `📱 Use ${masked}`,
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
  foreignContact: "Please share your own number, or type the number to charge.",
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

export function choice(label: string, intent: ChoiceIntent): Choice {
  return { label, data: toChoiceData(intent) };
}

export const seeCatalogRow: readonly Choice[] = [choice(LABELS.seeCatalog, { kind: "shop" })];
export const cancelOrderRow: readonly Choice[] = [choice(LABELS.cancelOrder, { kind: "cancel" })];
export const payAnotherWayRow: readonly Choice[] = [choice(LABELS.payAnotherWay, { kind: "pay_other" })];

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

/** Said on every confirmation of a test-mode payment, to the shopper and to the merchant. */
export const TEST_PAYMENT_NOTE = "🧪 Test payment — no money moved.";

/**
 * Said before paying a test-mode provider: no real money moves, the order is not delivered, and
 * how to pay it anyway (the provider's test card or number); nothing for a live one.
 */
export function testModeNotice(option: PaymentOption | undefined): string | undefined {
  if (!option?.testMode) return undefined;
  const how = option.testInstructions ? `\nTo try it: ${option.testInstructions}` : "";
  return `🧪 *Test mode*: ${option.label} is in test mode. No real money moves and the order will not be delivered.${how}`;
}

/** The test-mode notices of a list of ways to pay, each after an empty line; none for live ones. */
function testModeNotices(options: readonly PaymentOption[]): string[] {
  return options.flatMap((option) => {
    const notice = testModeNotice(option);
    return notice ? ["", notice] : [];
  });
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
    ...testModeNotices(options),
  ];
  return {
    text: text.join("\n"),
    choices: [
      ...options.map((option) => [choice(paymentLabel(option), { kind: "pay", method: option.method })]),
      [choice(LABELS.backToCart, { kind: "cart" })],
    ],
  };
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

/** A pasted M-Pesa SMS whose code M-Pesa itself can confirm: no merchant needed unless it cannot. */
export function codeCheckingReply(orderRef: string): Reply {
  return {
    text: `🔎 Thanks! I'm checking that M-Pesa payment for ${bold(orderRef)} with M-Pesa and will message you here in a moment.`,
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

export function paymentRefundedReply(catalog: Catalog, orderRef: string, amount: Money): Reply {
  return {
    text: `↩️ ${bold(orderRef)} was refunded: ${bold(price(catalog, amount))} is on its way back to you.`,
    choices: [seeCatalogRow],
  };
}

/**
 * Asking for what the provider needs from the shopper, in the provider's words: the known value as
 * a button when the field is confirmed each time, Back to where the method was chosen (the cart's
 * checkout, or the order's ways to pay), and for a number the channel's share-contact button.
 */
export function payerReply(
  request: PayerRequest,
  options: { readonly orderRef?: string; readonly known?: string },
): Reply {
  const { orderRef, known } = options;
  const rules = PAYER_FIELDS[request.field];
  const choices: Choice[][] = [];
  if (known && rules.confirm)
    choices.push([choice(LABELS.useKnown(rules.mask(known)), { kind: "use_known" })]);
  choices.push([choice(LABELS.back, orderRef ? { kind: "pay_other" } : { kind: "checkout" })]);
  const text =
    orderRef && request.promptForOrder
      ? request.promptForOrder.replaceAll("{order}", bold(orderRef))
      : request.prompt;
  return { text, choices, ...(rules.shareContact ? { requestContact: LABELS.shareNumber } : {}) };
}

/** The ways to pay an order that exists already (after a failed or expired payment). */
export function orderPaymentReply(orderRef: string, options: readonly PaymentOption[]): Reply {
  const text =
    options.length > 0
      ? [`How would you like to pay for ${bold(orderRef)}?`, ...testModeNotices(options)].join("\n")
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

/** Too much too fast: what is paused, for how long, and that nothing else is lost. */
export function limitedNotice(what: "payment_prompts" | "orders", retryInMinutes: number): string {
  const wait = retryInMinutes <= 1 ? "a minute" : `${retryInMinutes} minutes`;
  return what === "payment_prompts"
    ? `Sorry, we have sent several payment requests to this number in a short time, so we are pausing them to keep your phone safe. Please try again in ${wait}, or pick another way to pay.`
    : `Sorry, you have placed several orders in a short time, so we are pausing new ones. Please try again in ${wait}.`;
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
    case "awaiting_delivery":
      return "to pay on delivery";
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

/** `reminder`: what an open order still needs. */
export function helpReply(catalog: Catalog, reminder: string | undefined, cartItems: number): Reply {
  const lines = [
    `I help you shop at ${bold(catalog.shop.name)} right here in the chat: pick products, check out and pay.`,
    "",
    "/start – see the catalog",
    "/cart – see and change your cart",
    "/orders – your orders and their status",
    "/cancel – empty your cart, or cancel the order waiting for payment",
    "/help – this message",
  ];
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
