/**
 * Moves that show a prompt and set the step it belongs to. `showCurrent` re-shows whatever the
 * current step waits for; bad input answers with a note on top of it.
 */
import type { Product } from "../catalog/types.js";
import type { PaymentMethod } from "../domain/payment.js";
import { findProduct, itemCount, priceCart, quantityOf } from "./cart.js";
import { METHODS, openOrderReminder, paymentRetryReply, providerName } from "./methods.js";
import { PAYER_FIELDS } from "./payer.js";
import {
  cartReply,
  catalogReply,
  checkoutReply,
  greeting,
  helpReply,
  joinNotices,
  NOTICES,
  orderPaymentReply,
  payerReply,
  proofReminderReply,
  quantityReply,
  underReviewReply,
  withNotice,
} from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { CartLine, PayerField, PayerRequest, PaymentOption, Step } from "./types.js";

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
    case "awaiting_payment":
    case "payment_failed":
    case "choosing_payment":
    case "entering_payer":
      return step.orderRef;
    default:
      return undefined;
  }
}

/** The order the step is about and how it is being paid, when the step is about paying one. */
export function orderPaymentOf(
  step: Step,
): { readonly orderRef: string; readonly method: PaymentMethod } | undefined {
  switch (step.name) {
    case "awaiting_payment":
    case "payment_failed":
    case "choosing_payment":
    case "entering_payer":
      return step.orderRef === undefined ? undefined : { orderRef: step.orderRef, method: step.method };
    default:
      return undefined;
  }
}

/** The detail the shopper last gave for this field, used again without asking (a retry). */
export function rememberedPayer(turn: Turn, field: PayerField): string | undefined {
  return PAYER_FIELDS[field].normalize(turn.state.payer?.[field]) ?? undefined;
}

/** The detail to offer: the one last given, else what the channel knows (a WhatsApp number). */
export function knownPayer(turn: Turn, field: PayerField): string | undefined {
  const rules = PAYER_FIELDS[field];
  return rememberedPayer(turn, field) ?? rules.normalize(rules.fromChannel(turn.context)) ?? undefined;
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
  const reminder = openOrderReminder(step, paymentOptions(turn));
  const intro = [greeting(catalog, customerName), reminder].filter(Boolean).join("\n\n");
  const reply = catalogReply(catalog, sellableCount(turn, turn.state.cart), intro);
  return draft(turn, { step: focusAfterStart(step), replies: [reply] });
}

function focusAfterStart(step: Step): Step {
  if (orderRefOf(step) === undefined) return BROWSING;
  if (step.name === "choosing_payment" || step.name === "entering_payer") {
    const payment = orderPaymentOf(step);
    if (payment) return { name: "payment_failed", ...payment };
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
 * The ways to pay an order that exists already (last paid with `method`); the step then pays that
 * order, not the cart.
 */
export function showOrderPayment(
  turn: Turn,
  payment: { readonly orderRef: string; readonly method: PaymentMethod },
  notice?: string,
): Draft {
  return draft(turn, {
    step: { name: "choosing_payment", orderRef: payment.orderRef, method: payment.method },
    replies: [withNotice(notice, orderPaymentReply(payment.orderRef, paymentOptions(turn)))],
  });
}

/** The offered option of a method, if it is still offered. */
export function optionFor(turn: Turn, method: PaymentMethod): PaymentOption | undefined {
  return paymentOptions(turn).find((option) => option.method === method);
}

/** What the provider asks of the shopper: the method's page's provider when paying by its page. */
export function payerRequestFor(
  turn: Turn,
  method: PaymentMethod,
  linkOnly: boolean | undefined,
): PayerRequest | undefined {
  const option = optionFor(turn, method);
  return linkOnly ? option?.page?.payer : option?.payer;
}

/**
 * Asks for what the method's provider needs, for the cart's order or for an existing one; with the
 * method no longer offered (nobody to word the question), back to the ways to pay.
 */
export function showPayerPrompt(
  turn: Turn,
  payment: {
    readonly method: PaymentMethod;
    readonly field: PayerField;
    readonly orderRef?: string;
    readonly linkOnly?: true;
  },
  notice?: string,
): Draft {
  const { method, field, orderRef, linkOnly } = payment;
  const request = payerRequestFor(turn, method, linkOnly);
  if (request?.field !== field) {
    return orderRef
      ? showOrderPayment(turn, { orderRef, method }, NOTICES.methodGone)
      : showCheckout(turn, turn.state.cart, NOTICES.methodGone);
  }
  const known = knownPayer(turn, field);
  return draft(turn, {
    step: {
      name: "entering_payer",
      method,
      field,
      ...(orderRef ? { orderRef } : {}),
      ...(linkOnly ? { linkOnly } : {}),
    },
    replies: [
      withNotice(
        notice,
        payerReply(request, { ...(orderRef ? { orderRef } : {}), ...(known ? { known } : {}) }),
      ),
    ],
  });
}

export function showHelp(turn: Turn, notice?: string): Draft {
  const reminder = openOrderReminder(turn.state.step, paymentOptions(turn));
  const reply = helpReply(turn.context.catalog, reminder, sellableCount(turn, turn.state.cart));
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
      return step.orderRef === undefined
        ? showCheckout(turn, turn.state.cart, notice)
        : showOrderPayment(turn, step, notice);
    case "entering_payer":
      return showPayerPrompt(turn, step, notice);
    case "awaiting_payment": {
      const waits = METHODS[step.method].waits;
      const provider = providerName(paymentOptions(turn), step.method);
      // A method that waits for no provider never reaches this step; its order's ways to pay do.
      if (waits.for !== "provider") return showOrderPayment(turn, step, notice);
      return draft(turn, { replies: [withNotice(notice, waits.reply(step.orderRef, provider))] });
    }
    case "payment_failed": {
      const provider = providerName(paymentOptions(turn), step.method);
      return draft(turn, {
        replies: [withNotice(notice, paymentRetryReply(step.orderRef, step.method, provider))],
      });
    }
    case "awaiting_proof":
      return draft(turn, { replies: [withNotice(notice, proofReminderReply(step.orderRef))] });
    case "proof_under_review":
      return draft(turn, { replies: [withNotice(notice, underReviewReply(step.orderRef))] });
  }
}
