/**
 * Shared set-up for the Paystack plugin tests: the Paystack emulator over real HTTP, clients built
 * the way the registry builds them, an express webhook receiver that keeps the exact raw bytes, and
 * payment fixtures.
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { expect } from "vitest";
import {
  createPaystackEmulator,
  DEFAULT_SECRET_KEY,
  type PaystackEmulator,
  type PaystackEmulatorOptions,
} from "../../../sandbox/paystack/index.js";
import { money } from "../../../src/domain/money.js";
import type { ChatAddress, Order } from "../../../src/domain/order.js";
import type { Payment } from "../../../src/domain/payment.js";
import {
  createPaystackPlugin,
  type PaystackConfig,
  type PaystackPluginOptions,
  paystackConfigSchema,
} from "../../../src/payments/paystack/index.js";
import {
  type InitiateRequest,
  type ProviderClient,
  ProviderError,
  type WebhookRequest,
} from "../../../src/payments/plugin.js";
import { createCaptureQueue } from "../../helpers/capture-queue.js";

export function testConfig(
  baseUrl: string,
  overrides: Partial<Record<keyof PaystackConfig, unknown>> = {},
): PaystackConfig {
  return paystackConfigSchema.parse({ secretKey: DEFAULT_SECRET_KEY, baseUrl, ...overrides });
}

export interface TestClientOptions extends PaystackPluginOptions {
  readonly id?: string;
  readonly config: PaystackConfig;
}

let instances = 0;

/** A client built the way the registry builds one. */
export function createTestClient(options: TestClientOptions): ProviderClient {
  const { id = `pi_paystack_${++instances}`, config } = options;
  return createPaystackPlugin(options).create({
    id,
    tenantId: "ten_test",
    testMode: true,
    config,
    publicUrl: "https://duka.example.com",
    shared: {
      get: async () => null,
      set: async () => {},
      withLock: async (_key, _ttl, task) => task(),
    },
  });
}

let sequence = 0;

/** A pending KES 450.00 card payment for order DK-7F3K2, with an id shaped like the service's. */
export function testPayment(overrides: Partial<Payment> = {}): Payment {
  sequence += 1;
  const now = new Date();
  return {
    _id: `pay_${Date.now().toString(16)}${sequence.toString().padStart(6, "0")}`,
    tenantId: "ten_test",
    orderId: `ord_${sequence}`,
    orderRef: "DK-7F3K2",
    method: "card",
    provider: "paystack",
    amount: money(45_000, "KES"),
    status: "pending",
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function initiateRequest(
  payment: Payment,
  options: { email?: string; customer?: ChatAddress } = {},
): InitiateRequest {
  const customer = options.customer ?? { channel: "telegram", chatId: "1001" };
  const order: Order = {
    _id: payment.orderId,
    tenantId: payment.tenantId,
    ref: payment.orderRef,
    customer,
    lines: [{ sku: "tea", name: "Tea", quantity: 1, unitAmount: payment.amount.amount }],
    total: payment.amount,
    status: "awaiting_payment",
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
  return { payment, order, customer, payer: options.email === undefined ? {} : { email: options.email } };
}

export function startEmulator(options: PaystackEmulatorOptions = {}): Promise<PaystackEmulator> {
  return createPaystackEmulator(options);
}

/** Initiates a payment and returns it as the service stores it (with the reference). */
export async function initiatedPayment(client: ProviderClient, overrides: Partial<Payment> = {}) {
  const payment = testPayment(overrides);
  const result = await client.initiate(initiateRequest(payment, { email: "shopper@example.com" }));
  return { ...payment, providerRef: result.providerRef as string } satisfies Payment;
}

/** One POST the receiver got, as the webhook route would hand it to the plugin. */
export interface CapturedWebhook extends WebhookRequest {
  readonly path: string;
}

/**
 * An express app standing in for Duka's public URL: `express.raw` keeps the exact bytes (never
 * `express.json`, whose re-serialization would break signatures), and `req.ip` is the source
 * address. Every POST to `{prefix}/:id` is answered 200 and kept; `next()` resolves with the next
 * one (no polling). Other signed-webhook plugins reuse it with their own prefix.
 */
export async function startWebhookReceiver(prefix = "/webhooks/paystack") {
  const queue = createCaptureQueue<CapturedWebhook>("webhook");
  const app = express();
  app.post(`${prefix}/:id`, express.raw({ type: () => true, limit: "64kb" }), (request, response) => {
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(",") : value,
      ]),
    );
    const webhook: CapturedWebhook = {
      path: request.path,
      rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
      headers,
      params: { id: String(request.params.id) },
      ...(request.ip === undefined ? {} : { sourceIp: request.ip }),
    };
    queue.push(webhook);
    response.status(200).end();
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    /** The URL for instance `id`. */
    url: (id: string) => `${origin}${prefix}/${id}`,
    captured: queue.captured,
    /** The next capture not yet returned by `next()`. */
    next: queue.next,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Runs `action` and returns the ProviderError it threw (fails the test otherwise). */
export async function providerErrorOf(action: () => Promise<unknown>): Promise<ProviderError> {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, "expected the call to throw a ProviderError").toBeInstanceOf(ProviderError);
  return thrown as ProviderError;
}
