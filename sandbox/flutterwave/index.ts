/**
 * Local Flutterwave v3 emulator for tests and the offline demo: hosted payments, a pay page with a
 * test card and a test M-Pesa number, verify by id and by tx_ref, refunds, and `charge.completed`
 * webhooks with `verif-hash`, retries and fault injection. Point the plugin's `baseUrl` at
 * `emulator.baseUrl`.
 */
export {
  type ApiFault,
  createFlutterwaveEmulator,
  FlutterwaveEmulator,
  type FlutterwaveRoute,
  type HashMode,
  type SendEventOptions,
  type WebhookDelivery,
  type WebhookFault,
} from "./emulator.js";
export {
  DEFAULT_SECRET_HASH,
  DEFAULT_SECRET_KEY,
  type FlutterwaveEmulatorOptions,
  TEST_CARD,
  TEST_MPESA_NUMBER,
} from "./options.js";
export type { ChargeEvent, HostedPayment, PayOptions, RefundRecord, TransactionRecord } from "./state.js";
