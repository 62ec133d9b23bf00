/**
 * Moves that pay: place the cart's order, pay an order that exists already (after its payment
 * failed or expired, or for a new card link), and take what a provider needs from the shopper —
 * the number an M-Pesa request goes to, the e-mail address a card payment needs.
 *
 * What must stay true:
 *   - Each move that pays emits one action and says nothing: its result (`order_placed`,
 *     `order_failed`) answers. While it is under way the step is `choosing_payment` (with the
 *     order's reference when an existing order is paid) and the menu is empty, so a second tap
 *     cannot start a second payment.
 *   - Only a number `normalizeMsisdn` accepts is ever charged or remembered (`state.phone`); only
 *     an address `normalizeEmail` accepts is ever sent or remembered (`state.email`).
 *   - A card payment carries the remembered address whenever there is one; the shopper is asked
 *     for one only when the card option `needsEmail` and none is known.
 *   - A method the registry no longer offers is never used; the shopper picks again.
 */
import type { PaymentMethod } from "../domain/payment.js";
import { normalizeMsisdn } from "../domain/phone.js";
import { priceCart } from "./cart.js";
import { NOTICES } from "./prompts.js";
import type { RetryMethod } from "./tokens.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { PaymentOption } from "./types.js";
import {
  knownEmail,
  knownPhone,
  orderRefOf,
  paymentOptions,
  showCheckout,
  showCurrent,
  showEmailPrompt,
  showOrderPayment,
  showPhonePrompt,
} from "./views.js";

/** What the shopper gave for a payment: the number to charge (M-Pesa), the address (card). */
export interface PayerDetails {
  readonly phone?: string;
  readonly email?: string;
}

function optionFor(turn: Turn, method: PaymentMethod): PaymentOption | undefined {
  return paymentOptions(turn).find((option) => option.method === method);
}

function isOffered(turn: Turn, method: PaymentMethod): boolean {
  return optionFor(turn, method) !== undefined;
}

/**
 * A method picked from a list of ways to pay. M-Pesa first asks for the number, a card for the
 * e-mail address when it needs one not yet known; the others pay at once. With an order in the
 * step, that order is paid; otherwise the cart is ordered.
 */
export function choosePayment(turn: Turn, method: PaymentMethod): Draft {
  const orderRef = orderRefOf(turn.state.step);
  if (orderRef) {
    if (!isOffered(turn, method)) return showOrderPayment(turn, orderRef, NOTICES.methodGone);
    if (method === "mobile_money") return showPhonePrompt(turn, orderRef);
    if (method === "card") return payByCard(turn, orderRef);
    return payOrder(turn, orderRef, method);
  }
  if (method === "mobile_money") return cartProblem(turn, method) ?? showPhonePrompt(turn);
  if (method === "card") return cartProblem(turn, method) ?? payByCard(turn);
  return placeOrder(turn, method);
}

/**
 * Why the cart cannot be ordered with this method now (the summary again), or nothing. The
 * cart must still be exactly what the summary showed.
 */
function cartProblem(turn: Turn, method: PaymentMethod): Draft | undefined {
  const priced = priceCart(turn.state.cart, turn.context.catalog);
  if (priced.lines.length === 0 || priced.dropped > 0) return showCheckout(turn);
  if (!isOffered(turn, method)) return showCheckout(turn, priced.cart, NOTICES.methodGone);
  return undefined;
}

function payerFields(payer: PayerDetails): PayerDetails {
  return { ...(payer.phone ? { phone: payer.phone } : {}), ...(payer.email ? { email: payer.email } : {}) };
}

/** Asks the runtime to place the cart's order; `order_placed` or `order_failed` comes back. */
export function placeOrder(turn: Turn, method: PaymentMethod, payer: PayerDetails = {}): Draft {
  const problem = cartProblem(turn, method);
  if (problem) return problem;
  return draft(turn, {
    step: { name: "choosing_payment" },
    actions: [
      {
        kind: "place_order",
        key: `place:${turn.seq}`,
        lines: turn.state.cart,
        method,
        ...payerFields(payer),
      },
    ],
  });
}

