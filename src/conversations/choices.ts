/**
 * What a choice does. A choice that changes something counts only when its data is in the
 * current menu (the latest prompt's choices): an older button, or data this machine never
 * emitted, gets the stale-button note and the current prompt again. Browsing (a product from an
 * earlier catalog message, the catalog, the cart) only shows things, so it works from any message
 * unless the step is about an order (waiting for its receipt, its payment, or a new way to pay).
 */
import { addToCart, changeQuantity, findProduct, priceCart, quantityOf } from "./cart.js";
import { cancel } from "./commands.js";
import { choosePayment, payAnotherWay, payByLink, retryPayment, useKnownPayer } from "./paying.js";
import { addedReply, NOTICES, proofReminderReply, withNotice } from "./prompts.js";
import { type ChoiceIntent, parseChoiceData } from "./tokens.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { Choice } from "./types.js";
import { orderRefOf, showCart, showCatalog, showCheckout, showCurrent, showQuantity } from "./views.js";

export function isInMenu(menu: readonly Choice[], data: unknown): boolean {
  return typeof data === "string" && menu.some((choice) => choice.data === data);
}

const BROWSING_INTENTS: ReadonlySet<ChoiceIntent["kind"]> = new Set(["product", "shop", "cart"]);

/** While the step is about an order, only that step's own buttons count: the order stays in focus. */
function hasOrderInFocus(turn: Turn): boolean {
  return orderRefOf(turn.state.step) !== undefined;
}

export function onChoice(turn: Turn, data: unknown): Draft {
  const intent = parseChoiceData(data);
  const browsing = intent !== null && BROWSING_INTENTS.has(intent.kind) && !hasOrderInFocus(turn);
  const valid = intent !== null && (browsing || isInMenu(turn.state.menu, data));
  return valid ? runIntent(turn, intent) : showCurrent(turn, NOTICES.staleButton);
}

export function runIntent(turn: Turn, intent: ChoiceIntent): Draft {
  const { catalog } = turn.context;
  switch (intent.kind) {
    case "product": {
      const product = findProduct(catalog, intent.sku);
      return product ? showQuantity(turn, product) : showCatalog(turn, { notice: NOTICES.productGone });
    }
    case "quantity":
      return addQuantity(turn, intent.sku, intent.quantity);
    case "increase":
    case "decrease": {
      if (!findProduct(catalog, intent.sku)) return showCart(turn, turn.state.cart, NOTICES.productGone);
      const change = changeQuantity(turn.state.cart, intent.sku, intent.kind === "increase" ? 1 : -1);
      return showCart(turn, change.cart, change.capped ? NOTICES.capped : undefined);
    }
    case "shop":
      return showCatalog(turn);
    case "cart":
      return showCart(turn);
    case "checkout":
      return showCheckout(turn);
    case "clear":
      return showCatalog(turn, { cart: [], notice: NOTICES.cartEmptied });
    case "pay":
      return intent.linkOnly ? payByLink(turn, intent.method) : choosePayment(turn, intent.method);
    case "use_known":
      return useKnownPayer(turn);
    case "retry":
      return retryPayment(turn);
    case "pay_other":
      return payAnotherWay(turn);
    case "cancel":
      return cancel(turn);
    case "receipt":
      return draft(turn, {
        step: { name: "awaiting_proof", orderRef: intent.orderRef },
        replies: [proofReminderReply(intent.orderRef)],
      });
  }
}

/** Adds to the cart and offers the next moves; back to browsing. */
export function addQuantity(turn: Turn, sku: string, quantity: number): Draft {
  const { catalog } = turn.context;
  const product = findProduct(catalog, sku);
  if (!product) return showCatalog(turn, { notice: NOTICES.productGone });
  const before = quantityOf(turn.state.cart, sku);
  const change = addToCart(turn.state.cart, sku, quantity);
  const added = quantityOf(change.cart, sku) - before;
  const reply = addedReply(catalog, product, added, priceCart(change.cart, catalog));
  return draft(turn, {
    step: { name: "browsing" },
    cart: change.cart,
    replies: [withNotice(change.capped ? NOTICES.capped : undefined, reply)],
  });
}
