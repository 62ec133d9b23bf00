/**
 * The reliability suite's shop (reliability.md §4.0): the e2e test shop (real grammY bot on the
 * Telegram emulator, real BullMQ, the store MONGODB_URI names or the embedded one) with the
 * Paystack and Daraja emulators wired in, logs captured for the secrets check, and orders placed
 * in bulk through the real order and payment services instead of a chat each.
 */
import { pino } from "pino";
import type { DarajaEmulator } from "../../../sandbox/daraja/index.js";
import { freePort } from "../../../sandbox/free-port.js";
import type { PaystackEmulator } from "../../../sandbox/paystack/index.js";
import { deterministicId } from "../../../src/domain/ids.js";
import type { PaymentMethod } from "../../../src/domain/payment.js";
import { createPaymentService } from "../../../src/payments/payment-service.js";
import { createOrderService } from "../../../src/shop/orders.js";
import { captureLogs } from "../../helpers/logs.js";
import { startTestShop, type TestShop, type TestShopOptions } from "../../helpers/shop.js";
import { startProviderEmulators } from "./providers.js";
import { pool } from "./wait.js";

export const ADMIN_TOKEN = "admin-token-for-reliability-0123456789";

export interface PlacedOrder {
  readonly orderId: string;
  readonly ref: string;
  readonly chatId: number;
  readonly paymentId: string;
  /** The Paystack reference or the M-Pesa CheckoutRequestID. */
  readonly providerRef: string;
  readonly method: PaymentMethod;
}

export interface ReliabilityShop {
  readonly shop: TestShop;
  readonly paystack: PaystackEmulator;
  readonly daraja: DarajaEmulator;
  readonly baseUrl: string;
  readonly paystackWebhookUrl: string;
  readonly logs: ReturnType<typeof captureLogs>;
  /**
   * Places `count` one-item orders and starts their payments: each from its own new chat, or
   * order n from `chats[n]` (several orders from one chat, for outbound pacing).
   */
  placeOrders(
    count: number,
    method: "card" | "mobile_money",
    chats?: readonly number[],
  ): Promise<PlacedOrder[]>;
  /**
   * Starts another payment for a placed order, as the shopper's "pay again" or "pay another way"
   * does (`attempt` tells the retries apart); the order's current payment becomes the new one.
   */
  payAgain(order: PlacedOrder, method: "card" | "mobile_money", attempt: number): Promise<PlacedOrder>;
  stop(): Promise<void>;
}

let nextChat = 700_000;
let nextOrderKey = 0;

/**
 * The real order and payment services, without the conversation around them: no reconcile job is
 * scheduled, so only the webhooks (or the test's own reconciliation) can settle these orders.
 */
function bulkOrderService(duka: TestShop["duka"]) {
  const payments = createPaymentService({
    store: duka.store,
    registry: duka.providers,
    onPending: async () => undefined,
    logger: pino({ level: "silent" }),
  });
  return createOrderService({
    tenantId: duka.config.tenantId,
    store: duka.store,
    catalog: duka.catalog,
    payments,
  });
}

/** What the shopper of `chatId` pays with: an email for a card, a phone for M-Pesa. */
function payerOf(chatId: number, method: PaymentMethod) {
  return method === "card"
    ? { email: `s${chatId}@example.com` }
    : { phone: `2547${String(chatId).padStart(8, "0")}` };
}

/** The order as stored, with its current payment. */
async function placedOrder(
  duka: TestShop["duka"],
  orderId: string,
  chatId: number,
  method: PaymentMethod,
): Promise<PlacedOrder> {
  const tenantId = duka.config.tenantId;
  const order = await duka.store.orders.findById(tenantId, orderId);
  const payment = await duka.store.payments.findById(tenantId, order!.paymentId!);
  return {
    orderId: order!._id,
    ref: order!.ref,
    chatId,
    paymentId: payment!._id,
    providerRef: payment!.providerRef!,
    method,
  };
}

export async function startReliabilityShop(
  options: { env?: Record<string, string> } & Omit<TestShopOptions, "env" | "logger"> = {},
): Promise<ReliabilityShop> {
  const providers = await startProviderEmulators();
  const { paystack, daraja } = providers;
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logs = captureLogs("info");
  const { env, ...rest } = options;
  const shop = await startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      ADMIN_TOKEN,
      ...providers.env,
      ...env,
    },
    logger: logs.logger,
    // Reconciliation is driven by each test that needs it (see placeOrders).
    reconcileDelaysMs: [60_000],
    ...rest,
  });
  const [instance] = await shop.duka.store.providers.list({ plugin: "paystack" });
  const paystackWebhookUrl = `${baseUrl}/webhooks/paystack/${instance!._id}`;

  return {
    shop,
    paystack,
    daraja,
    baseUrl,
    paystackWebhookUrl,
    logs,
    async placeOrders(count, method, chats) {
      const { duka } = shop;
      const orders = bulkOrderService(duka);
      const sku = duka.catalog.products[0]!.sku;
      const chatIds = chats ?? Array.from({ length: count }, () => nextChat++);
      return pool(chatIds.slice(0, count), 8, async (chatId) => {
        // The chat must exist at the Bot API before the bot can write to it.
        shop.shopper(chatId);
        const key = `rel-${chatId}-${nextOrderKey++}`;
        const placed = await orders.place(
          { channel: "telegram", chatId: String(chatId) },
          [{ sku, quantity: 1 }],
          method,
          { key, payer: payerOf(chatId, method) },
        );
        if (placed.kind !== "order_placed") throw new Error(`order not placed: ${JSON.stringify(placed)}`);
        return placedOrder(duka, deterministicId("ord", duka.config.tenantId, key), chatId, method);
      });
    },
    async payAgain(order, method, attempt) {
      const { duka } = shop;
      const again = await bulkOrderService(duka).pay(
        { channel: "telegram", chatId: String(order.chatId) },
        order.ref,
        method,
        { key: `rel-${order.chatId}-again-${attempt}`, payer: payerOf(order.chatId, method) },
      );
      if (again.kind !== "order_placed") throw new Error(`payment not started: ${JSON.stringify(again)}`);
      return placedOrder(duka, order.orderId, order.chatId, method);
    },
    async stop() {
      await shop.stop();
      await providers.close();
    },
  };
}

/** POSTs raw bytes to a webhook URL, timing the answer; a connection error is status 0. */
export async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<{ status: number; ms: number; text: string }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, text };
  } catch {
    return { status: 0, ms: performance.now() - started, text: "" };
  }
}

/** A Paystack charge.success for a paid transaction, as bytes with their right signature. */
export function signedChargeSuccess(paystack: PaystackEmulator, reference: string) {
  const body = JSON.stringify({ event: "charge.success", data: paystack.transactionData(reference) });
  return { body, signature: paystack.sign(body) };
}
