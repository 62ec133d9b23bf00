/**
 * Shared set-up for the Stripe plugin tests: the Stripe emulator over real HTTP, clients built the
 * way the registry builds them, and the Paystack harness's payment fixtures and raw-body receiver.
 */
import {
  createStripeEmulator,
  DEFAULT_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET,
  type StripeEmulator,
  type StripeEmulatorOptions,
} from "../../../sandbox/stripe/index.js";
import type { Payment } from "../../../src/domain/payment.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import { type StripeConfig, stripeConfigSchema, stripePlugin } from "../../../src/payments/stripe/index.js";
import { initiateRequest, startWebhookReceiver, testPayment } from "../paystack/harness.js";

export { initiateRequest, providerErrorOf } from "../paystack/harness.js";

export function testConfig(
  apiBase: string,
  overrides: Partial<Record<keyof StripeConfig, unknown>> = {},
): StripeConfig {
  return stripeConfigSchema.parse({
    secretKey: DEFAULT_SECRET_KEY,
    webhookSecret: DEFAULT_WEBHOOK_SECRET,
    apiBase,
    ...overrides,
  });
}

let instances = 0;

/** A client built the way the registry builds one. */
export function createTestClient(config: StripeConfig): ProviderClient {
  return stripePlugin.create({
    id: `pi_stripe_${++instances}`,
    tenantId: "ten_test",
    testMode: true,
    config,
    publicUrl: "https://duka.example.com",
    shared: { get: async () => null, set: async () => {}, withLock: async (_key, _ttl, task) => task() },
  });
}

/** A pending KES 450.00 card payment through Stripe. */
export const stripePayment = (overrides: Partial<Payment> = {}) =>
  testPayment({ provider: "stripe", ...overrides });

/** Initiates a payment and returns it as the service stores it (with the session id). */
export async function initiatedPayment(
  client: ProviderClient,
  overrides: Partial<Payment> = {},
): Promise<Payment> {
  const payment = stripePayment(overrides);
  const result = await client.initiate(initiateRequest(payment));
  return { ...payment, providerRef: result.providerRef as string };
}

export function startEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  return createStripeEmulator(options);
}

export const startStripeReceiver = () => startWebhookReceiver("/webhooks/stripe");
