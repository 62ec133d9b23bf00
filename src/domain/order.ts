import type { Money } from "./money.js";
import type { TransitionTable } from "./transitions.js";

/**
 * The registered chat channels, by name. Each channel's folder adds its own key
 * (`declare module` on this file), so a new channel needs no edit here.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each channel's declaration merging.
export interface ChannelNames {}

/** A registered channel's name: what a ChatAddress stores, and the channel's own process role. */
export type ChannelName = keyof ChannelNames & string;

/** Where a person is reached: a channel and that channel's chat id. */
export interface ChatAddress {
  readonly channel: ChannelName;
  readonly chatId: string;
}

export type OrderStatus = "awaiting_payment" | "paid" | "fulfilled" | "cancelled" | "expired" | "refunded";

/** An expired order can still be paid: a late success means the shopper's money moved. */
export const ORDER_TRANSITIONS: TransitionTable<OrderStatus> = {
  awaiting_payment: ["paid", "cancelled", "expired"],
  expired: ["paid"],
  paid: ["fulfilled", "refunded"],
  fulfilled: ["refunded"],
  cancelled: [],
  refunded: [],
};

export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  /** Minor units of the order currency, as priced when the order was placed. */
  readonly unitAmount: number;
}

export interface Order {
  readonly _id: string;
  readonly tenantId: string;
  /** `DK-7F3K2`, unique per tenant, shown in every message about the order. */
  readonly ref: string;
  readonly customer: ChatAddress & { readonly name?: string };
  readonly lines: readonly OrderLine[];
  readonly total: Money;
  readonly status: OrderStatus;
  readonly paymentId?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly paidAt?: Date;
  readonly cancelledAt?: Date;
  /**
   * Paid by a test-mode payment (set when it settles): no money moved. Such an order never counts
   * as paid in reports and is never fulfilled.
   */
  readonly testMode?: boolean;
}

export function isOpen(order: Pick<Order, "status">): boolean {
  return order.status === "awaiting_payment";
}
