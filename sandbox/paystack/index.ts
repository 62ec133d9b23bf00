/**
 * Local Paystack API emulator for tests and the offline demo. The merchant side speaks HTTP like
 * api.paystack.co (point the client's base URL at `emulator.baseUrl`); the shopper side is a hosted
 * checkout page or the in-process `emulator.pay()`; events are POSTed to each account's webhook URL
 * with Paystack's `x-paystack-signature`.
 */

export type { WaitOptions } from "../shared/wait.js";
export { TEST_CARD_CVV, TEST_CARDS } from "./cards.js";
export {
  createPaystackEmulator,
  type NextTransactionOptions,
  type PayOptions,
  type PaystackAccountInfo,
  PaystackEmulator,
  type SendWebhookOptions,
} from "./emulator.js";
export {
  PaystackApiError,
  PaystackEmulatorError,
  type PaystackEmulatorErrorCode,
  type PaystackErrorType,
} from "./errors.js";
export { PAYSTACK_CHANNELS } from "./operations/initialize.js";
export {
  DEFAULT_PUBLIC_KEY,
  DEFAULT_SECRET_KEY,
  defaultPaystackEmulatorOptions,
  type PaystackAccount,
  type PaystackEmulatorOptions,
  type PaystackWebhookRetry,
} from "./options.js";
export {
  type ApiCallRecord,
  type CardDetails,
  PAYSTACK_ROUTES,
  type PaystackCard,
  type PaystackDomain,
  type PaystackEmulatorEvents,
  type PaystackEvent,
  type PaystackFault,
  type PaystackRefund,
  type PaystackRoute,
  type PaystackTransaction,
  type RefundStatus,
  type SignMode,
  type TransactionStatus,
  type WebhookDelivery,
} from "./types.js";
export { paystackSignature } from "./webhooks/signature.js";
