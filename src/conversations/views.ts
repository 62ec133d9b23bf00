/**
 * Moves that show a prompt and set the step it belongs to. `showCurrent` re-shows whatever the
 * current step waits for; bad input answers with a note on top of it.
 */
import type { Product } from "../catalog/types.js";
import { normalizeMsisdn } from "../domain/phone.js";
import { findProduct, itemCount, priceCart, quantityOf } from "./cart.js";
import { normalizeEmail } from "./email.js";
import {
  awaitingLinkReply,
  awaitingPushReply,
  cartReply,
  catalogReply,
  checkoutReply,
  emailReply,
  failedMethodOf,
  greeting,
  helpReply,
  joinNotices,
  NOTICES,
  openOrderReminder,
  orderPaymentReply,
  paymentRetryReply,
  phoneReply,
  proofReminderReply,
  quantityReply,
  underReviewReply,
  withNotice,
} from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { CartLine, PaymentOption, Step } from "./types.js";

const BROWSING: Step = { name: "browsing" };

/**
 * The order the step is about, if any: /cancel cancels it, results about it move the step on,
 * and while there is one, typed product names and older browsing buttons do not pull the
 * shopper away from it.
 */
export function orderRefOf(step: Step): string | undefined {
  switch (step.name) {
    case "awaiting_proof":
    case "proof_under_review":
    case "awaiting_push":
    case "awaiting_link":
    case "payment_failed":
    case "choosing_payment":
    case "entering_phone":
    case "entering_email":
      return step.orderRef;
    default:
      return undefined;
  }
}

/** The M-Pesa number to offer: the one last used, else the channel's (WhatsApp) number. */
export function knownPhone(turn: Turn): string | undefined {
  return normalizeMsisdn(turn.state.phone ?? turn.context.customerPhone ?? "") ?? undefined;
}

/** The e-mail address a card payment uses without asking: the one last given. */
export function knownEmail(turn: Turn): string | undefined {
  return normalizeEmail(turn.state.email) ?? undefined;
}

function sellableCount(turn: Turn, cart: readonly CartLine[]): number {
  return itemCount(priceCart(cart, turn.context.catalog).cart);
}

export function showCatalog(
  turn: Turn,
  options: { readonly cart?: readonly CartLine[]; readonly notice?: string } = {},
): Draft {
  const cart = options.cart ?? turn.state.cart;
  const reply = catalogReply(turn.context.catalog, sellableCount(turn, cart), options.notice);
  return draft(turn, { step: BROWSING, cart, replies: [reply] });
}

/**
 * The greeting with the catalog (/start, or any first input). An open order keeps the shopper's
 * focus, so its receipt or payment result can still arrive, and is mentioned; an order that was
 * being paid again waits in `payment_failed` (its ways to pay are one message away).
 */
export function startConversation(turn: Turn): Draft {
  const { catalog, customerName } = turn.context;
  const step = turn.state.step;
  const intro = [greeting(catalog, customerName), openOrderReminder(step)].filter(Boolean).join("\n\n");
  const reply = catalogReply(catalog, sellableCount(turn, turn.state.cart), intro);
  return draft(turn, { step: focusAfterStart(step), replies: [reply] });
}

function focusAfterStart(step: Step): Step {
  const orderRef = orderRefOf(step);
  if (orderRef === undefined) return BROWSING;
  if (step.name === "choosing_payment" || step.name === "entering_phone" || step.name === "entering_email") {
    return { name: "payment_failed", orderRef };
  }
  return step;
}

export function showQuantity(turn: Turn, product: Product, notice?: string): Draft {
  const reply = quantityReply(turn.context.catalog, product, quantityOf(turn.state.cart, product.sku));
  return draft(turn, {
    step: { name: "choosing_quantity", sku: product.sku },
    replies: [withNotice(notice, reply)],
  });
}

/** The cart with edit buttons; unavailable lines are dropped (said so); empty: the catalog. */
export function showCart(turn: Turn, cart: readonly CartLine[] = turn.state.cart, notice?: string): Draft {
  const priced = priceCart(cart, turn.context.catalog);
  const notes = joinNotices(notice, priced.dropped > 0 ? NOTICES.itemsDropped : undefined);
  if (priced.lines.length === 0) {
    return showCatalog(turn, { cart: priced.cart, notice: joinNotices(notes, NOTICES.cartEmpty) });
  }
  return draft(turn, {
    step: { name: "viewing_cart" },
    cart: priced.cart,
    replies: [withNotice(notes, cartReply(turn.context.catalog, priced))],
  });
}

