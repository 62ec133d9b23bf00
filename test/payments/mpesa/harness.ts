/**
 * Shared set-up for the M-Pesa plugin tests: a Daraja emulator over real HTTP, the Redis
 * SharedCache the registry would hand each instance (own prefix, keys removed afterwards), a
 * callback receiver that captures raw bodies, and payment fixtures.
 */

import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import {
  createDarajaEmulator,
  type DarajaEmulator,
  type DarajaEmulatorOptions,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import { money } from "../../../src/domain/money.js";
import type { Order } from "../../../src/domain/order.js";
import type { Payment } from "../../../src/domain/payment.js";
import {
  createMpesaPlugin,
  generateCallbackToken,
  type MpesaConfig,
  type MpesaPluginOptions,
  mpesaConfigSchema,
} from "../../../src/payments/mpesa/index.js";
import type { InitiateRequest, ProviderClient, SharedCache } from "../../../src/payments/plugin.js";
import { webhookUrlOf } from "../../../src/payments/plugin-webhook.js";
import { createRedisSharedCache } from "../../../src/payments/registry/shared-cache.js";
import { createCaptureQueue } from "../../helpers/capture-queue.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A Redis connection and a unique key prefix; `cleanup()` deletes the prefix's keys and quits. */
export function createTestRedis() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `t-mpesa-${randomBytes(4).toString("hex")}`;
  const sharedFor = createRedisSharedCache(redis, prefix);
  return {
    redis,
    prefix,
    /** The SharedCache of one provider instance (a fresh id gives an empty namespace). */
    shared: (instanceId: string): SharedCache => sharedFor(instanceId),
    /** The Redis key the cache uses for `name` of `instanceId`. */
    key: (instanceId: string, name: string) => `${prefix}:provider:${instanceId}:${name}`,
    async cleanup() {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
}

export type TestRedis = ReturnType<typeof createTestRedis>;

export function testConfig(
  baseUrl: string,
  overrides: Partial<Record<keyof MpesaConfig, unknown>> = {},
): MpesaConfig {
  return mpesaConfigSchema.parse({
    consumerKey: DEFAULT_CONSUMER_KEY,
    consumerSecret: DEFAULT_CONSUMER_SECRET,
    passkey: SANDBOX_PASSKEY,
    shortcode: SANDBOX_SHORTCODE,
    baseUrl,
    callbackToken: generateCallbackToken(),
    ...overrides,
  });
}

export interface TestInstanceOptions extends MpesaPluginOptions {
  readonly id?: string;
  readonly config: MpesaConfig;
  readonly shared: SharedCache;
  readonly publicUrl?: string;
}

/** A client built the way the registry builds one. */
export function createTestClient(options: TestInstanceOptions): ProviderClient {
  const {
    id = `pi_${randomBytes(6).toString("hex")}`,
    config,
    shared,
    publicUrl = "https://duka.example.com",
  } = options;
  const plugin = createMpesaPlugin(options);
  return plugin.create({
    id,
    tenantId: "ten_test",
    testMode: true,
    config,
    publicUrl,
    webhookUrl: webhookUrlOf(publicUrl, plugin, { id, config })!,
    shared,
  });
}

let sequence = 0;

/** A pending KES payment for order DK-7F3K2 (amount in minor units). */
export function testPayment(overrides: Partial<Payment> = {}): Payment {
  sequence += 1;
  const now = new Date();
  return {
    _id: `pay_${sequence}`,
    tenantId: "ten_test",
    orderId: `ord_${sequence}`,
    orderRef: "DK-7F3K2",
    method: "mobile_money",
    provider: "mpesa",
    amount: money(45_000, "KES"),
    status: "pending",
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

export function initiateRequest(payment: Payment, phone: string | undefined): InitiateRequest {
  const order: Order = {
    _id: payment.orderId,
    tenantId: payment.tenantId,
    ref: payment.orderRef,
    customer: { channel: "telegram", chatId: "1001" },
    lines: [{ sku: "tea", name: "Tea", quantity: 1, unitAmount: payment.amount.amount }],
    total: payment.amount,
    status: "awaiting_payment",
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
  return { payment, order, customer: order.customer, payer: phone === undefined ? {} : { phone } };
}

/** A distinct valid Safaricom number per call (the emulator locks a number while its push is pending). */
let phoneCounter = 0;
export function nextPhone(): string {
  phoneCounter += 1;
  return `2547${10_000_000 + phoneCounter}`;
}

export function startEmulator(options: DarajaEmulatorOptions = {}): Promise<DarajaEmulator> {
  return createDarajaEmulator(options);
}

/** One POST the receiver got: the exact bytes and the route params of `/webhooks/daraja/:id/:token`. */
export interface CapturedCallback {
  readonly path: string;
  readonly rawBody: Buffer;
  readonly headers: Record<string, string | undefined>;
  readonly params: Record<string, string>;
}

/**
 * A local HTTP server standing in for Duka's public URL. It answers every POST 200
 * `{"ResultCode":0,"ResultDesc":"Accepted"}` and keeps the raw body; `next()` resolves with the next
 * capture (event-driven, no polling).
 */
export async function startCallbackReceiver() {
  const queue = createCaptureQueue<CapturedCallback>("callback");
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const match = /^\/webhooks\/daraja\/([^/]+)\/([^/?]+)/.exec(path);
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(",") : value,
        ]),
      );
      const callback: CapturedCallback = {
        path,
        rawBody: Buffer.concat(chunks),
        headers,
        params: match === null ? {} : { id: match[1] as string, token: match[2] as string },
      };
      queue.push(callback);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ResultCode: 0, ResultDesc: "Accepted" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    publicUrl: `http://127.0.0.1:${port}`,
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

export type CallbackReceiver = Awaited<ReturnType<typeof startCallbackReceiver>>;

/** Runs `action` and returns the error it threw (fails the test when it does not throw). */
export async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("Expected the call to throw, but it succeeded");
}
