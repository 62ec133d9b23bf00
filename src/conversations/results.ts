/**
 * What the machine says and where it goes when an action's outcome (or news from the merchant
 * or a payment provider) comes back. Results arrive at any step: one about the order the step
 * is about moves the step on; one about another order is answered and leaves the shopper where
 * they are, unless its reply asks for an answer the step must then take (a new receipt, a retry).
 * Payment results carry the method when the provider knows it: the wording (and the retry button,
 * which names its method) follows it; without one they read as M-Pesa's, as before cards.
 */
import { priceCart } from "./cart.js";
import {
  cancelRefusedNotice,
  cardLinkReply,
  orderCancelledReply,
  orderFailedNotice,
  orderPlacedReply,
  ordersReply,
  paymentConfirmedReply,
  paymentExpiredReply,
  paymentFailedReply,
  paymentRefundedReply,
  proofReceivedReply,
  proofRefusedReply,
  proofRejectedReply,
  pushSentReply,
} from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { ResultEvent, Step } from "./types.js";
import { orderRefOf, showCatalog, showCheckout, showCurrent, showOrderPayment } from "./views.js";

const BROWSING: Step = { name: "browsing" };

/** Steps in which an order is being (re)paid, so `order_failed` is about paying that order. */
const PAYING_STEPS: ReadonlySet<Step["name"]> = new Set([
  "choosing_payment",
  "entering_phone",
  "entering_email",
  "payment_failed",
]);

export function onResult(turn: Turn, result: ResultEvent): Draft {
  const { catalog } = turn.context;
  const step = turn.state.step;
  const isAbout = (orderRef: string) => orderRefOf(step) === orderRef;
  switch (result.kind) {
    case "order_placed":
      return onOrderPlaced(turn, result);
    case "order_failed": {
      const notice = orderFailedNotice(result.reason);
      const orderRef = orderRefOf(step);
      if (orderRef && PAYING_STEPS.has(step.name)) return showOrderPayment(turn, orderRef, notice);
      return priceCart(turn.state.cart, catalog).lines.length > 0
        ? showCheckout(turn, turn.state.cart, notice)
        : showCatalog(turn, { notice });
    }
    case "proof_received":
      return draft(turn, {
        step: isAbout(result.orderRef) ? { name: "proof_under_review", orderRef: result.orderRef } : step,
        replies: [proofReceivedReply(result.orderRef)],
      });
    case "proof_refused":
      // A refused second receipt leaves the first one under review.
      return draft(turn, {
        step:
          step.name === "proof_under_review" && step.orderRef === result.orderRef
            ? step
            : { name: "awaiting_proof", orderRef: result.orderRef },
        replies: [proofRefusedReply(result.orderRef, result.reason)],
      });
    case "proof_rejected":
      // The reply asks for a new receipt, so the step must take one, whatever the shopper was doing.
      return draft(turn, {
        step: { name: "awaiting_proof", orderRef: result.orderRef },
        replies: [proofRejectedReply(result.orderRef, result.reason)],
      });
    case "payment_confirmed":
      return draft(turn, {
        step: isAbout(result.orderRef) ? BROWSING : step,
        replies: [paymentConfirmedReply(result.orderRef, result.receipt, result.method)],
      });
    case "payment_refunded":
      return draft(turn, {
        step: isAbout(result.orderRef) ? BROWSING : step,
        replies: [paymentRefundedReply(catalog, result.orderRef, result.amount)],
      });
    case "payment_failed":
    case "payment_expired":
      // The reply offers retry / another way / cancel for this order, so the step must take them.
      return draft(turn, {
        step: { name: "payment_failed", orderRef: result.orderRef },
        replies: [
          result.kind === "payment_failed"
            ? paymentFailedReply(result.orderRef, result.reason, result.method)
            : paymentExpiredReply(result.orderRef, result.method),
        ],
      });
    case "orders_listed":
      return draft(turn, { replies: [ordersReply(catalog, result.orders)] });
    case "order_cancelled":
      return draft(turn, {
        step: isAbout(result.orderRef) ? BROWSING : step,
        replies: [orderCancelledReply(result.orderRef)],
      });
    case "cancel_refused":
      return showCurrent(turn, cancelRefusedNotice(result.orderRef, result.reason));
    default:
      return draft(turn, {});
  }
}

/**
 * The order exists and its payment started. The step follows the method: manual waits for a
 * receipt, M-Pesa for the PIN on the phone, card for the payment on the linked page (their
 * replies have buttons — Cancel; New link, another way — the step must take).
 * A new order took the cart with it; paying an existing order leaves the cart alone.
 */
function onOrderPlaced(turn: Turn, result: Extract<ResultEvent, { kind: "order_placed" }>): Draft {
  const { catalog } = turn.context;
  const step = turn.state.step;
  const { orderRef, method } = result;
  const existing = orderRefOf(step) === orderRef;
  const cart = existing ? turn.state.cart : [];
  if (method === "mobile_money") {
    return draft(turn, {
      step: { name: "awaiting_push", orderRef },
      cart,
      replies: [pushSentReply(catalog, result, turn.state.phone)],
    });
  }
  if (method === "card") {
    return draft(turn, {
      step: { name: "awaiting_link", orderRef },
      cart,
      replies: [cardLinkReply(catalog, result)],
    });
  }
  const next: Step =
    method === "manual"
      ? { name: "awaiting_proof", orderRef }
      : existing || orderRefOf(step) === undefined
        ? BROWSING
        : step;
  return draft(turn, { step: next, cart, replies: [orderPlacedReply(catalog, result, method)] });
}
