/**
 * Moves that pay: place the cart's order, pay an order that exists already (after its payment
 * failed or expired, or for a new card link), and take what the method's provider needs from the
 * shopper (its option's `payer`: the number to charge, an e-mail address, or nothing).
 *
 * What must stay true:
 *   - Each move that pays emits one action and says nothing: its result (`order_placed`,
 *     `order_failed`) answers. While it is under way the step is `choosing_payment` (with the
 *     order's reference when an existing order is paid) and the menu is empty, so a second tap
 *     cannot start a second payment.
 *   - Only a value its field's `normalize` accepts is ever sent or remembered (`state.payer`).
 *   - A detail the shopper confirms each time (a number money is taken from) is asked for on every
 *     new choice of the method, the known one offered; any other known detail is used at once.
 *     A retry uses the detail last given, and asks only when there is none.
 *   - A method the registry no longer offers is never used; the shopper picks again.
 */
import type { PaymentMethod } from "../domain/payment.js";
import { priceCart } from "./cart.js";
import { invalidNotice, PAYER_FIELDS } from "./payer.js";
import { NOTICES } from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { PayerDetails, PayerField } from "./types.js";
import {
  knownPayer,
  optionFor,
  orderPaymentOf,
  orderRefOf,
  payerRequestFor,
  rememberedPayer,
  showCheckout,
  showCurrent,
  showOrderPayment,
  showPayerPrompt,
} from "./views.js";

/**
 * A method picked from a list of ways to pay. With an order in the step, that order is paid;
 * otherwise the cart is ordered (as long as it is still what the summary showed).
 */
export function choosePayment(turn: Turn, method: PaymentMethod): Draft {
  const orderRef = orderRefOf(turn.state.step);
  if (orderRef) {
    if (!optionFor(turn, method)) return showOrderPayment(turn, { orderRef, method }, NOTICES.methodGone);
    return startPaying(turn, method, orderRef, { retry: false });
  }
  return cartProblem(turn, method) ?? startPaying(turn, method, undefined, { retry: false });
}

/**
 * Pays at once when the provider needs nothing from the shopper, can do without the detail, or
 * the detail is known and need not be confirmed (a retry never confirms); otherwise asks first.
 * A known detail goes along whenever it is used.
 */
function startPaying(
  turn: Turn,
  method: PaymentMethod,
  orderRef: string | undefined,
  options: { readonly retry: boolean },
): Draft {
  const request = optionFor(turn, method)?.payer;
  if (!request) return pay(turn, method, orderRef, {});
  const { field } = request;
  const remembered = rememberedPayer(turn, field);
  const given = remembered ? { [field]: remembered } : {};
  if (request.optional) return pay(turn, method, orderRef, given);
  if (remembered && (options.retry || !PAYER_FIELDS[field].confirm))
    return pay(turn, method, orderRef, given);
  return showPayerPrompt(turn, { method, field, ...(orderRef ? { orderRef } : {}) });
}

function pay(turn: Turn, method: PaymentMethod, orderRef: string | undefined, payer: PayerDetails): Draft {
  return orderRef ? payOrder(turn, orderRef, method, payer) : placeOrder(turn, method, payer);
}

/**
 * Why the cart cannot be ordered with this method now (the summary again), or nothing. The
 * cart must still be exactly what the summary showed.
 */
function cartProblem(turn: Turn, method: PaymentMethod): Draft | undefined {
  const priced = priceCart(turn.state.cart, turn.context.catalog);
  if (priced.lines.length === 0 || priced.dropped > 0) return showCheckout(turn);
  if (!optionFor(turn, method)) return showCheckout(turn, priced.cart, NOTICES.methodGone);
  return undefined;
}

/** Asks the runtime to place the cart's order; `order_placed` or `order_failed` comes back. */
function placeOrder(turn: Turn, method: PaymentMethod, payer: PayerDetails): Draft {
  const problem = cartProblem(turn, method);
  if (problem) return problem;
  return draft(turn, {
    step: { name: "choosing_payment" },
    actions: [{ kind: "place_order", key: `place:${turn.seq}`, lines: turn.state.cart, method, payer }],
  });
}

