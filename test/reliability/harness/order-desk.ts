/**
 * Orders for a cluster of Duka processes without a chat dialogue each: a whole dialogue per order
 * is about 6 Bot API messages, and Telegram's 30 messages a second would cap a soak at about 5
 * orders a second. The desk runs Duka's own core (store, provider registry, reconciler) in the test
 * process on the cluster's configuration and places orders through the real order and payment
 * services, wired as the core wires them: every pending payment gets its reconciliation checks.
 */
import { pino } from "pino";
import { createCore } from "../../../src/app/core.js";
import { loadConfig } from "../../../src/config/index.js";
import { deterministicId } from "../../../src/domain/ids.js";
import type { PaymentMethod } from "../../../src/domain/payment.js";
import { createPaymentService } from "../../../src/payments/payment-service.js";
import { createOrderService } from "../../../src/shop/orders.js";
import type { Store } from "../../../src/store/types.js";
import type { Cluster } from "./processes.js";

export interface DeskOrder {
  readonly orderId: string;
  readonly ref: string;
  readonly chatId: number;
  /** The Paystack reference or the M-Pesa CheckoutRequestID. */
  readonly providerRef: string;
}

export interface OrderDesk {
  /** The cluster's store, open in this process (a MongoDB-wire cluster only). */
  readonly store: Store;
  /** One item of the catalog's first product from Telegram chat `chatId`, its payment started. */
  place(chatId: number, method: Exclude<PaymentMethod, "manual">): Promise<DeskOrder>;
  close(): Promise<void>;
}

export async function openOrderDesk(cluster: Cluster): Promise<OrderDesk> {
  const store = await cluster.openStore();
  const logger = pino({ level: "silent" });
  const core = await createCore({ config: loadConfig(cluster.env), role: "web", store, logger });
  const payments = createPaymentService({
    store,
    registry: core.registry,
    onPending: (payment) => core.reconciler.schedule(payment),
    logger,
  });
  const tenantId = core.tenantId;
  const orders = createOrderService({ tenantId, store, catalog: core.catalog, payments });
  const sku = core.catalog.products[0]!.sku;
  return {
    store,
    async place(chatId, method) {
      // The key makes a retry (the shopper trying again after an error) find the same order.
      const key = `soak-${chatId}`;
      const payer = method === "card" ? { email: `s${chatId}@example.com` } : { phone: phoneOf(chatId) };
      const placed = await orders.place(
        { channel: "telegram", chatId: String(chatId) },
        [{ sku, quantity: 1 }],
        method,
        { key, payer },
      );
      if (placed.kind !== "order_placed") throw new Error(`order not placed: ${JSON.stringify(placed)}`);
      const order = await store.orders.findById(tenantId, deterministicId("ord", tenantId, key));
      const payment = await store.payments.findById(tenantId, order!.paymentId!);
      return { orderId: order!._id, ref: order!.ref, chatId, providerRef: payment!.providerRef! };
    },
    async close() {
      for (const close of core.closers.reverse()) await close().catch(() => undefined);
      await store.close();
    },
  };
}

/** A Kenyan MSISDN of the chat's own. */
export const phoneOf = (chatId: number) => `2547${String(chatId).padStart(8, "0").slice(-8)}`;
