import { priceCart } from "./cart.js";
import {
  cancelRefusedNotice,
  orderCancelledReply,
  orderFailedNotice,
  orderPlacedReply,
  ordersReply,
  paymentConfirmedReply,
  proofReceivedReply,
  proofRefusedReply,
  proofRejectedReply,
} from "./prompts.js";
import { type Draft, draft, type Turn } from "./turn.js";
import type { ResultEvent, Step } from "./types.js";
import { orderRefOf, showCatalog, showCheckout, showCurrent } from "./views.js";

const BROWSING: Step = { name: "browsing" };

export function onResult(turn: Turn, result: ResultEvent): Draft {
  const { catalog } = turn.context;
  const step = turn.state.step;
  const isAbout = (orderRef: string) => orderRefOf(step) === orderRef;
  switch (result.kind) {
    case "order_placed": {
      const { method } = result;
      const reply = orderPlacedReply(catalog, result, method);
      const next: Step =
        method === "manual"
          ? { name: "awaiting_proof", orderRef: result.orderRef }
          : orderRefOf(step)
            ? step
            : BROWSING;
      return draft(turn, { step: next, cart: [], replies: [reply] });
    }
    case "order_failed": {
      const notice = orderFailedNotice(result.reason);
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
        replies: [paymentConfirmedReply(result.orderRef)],
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
