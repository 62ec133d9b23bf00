/**
 * Local Stripe API emulator for tests and the offline demo: Checkout Sessions, a hosted pay page with
 * Stripe's test cards, refunds, Idempotency-Key replay, and signed `Stripe-Signature` webhooks with
 * retries and fault injection. Point the plugin's `apiBase` at `emulator.baseUrl`.
 */
export { declineOf, TEST_CARDS } from "./cards.js";
export {
  type ApiCall,
  type ApiFault,
  createStripeEmulator,
  type SendEventOptions,
  StripeEmulator,
  type StripeRoute,
  type WebhookFault,
} from "./emulator.js";
export { DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET, type StripeEmulatorOptions } from "./options.js";
export { type SignMode, signatureHeader, type WebhookDelivery } from "./sender.js";
export type { RefundRecord, SessionRecord, StripeEvent } from "./state.js";