/** One option per method, in the registry's order. */
export function paymentOptions(turn: Turn): readonly PaymentOption[] {
  const seen = new Set<string>();
  return turn.context.paymentOptions.filter((option) => {
    if (seen.has(option.method)) return false;
    seen.add(option.method);
    return true;
  });
}

/** The order summary and the ways to pay; without any way to pay, an apology on the cart. */
export function showCheckout(
  turn: Turn,
  cart: readonly CartLine[] = turn.state.cart,
  notice?: string,
): Draft {
  const priced = priceCart(cart, turn.context.catalog);
  const notes = joinNotices(notice, priced.dropped > 0 ? NOTICES.itemsDropped : undefined);
  if (priced.lines.length === 0) {
    return showCatalog(turn, { cart: priced.cart, notice: joinNotices(notes, NOTICES.cartEmpty) });
  }
  const options = paymentOptions(turn);
  if (options.length === 0) return showCart(turn, priced.cart, joinNotices(notes, NOTICES.noPaymentOptions));
  return draft(turn, {
    step: { name: "choosing_payment" },
    cart: priced.cart,
    replies: [withNotice(notes, checkoutReply(turn.context.catalog, priced, options))],
  });
}

/**
 * The ways to pay an order that exists already; the step then pays that order, not the cart.
 */
export function showOrderPayment(turn: Turn, orderRef: string, notice?: string): Draft {
  return draft(turn, {
    step: { name: "choosing_payment", orderRef },
    replies: [withNotice(notice, orderPaymentReply(orderRef, paymentOptions(turn)))],
  });
}

/** Asks for the M-Pesa number to charge, for the cart's order or for an existing one. */
export function showPhonePrompt(turn: Turn, orderRef?: string, notice?: string): Draft {
  const reply = phoneReply({ knownPhone: knownPhone(turn), ...(orderRef ? { orderRef } : {}) });
  return draft(turn, {
    step: orderRef ? { name: "entering_phone", orderRef } : { name: "entering_phone" },
    replies: [withNotice(notice, reply)],
  });
}

/** Asks for the e-mail address a card payment needs, for the cart's order or for an existing one. */
export function showEmailPrompt(turn: Turn, orderRef?: string, notice?: string): Draft {
  return draft(turn, {
    step: orderRef ? { name: "entering_email", orderRef } : { name: "entering_email" },
    replies: [withNotice(notice, emailReply(orderRef ? { orderRef } : {}))],
  });
}

export function showHelp(turn: Turn, notice?: string): Draft {
  const reply = helpReply(turn.context.catalog, turn.state.step, sellableCount(turn, turn.state.cart));
  return draft(turn, { replies: [withNotice(notice, reply)] });
}

/** Re-shows what the current step waits for, with an optional note on top. */
export function showCurrent(turn: Turn, notice?: string): Draft {
  const step = turn.state.step;
  switch (step.name) {
    case "new":
      return startConversation(turn);
    case "browsing":
      return showCatalog(turn, { notice });
    case "choosing_quantity": {
      const product = findProduct(turn.context.catalog, step.sku);
      return product
        ? showQuantity(turn, product, notice)
        : showCatalog(turn, { notice: joinNotices(notice, NOTICES.productGone) });
    }
    case "viewing_cart":
      return showCart(turn, turn.state.cart, notice);
    case "choosing_payment":
      return step.orderRef
        ? showOrderPayment(turn, step.orderRef, notice)
        : showCheckout(turn, turn.state.cart, notice);
    case "entering_phone":
      return showPhonePrompt(turn, step.orderRef, notice);
    case "entering_email":
      return showEmailPrompt(turn, step.orderRef, notice);
    case "awaiting_push":
      return draft(turn, { replies: [withNotice(notice, awaitingPushReply(step.orderRef))] });
    case "awaiting_link":
      return draft(turn, { replies: [withNotice(notice, awaitingLinkReply(step.orderRef))] });
    case "payment_failed": {
      const method = failedMethodOf(turn.state.menu);
      return draft(turn, { replies: [withNotice(notice, paymentRetryReply(step.orderRef, method))] });
    }
    case "awaiting_proof":
      return draft(turn, { replies: [withNotice(notice, proofReminderReply(step.orderRef))] });
    case "proof_under_review":
      return draft(turn, { replies: [withNotice(notice, underReviewReply(step.orderRef))] });
  }
}
