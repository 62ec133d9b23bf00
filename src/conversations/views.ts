/**
 * Moves that show a prompt and set the step it belongs to. `showCurrent` re-shows whatever the
 * current step waits for; bad input answers with a note on top of it.
 */
import type { Product } from "../catalog/types.js";
import { findProduct, itemCount, priceCart, quantityOf } from "./cart.js";
import {
  cartReply,
  catalogReply,
  checkoutReply,
  greeting,
  helpReply,
  joinNotices,
  NOTICES,
  openOrderReminder,
  proofReminderReply,
  quantityReply,
  underReviewReply,
  withNotice,
} from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { CartLine, PaymentOption, Step } from "./types.js";

const BROWSING: Step = { name: "browsing" };

/** The order the step is about, if any. */
export function orderRefOf(step: Step): string | undefined {
  return step.name === "awaiting_proof" || step.name === "proof_under_review" ? step.orderRef : undefined;
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
 * The greeting with the catalog (/start, or any first input). An order waiting for a receipt
 * keeps its step, so the receipt can still be sent, and is mentioned.
 */
export function startConversation(turn: Turn): Draft {
  const { catalog, customerName } = turn.context;
  const step = turn.state.step;
  const keep = orderRefOf(step) !== undefined;
  const intro = [greeting(catalog, customerName), openOrderReminder(step)].filter(Boolean).join("\n\n");
  const reply = catalogReply(catalog, sellableCount(turn, turn.state.cart), intro);
  return draft(turn, { step: keep ? step : BROWSING, replies: [reply] });
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
      return showCheckout(turn, turn.state.cart, notice);
    case "awaiting_proof":
      return draft(turn, { replies: [withNotice(notice, proofReminderReply(step.orderRef))] });
    case "proof_under_review":
      return draft(turn, { replies: [withNotice(notice, underReviewReply(step.orderRef))] });
  }
}
