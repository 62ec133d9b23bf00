import type { Catalog } from "../catalog/types.js";
import type { CartLine, OrderSummary, ResultEvent } from "../domain/conversation.js";
import { DukaError, DuplicateKeyError } from "../domain/errors.js";
import { deterministicId } from "../domain/ids.js";
import { money, multiply, sum } from "../domain/money.js";
import type { ChatAddress, Order, OrderLine } from "../domain/order.js";
import type { PaymentMethod } from "../domain/payment.js";
import type { PayerDetails } from "../domain/payment-option.js";
import type { RateLimit } from "../domain/rate-limit.js";
import { newOrderReference } from "../domain/reference.js";
import {
  describeAction,
  PayerPromptsLimitedError,
  PaymentMethodUnavailableError,
  type PaymentService,
} from "../payments/payment-service.js";
import { ProviderError } from "../payments/plugin.js";
import { recordAudit } from "../store/audit-log.js";
import type { Store } from "../store/types.js";

export type Customer = ChatAddress & { readonly name?: string };

/** What the shopper gave for this payment, and the key of the message that asked for it. */
export interface PaymentDetails {
  readonly key: string;
  readonly payer: PayerDetails;
  /** Only through a provider's page, never a prompt to the phone (see StartOptions.linkOnly). */
  readonly linkOnly?: boolean;
}

/** Who delivers (the merchants): told of each order placed for cash on delivery, and of its cancel. */
export interface DeliveryNotifier {
  deliveryOrderPlaced(order: Order): Promise<void>;
  /** The shopper cancelled before delivery: the goods must not go out. */
  deliveryOrderCancelled(order: Order): Promise<void>;
}

const REFERENCE_ATTEMPTS = 8;

function limited(what: "payment_prompts" | "orders", retryAfterMs: number): ResultEvent {
  return { kind: "limited", what, retryInMinutes: Math.max(1, Math.ceil(retryAfterMs / 60_000)) };
}

function actorOf(customer: ChatAddress): string {
  return `${customer.channel}:${customer.chatId}`;
}

function owns(order: Order, customer: ChatAddress): boolean {
  return order.customer.channel === customer.channel && order.customer.chatId === customer.chatId;
}

/** Prices the cart from the catalog; null when an item is gone or a quantity is out of range. */
export function priceLines(catalog: Catalog, cart: readonly CartLine[]): OrderLine[] | null {
  const lines: OrderLine[] = [];
  for (const item of cart) {
    const product = catalog.products.find((candidate) => candidate.sku === item.sku);
    if (!product || !Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > 99) return null;
    lines.push({
      sku: product.sku,
      name: product.name,
      quantity: item.quantity,
      unitAmount: product.price.amount,
    });
  }
  return lines.length > 0 ? lines : null;
}