/** Asks the runtime to pay an existing order; `order_placed` or `order_failed` comes back. */
function payOrder(
  turn: Turn,
  orderRef: string,
  method: PaymentMethod,
  payer: PayerDetails,
  linkOnly = false,
): Draft {
  if (!optionFor(turn, method)) return showOrderPayment(turn, { orderRef, method }, NOTICES.methodGone);
  return draft(turn, {
    step: { name: "choosing_payment", orderRef, method },
    actions: [
      {
        kind: "pay_order",
        key: `pay:${turn.seq}`,
        orderRef,
        method,
        payer,
        ...(linkOnly ? { linkOnly: true as const } : {}),
      },
    ],
  });
}

/**
 * The step's order paid through a provider's page for the method (offered after a prompt to the
 * phone failed): what the page's provider needs is asked for unless known; a known number goes along.
 */
export function payByLink(turn: Turn, method: PaymentMethod): Draft {
  const orderRef = orderRefOf(turn.state.step);
  if (!orderRef) return showCurrent(turn, NOTICES.staleButton);
  const page = optionFor(turn, method)?.page;
  if (!page) return showOrderPayment(turn, { orderRef, method }, NOTICES.methodGone);
  const phone = rememberedPayer(turn, "phone");
  const given: PayerDetails = phone ? { phone } : {};
  const request = page.payer;
  const remembered = request ? rememberedPayer(turn, request.field) : undefined;
  if (!request || request.optional || remembered) {
    return payOrder(
      turn,
      orderRef,
      method,
      remembered && request ? { ...given, [request.field]: remembered } : given,
      true,
    );
  }
  return showPayerPrompt(turn, { method, field: request.field, orderRef, linkOnly: true });
}

/** A usable answer in `entering_payer`: remembered, and used for the step's order or the cart. */
export function submitPayer(turn: Turn, field: PayerField, value: string): Draft {
  const step = turn.state.step;
  if (step.name !== "entering_payer" || step.field !== field) return showCurrent(turn);
  const payer = { [field]: value };
  if (step.linkOnly && step.orderRef) {
    const phone = rememberedPayer(turn, "phone");
    return {
      ...payOrder(turn, step.orderRef, step.method, { ...(phone ? { phone } : {}), ...payer }, true),
      payer,
    };
  }
  return { ...pay(turn, step.method, step.orderRef, payer), payer };
}

/** The "Use 0712 ••• 678" button: the known detail, as if typed. */
export function useKnownPayer(turn: Turn): Draft {
  const step = turn.state.step;
  const known = step.name === "entering_payer" ? knownPayer(turn, step.field) : undefined;
  return step.name === "entering_payer" && known ? submitPayer(turn, step.field, known) : showCurrent(turn);
}

/**
 * A contact card. Asked for a number, the shopper's own card gives it; someone else's is refused
 * (the prompt asks for a number to charge, not for a friend's).
 */
export function onContact(turn: Turn, phone: string, own: boolean): Draft {
  const step = turn.state.step;
  if (step.name !== "entering_payer" || step.field !== "phone") return showCurrent(turn, NOTICES.contact);
  if (!own) return showCurrent(turn, NOTICES.foreignContact);
  const msisdn = PAYER_FIELDS.phone.normalize(phone);
  if (msisdn) return submitPayer(turn, "phone", msisdn);
  return showCurrent(turn, invalidNotice(payerRequestFor(turn, step.method, step.linkOnly), "phone"));
}

/** A retry button: the step's order, paid again the same way. */
export function retryPayment(turn: Turn): Draft {
  const payment = orderPaymentOf(turn.state.step);
  if (!payment) return showCurrent(turn, NOTICES.staleButton);
  if (!optionFor(turn, payment.method)) return showOrderPayment(turn, payment, NOTICES.methodGone);
  return startPaying(turn, payment.method, payment.orderRef, { retry: true });
}

/** "Pay another way" (and Back from the detail prompt of an existing order). */
export function payAnotherWay(turn: Turn): Draft {
  const payment = orderPaymentOf(turn.state.step);
  return payment ? showOrderPayment(turn, payment) : showCurrent(turn, NOTICES.staleButton);
}
