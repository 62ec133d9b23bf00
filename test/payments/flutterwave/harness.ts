/**
 * Shared set-up for the Flutterwave plugin tests: the Flutterwave emulator over real HTTP, clients
 * built the way the registry builds them, and the Paystack harness's payment fixtures and receiver.
 */
import {
  createFlutterwaveEmulator,
  DEFAULT_SECRET_HASH,
  DEFAULT_SECRET_KEY,
  type FlutterwaveEmulator,
  type FlutterwaveEmulatorOptions,
} from "../../../sandbox/flutterwave/index.js";
import type { Payment } from "../../../src/domain/payment.js";
import {
  type FlutterwaveConfig,
  flutterwaveConfigSchema,
  flutterwavePlugin,
} from "../../../src/payments/flutterwave/index.js";
import type { InitiateRequest, ProviderClient, WebhookRequest } from "../../../src/payments/plugin.js";
import { initiateRequest, startWebhookReceiver, testPayment } from "../paystack/harness.js";

export { providerErrorOf } from "../paystack/harness.js";

export const SHOPPER_EMAIL = "wanjiru@example.com";

export function testConfig(
  baseUrl: string,
  overrides: Partial<Record<keyof FlutterwaveConfig, unknown>> = {},
): FlutterwaveConfig {
  return flutterwaveConfigSchema.parse({
    secretKey: DEFAULT_SECRET_KEY,
    secretHash: DEFAULT_SECRET_HASH,
    baseUrl,
    ...overrides,
  });
}

let instances = 0;

/** A client built the way the registry builds one. */
export function createTestClient(config: FlutterwaveConfig): ProviderClient {
  return flutterwavePlugin.create({
    id: `pi_flutterwave_${++instances}`,
    tenantId: "ten_test",
    testMode: true,
    config,
    publicUrl: "https://duka.example.com",
    shared: { get: async () => null, set: async () => {}, withLock: async (_key, _ttl, task) => task() },
  });
}

/** A pending KES 450.00 payment through Flutterwave. */
export const flutterwavePayment = (overrides: Partial<Payment> = {}) =>
  testPayment({ provider: "flutterwave", ...overrides });

/** The initiate request with the e-mail Flutterwave requires. */
export const flutterwaveRequest = (payment: Payment): InitiateRequest =>
  initiateRequest(payment, { email: SHOPPER_EMAIL });

/** Initiates a payment and returns it as the service stores it (with its tx_ref). */
export async function initiatedPayment(client: ProviderClient, overrides: Partial<Payment> = {}) {
  const payment = flutterwavePayment(overrides);
  const result = await client.initiate(flutterwaveRequest(payment));
  return { ...payment, providerRef: result.providerRef as string };
}

/** Raw bytes as a webhook with this `verif-hash`. */
export const withHash = (rawBody: Buffer, hash: string | undefined): WebhookRequest => ({
  rawBody,
  headers: hash === undefined ? {} : { "verif-hash": hash },
  params: { id: "pi_test" },
});

export function startEmulator(options: FlutterwaveEmulatorOptions = {}): Promise<FlutterwaveEmulator> {
  return createFlutterwaveEmulator(options);
}

export const startFlutterwaveReceiver = () => startWebhookReceiver("/webhooks/flutterwave");
