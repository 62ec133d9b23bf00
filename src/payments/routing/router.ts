import type { Logger } from "pino";
import type { Order } from "../../domain/order.js";
import type { PaymentMethod, PaymentRouting } from "../../domain/payment.js";
import { canKeepChoice, pickWeighted, type Routable, sharesOf, splitGroupOf, withFirst } from "./split.js";
import type { StickyRoutes } from "./sticky-routes.js";

export interface Route<T> {
  /** The candidates in the order to try them: the chosen instance first, then fallback order. */
  readonly candidates: T[];
  /** How the first was chosen; absent when no split applied (plain priority order). */
  readonly routing?: PaymentRouting;
}

export interface TrafficRouter {
  route<T extends Routable>(order: Order, method: PaymentMethod, candidates: readonly T[]): Promise<Route<T>>;
}

export interface TrafficRouterOptions {
  readonly sticky: StickyRoutes;
  /** How long a shopper keeps the instance first drawn for them (PAYMENT_SPLIT_STICKY_HOURS). */
  readonly stickyMs: number;
  readonly logger: Logger;
  /** A number in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Default: the system clock. */
  readonly now?: () => Date;
}

/**
 * Orders a method's candidates for one shopper. When instances split the traffic by weight, the
 * shopper's choice from within the sticky period is kept (a retry lands where the first try
 * did), otherwise a new weighted draw is made and remembered. Fallback order is untouched after
 * the first. Without Redis the draw still happens: routing never blocks a payment.
 */
export function createTrafficRouter(options: TrafficRouterOptions): TrafficRouter {
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const { sticky, logger } = options;

  return {
    async route(order, method, candidates) {
      const group = splitGroupOf(candidates);
      if (group.length === 0) return { candidates: [...candidates] };
      const shares = sharesOf(group);
      const shopper = { tenantId: order.tenantId, customer: order.customer, method };
      const at = now();
      const remembered = await sticky.recall(shopper).catch((error: unknown) => {
        logger.warn({ err: error, orderRef: order.ref }, "sticky route unavailable; drawing anew");
        return null;
      });
      let chosen: string;
      let kept = false;
      if (remembered && canKeepChoice(remembered, shares, at, options.stickyMs)) {
        chosen = remembered.instanceId;
        kept = true;
      } else {
        chosen = pickWeighted(shares, random());
        await sticky.remember(shopper, { instanceId: chosen, at }).catch((error: unknown) => {
          logger.warn({ err: error, orderRef: order.ref }, "sticky route not remembered");
        });
      }
      return {
        candidates: withFirst(candidates, chosen),
        routing: { kind: "split", shares, chosen, sticky: kept },
      };
    },
  };
}
