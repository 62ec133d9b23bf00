/**
 * What the machine says and where it goes when an action's outcome (or news from the merchant
 * or a payment provider) comes back. Results arrive at any step: one about the order the step
 * is about moves the step on; one about another order is answered and leaves the shopper where
 * they are, unless its reply asks for an answer the step must then take (a new receipt, a retry).
 * Payment results name their method: the wording follows it (METHODS), and the provider offered for
 * it names itself.
 */
import { priceCart } from "./cart.js";
import {
  METHODS,
  paymentConfirmedReply,
  paymentExpiredReply,
  paymentFailedReply,
  paymentPartialReply,
  providerName,
} from "./methods.js";
import { nextWayToPay } from "./next-way.js";
import {
  cancelRefusedNotice,
  codeCheckingReply,
  limitedNotice,
  orderCancelledReply,
  orderFailedNotice,
  ordersReply,
  paymentRefundedReply,
  proofReceivedReply,
  proofRefusedReply,
  proofRejectedReply,
  testModeNotice,
  withNotice,
} from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { ResultEvent, Step } from "./types.js";
import {
  optionFor,
  orderPaymentOf,
  orderRefOf,
  paymentOptions,
  showCatalog,
  showCheckout,
  showCurrent,
  showOrderPayment,
} from "./views.js";

const BROWSING: Step = { name: "browsing" };

/** Steps in which an order is being (re)paid, so `order_failed` is about paying that order. */
const PAYING_STEPS: ReadonlySet<Step["name"]> = new Set([
  "choosing_payment",
  "entering_payer",
  "payment_failed",
]);

export function onResult(turn: Turn, result: ResultEvent): Draft {
  const { catalog } = turn.context;
  const step = turn.state.step;
  const isAbout = (orderRef: string) => orderRefOf(step) === orderRef;
  switch (result.kind) {
    case "order_placed":
      return onOrderPlaced(turn, result);
    case "order_failed":
    case "limited": {
      const notice =
        result.kind === "limited"
          ? limitedNotice(result.what, result.retryInMinutes)
          : orderFailedNotice(result.reason);
      const payment = orderPaymentOf(step);
      if (payment && PAYING_STEPS.has(step.name)) return showOrderPayment(turn, payment, notice);
      return priceCart(turn.state.cart, catalog).lines.length > 0
        ? showCheckout(turn, turn.state.cart, notice)
        : showCatalog(turn, { notice });
    }
    case "proof_received":
      return draft(turn, {
        step: isAbout(result.orderRef) ? { name: "proof_under_review", orderRef: result.orderRef } : step,
        replies: [result.checking ? codeCheckingReply(result.orderRef) : proofReceivedReply(result.orderRef)],
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
        replies: [
          paymentConfirmedReply(
            result.orderRef,
            result.receipt,
            optionFor(turn, result.method),
            result.testMode === true,
            result.insteadOf ? providerName(paymentOptions(turn), result.insteadOf) : undefined,
          ),
        ],
      });
    case "payment_partial": {
      // Still paying: the step stays (it waits for the rest of the money).
      const provider = providerName(paymentOptions(turn), result.method);
      return draft(turn, {
        replies: [paymentPartialReply(catalog, result.orderRef, result.paid, result.missing, provider)],
      });
    }
    case "payment_refunded":
      return draft(turn, {
        step: isAbout(result.orderRef) ? BROWSING : step,
        replies: [paymentRefundedReply(catalog, result.orderRef, result.amount)],
      });
    case "payment_failed":
    case "payment_expired": {
      // The reply offers retry / another way / cancel for this order, so the step must take them.
      const { orderRef, method } = result;
      const options = paymentOptions(turn);
      const provider = providerName(options, method);
      const next = result.offerNextWay ? nextWayToPay(options, method, orderRef) : undefined;
      return draft(turn, {
        step: { name: "payment_failed", orderRef, method },
        replies: [
          result.kind === "payment_failed"
            ? paymentFailedReply(orderRef, result.reason, method, provider, next)
            : paymentExpiredReply(orderRef, method, provider, next),
        ],
      });
    }
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
 * The order exists and its payment started. The step follows the method: a receipt to send, or
 * the provider's result to wait for (their replies have buttons — Cancel; New link, another
 * way — the step must take). A new order took the cart with it; paying an existing order leaves
 * the cart alone.
 */
function onOrderPlaced(turn: Turn, result: Extract<ResultEvent, { kind: "order_placed" }>): Draft {
  const { catalog } = turn.context;
  const { orderRef, method } = result;
  const existing = orderRefOf(turn.state.step) === orderRef;
  const wording = METHODS[method];
  const provider = providerName(paymentOptions(turn), method);
  // Shown with the link or the prompt, before the shopper pays.
  const reply = withNotice(
    testModeNotice(optionFor(turn, method)),
    wording.placed(catalog, result, provider, turn.state.payer ?? {}),
  );
  const next: Step =
    wording.waits.for === "provider"
      ? { name: "awaiting_payment", orderRef, method }
      : { name: "awaiting_proof", orderRef };
  return draft(turn, { step: next, cart: existing ? turn.state.cart : [], replies: [reply] });
}