/** Orders as the shopper's conversation needs them: place, cancel, list. */
export function createOrderService(deps: {
  tenantId: string;
  store: Store;
  catalog: Catalog;
  payments: PaymentService;
  /** New orders per chat (shared by every process); unset: no limit. */
  ordersPerChat?: RateLimit;
  /** Told of orders placed for cash on delivery and their cancels; unset: nobody is told. */
  delivery?: DeliveryNotifier;
}) {
  const { tenantId, store, catalog } = deps;
  const currency = catalog.shop.currency;

  /** Creates the order under `id` with a fresh reference, or returns the one a retry already made. */
  async function createOrder(id: string, customer: Customer, lines: OrderLine[]): Promise<Order> {
    for (let attempt = 0; attempt < REFERENCE_ATTEMPTS; attempt++) {
      const existing = await store.orders.findById(tenantId, id);
      if (existing) return existing;
      const now = new Date();
      const order: Order = {
        _id: id,
        tenantId,
        ref: newOrderReference(),
        customer,
        lines,
        total: sum(
          lines.map((line) => multiply(money(line.unitAmount, currency), line.quantity)),
          currency,
        ),
        status: "awaiting_payment",
        createdAt: now,
        updatedAt: now,
      };
      try {
        await store.orders.create(order);
        return order;
      } catch (error) {
        // A reference collision: try another. An id collision: a retry of this step won; reload.
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
    }
    throw new DukaError("conflict", `No free order reference after ${REFERENCE_ATTEMPTS} attempts`);
  }

  const offers = async (method: PaymentMethod) =>
    (await deps.payments.options(tenantId)).some((option) => option.method === method);

  /**
   * A payment that waits for delivery places the order for delivery: it no longer awaits a payment
   * and never expires. A retry finds it moved already and tells the merchants again (deduplicated).
   */
  async function placeForDelivery(order: Order): Promise<void> {
    const placed =
      (await store.orders.transition(tenantId, order._id, "awaiting_delivery")) ??
      (await store.orders.findById(tenantId, order._id));
    if (placed?.status === "awaiting_delivery") await deps.delivery?.deliveryOrderPlaced(placed);
  }

  async function startPayment(
    order: Order,
    method: PaymentMethod,
    options: PaymentDetails,
  ): Promise<ResultEvent> {
    try {
      const { payment, action } = await deps.payments.start(order, method, {
        attemptKey: options.key,
        payer: options.payer,
        ...(options.linkOnly ? { linkOnly: true } : {}),
      });
      if (payment.status === "awaiting_delivery") await placeForDelivery(order);
      return {
        kind: "order_placed",
        orderRef: order.ref,
        method,
        total: order.total,
        instructions: describeAction(action),
        ...(action.kind === "link" ? { link: { url: action.url, label: action.label } } : {}),
      };
    } catch (error) {
      // The order stays open: the shopper can try again or choose another way to pay.
      if (error instanceof PayerPromptsLimitedError) return limited("payment_prompts", error.retryAfterMs);
      if (error instanceof ProviderError) return { kind: "order_failed", reason: error.shopperMessage };
      if (error instanceof PaymentMethodUnavailableError)
        return { kind: "order_failed", reason: error.message };
      throw error;
    }
  }

  return {
    async place(
      customer: Customer,
      cart: readonly CartLine[],
      method: PaymentMethod,
      options: PaymentDetails,
    ): Promise<ResultEvent> {
      const lines = priceLines(catalog, cart);
      if (!lines) return { kind: "order_failed", reason: "Some items in your cart are no longer available." };
      if (!(await offers(method)))
        return { kind: "order_failed", reason: "That way of paying is not available right now." };
      const id = deterministicId("ord", tenantId, options.key);
      // Only a new order counts: a retry of the same message finds the one it made.
      if (deps.ordersPerChat && !(await store.orders.findById(tenantId, id))) {
        const verdict = await deps.ordersPerChat.take(`${tenantId}:${customer.channel}:${customer.chatId}`);
        if (!verdict.allowed) return limited("orders", verdict.retryAfterMs);
      }
      const order = await createOrder(id, customer, lines);
      await recordAudit(store, {
        _id: deterministicId("aud", order._id, "placed"),
        tenantId,
        at: order.createdAt,
        actor: actorOf(customer),
        action: "order.placed",
        orderRef: order.ref,
        subjectId: order._id,
        detail: { method, total: order.total },
      });
      return startPayment(order, method, options);
    },

    /** Pays an existing open order again (a retry after a failure), or with another method. */
    async pay(
      customer: Customer,
      ref: string,
      method: PaymentMethod,
      options: PaymentDetails,
    ): Promise<ResultEvent> {
      const order = await store.orders.findByRef(tenantId, ref);
      if (!order || !owns(order, customer))
        return { kind: "order_failed", reason: `I can't find order ${ref} for you.` };
      if (order.status !== "awaiting_payment") {
        return {
          kind: "order_failed",
          reason: `Order ${ref} is ${order.status.replace("_", " ")}; there is nothing to pay.`,
        };
      }
      if (!(await offers(method)))
        return { kind: "order_failed", reason: "That way of paying is not available right now." };
      return startPayment(order, method, options);
    },

    async cancel(customer: Customer, ref: string): Promise<ResultEvent> {
      const order = await store.orders.findByRef(tenantId, ref);
      if (!order || !owns(order, customer)) {
        return { kind: "cancel_refused", orderRef: ref, reason: `I can't find order ${ref} for you.` };
      }
      if (order.status === "cancelled") return { kind: "order_cancelled", orderRef: ref };
      if (order.status !== "awaiting_payment" && order.status !== "awaiting_delivery") {
        return {
          kind: "cancel_refused",
          orderRef: ref,
          reason: `Order ${ref} is ${order.status.replace("_", " ")} and can't be cancelled here.`,
        };
      }
      const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
      if (payment && payment.status !== "cancelled") {
        const cancelled = await store.payments.transition(tenantId, payment._id, "cancelled");
        if (!cancelled) {
          return {
            kind: "cancel_refused",
            orderRef: ref,
            reason: `Your receipt for ${ref} is being checked by the merchant, so it can't be cancelled now. Please ask the shop.`,
          };
        }
      }
      const cancelled = await store.orders.transition(tenantId, order._id, "cancelled", {
        cancelledAt: new Date(),
      });
      if (cancelled && order.status === "awaiting_delivery")
        await deps.delivery?.deliveryOrderCancelled(cancelled);
      await recordAudit(store, {
        _id: deterministicId("aud", order._id, "cancelled"),
        tenantId,
        at: new Date(),
        actor: actorOf(customer),
        action: "order.cancelled",
        orderRef: ref,
        subjectId: order._id,
      });
      return { kind: "order_cancelled", orderRef: ref };
    },

    async list(customer: Customer): Promise<ResultEvent> {
      const orders = await store.orders.listByCustomer(tenantId, customer, 10);
      const summaries: OrderSummary[] = await Promise.all(
        orders.map(async (order) => {
          const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
          return {
            ref: order.ref,
            total: order.total,
            status: order.status,
            createdAt: order.createdAt,
            ...(payment ? { paymentStatus: payment.status } : {}),
          };
        }),
      );
      return { kind: "orders_listed", orders: summaries };
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
