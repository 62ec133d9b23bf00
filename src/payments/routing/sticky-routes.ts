import type { Redis } from "ioredis";
import type { ChatAddress } from "../../domain/order.js";
import type { PaymentMethod } from "../../domain/payment.js";

/** Whose choice it is: one shopper (a chat of a tenant) paying by one method. */
export interface ShopperRoute {
  readonly tenantId: string;
  readonly customer: ChatAddress;
  readonly method: PaymentMethod;
}

/** The instance a split chose for a shopper, and when. */
export interface RememberedChoice {
  readonly instanceId: string;
  readonly at: Date;
}

/** Each shopper's last split choice, shared by every process. */
export interface StickyRoutes {
  recall(route: ShopperRoute): Promise<RememberedChoice | null>;
  remember(route: ShopperRoute, choice: RememberedChoice): Promise<void>;
}

/**
 * Choices in Redis under `<prefix>:route:<tenant>:<channel>:<chatId>:<method>` (each part
 * URI-encoded, so a `:` in a tenant id cannot make two shoppers share a key), as JSON
 * `{ instanceId, at }`. The key expires after `ttlMs` so forgotten shoppers cost nothing; the
 * router still checks `at` against its own clock, which is what decides whether a choice holds.
 */
export function createRedisStickyRoutes(redis: Redis, prefix: string, ttlMs: number): StickyRoutes {
  const keyOf = ({ tenantId, customer, method }: ShopperRoute) =>
    [`${prefix}:route`, tenantId, customer.channel, customer.chatId, method]
      .map((part, index) => (index === 0 ? part : encodeURIComponent(part)))
      .join(":");
  return {
    async recall(route) {
      const stored = await redis.get(keyOf(route));
      if (stored === null) return null;
      const parsed = JSON.parse(stored) as { instanceId?: unknown; at?: unknown };
      if (typeof parsed.instanceId !== "string" || typeof parsed.at !== "number") return null;
      return { instanceId: parsed.instanceId, at: new Date(parsed.at) };
    },
    async remember(route, choice) {
      const value = JSON.stringify({ instanceId: choice.instanceId, at: choice.at.getTime() });
      await redis.set(keyOf(route), value, "PX", Math.max(1, Math.round(ttlMs)));
    },
  };
}