/** Asks the runtime to pay an existing order; `order_placed` or `order_failed` comes back. */
export function payOrder(
  turn: Turn,
  orderRef: string,
  method: PaymentMethod,
  payer: PayerDetails = {},
): Draft {
  if (!isOffered(turn, method)) return showOrderPayment(turn, orderRef, NOTICES.methodGone);
  return draft(turn, {
    step: { name: "choosing_payment", orderRef },
    actions: [{ kind: "pay_order", key: `pay:${turn.seq}`, orderRef, method, ...payerFields(payer) }],
  });
}

/**
 * Card, for the step's order or the cart: at once with the address known (or none needed),
 * otherwise the address is asked for first. A card no longer offered is refused by
 * `placeOrder` / `payOrder` before anything is asked.
 */
function payByCard(turn: Turn, orderRef?: string): Draft {
  const email = knownEmail(turn);
  const needsEmail = optionFor(turn, "card")?.needsEmail === true;
  if (!email && needsEmail) return showEmailPrompt(turn, orderRef);
  const payer = email ? { email } : {};
  return orderRef ? payOrder(turn, orderRef, "card", payer) : placeOrder(turn, "card", payer);
}

/** A usable number in `entering_phone`: remembered, and charged for the step's order or the cart. */
export function submitPhone(turn: Turn, phone: string): Draft {
  const orderRef = orderRefOf(turn.state.step);
  const next = orderRef
    ? payOrder(turn, orderRef, "mobile_money", { phone })
    : placeOrder(turn, "mobile_money", { phone });
  return { ...next, phone };
}

/** A usable address in `entering_email`: remembered, and used for the step's order or the cart. */
export function submitEmail(turn: Turn, email: string): Draft {
  const orderRef = orderRefOf(turn.state.step);
  const next = orderRef ? payOrder(turn, orderRef, "card", { email }) : placeOrder(turn, "card", { email });
  return { ...next, email };
}

/** The "Use 0712 ••• 678" button. */
export function useKnownPhone(turn: Turn): Draft {
  const phone = knownPhone(turn);
  return phone ? submitPhone(turn, phone) : showCurrent(turn);
}

/**
 * A contact card. In `entering_phone`, the shopper's own card gives the number to charge;
 * someone else's is refused (the prompt asks for a number to charge, not for a friend's).
 */
export function onContact(turn: Turn, phone: string, own: boolean): Draft {
  if (turn.state.step.name !== "entering_phone") return showCurrent(turn, NOTICES.contact);
  if (!own) return showCurrent(turn, NOTICES.foreignContact);
  const msisdn = normalizeMsisdn(phone);
  return msisdn ? submitPhone(turn, msisdn) : showCurrent(turn, NOTICES.invalidPhone);
}

/**
 * A retry button: "Send the request again" (M-Pesa, no method) goes to the number last used,
 * or asks for one; "New link" (card) pays the order by card again, asking for the address only
 * if it is needed and unknown.
 */
export function retryPayment(turn: Turn, method?: RetryMethod): Draft {
  const orderRef = orderRefOf(turn.state.step);
  if (!orderRef) return showCurrent(turn, NOTICES.staleButton);
  if (method === "card") return payByCard(turn, orderRef);
  if (!isOffered(turn, "mobile_money")) return showOrderPayment(turn, orderRef, NOTICES.methodGone);
  const phone = normalizeMsisdn(turn.state.phone ?? "");
  return phone ? payOrder(turn, orderRef, "mobile_money", { phone }) : showPhonePrompt(turn, orderRef);
}

/** "Pay another way" (and Back from the number or address prompt of an existing order). */
export function payAnotherWay(turn: Turn): Draft {
  const orderRef = orderRefOf(turn.state.step);
  return orderRef ? showOrderPayment(turn, orderRef) : showCurrent(turn, NOTICES.staleButton);
}
