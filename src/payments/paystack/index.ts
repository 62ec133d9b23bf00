/** The Paystack payment plugin: card payments through Paystack's hosted checkout. */
export { DEFAULT_TIMEOUT_MS } from "./client.js";
export {
  fillEmailPlaceholder,
  isPaystackEmail,
  PAYSTACK_SOURCE_IPS,
  type PaystackConfig,
  paystackConfigSchema,
  paystackPayer,
  toLocalPartValue,
} from "./config.js";
export { parsePaystackJson, quoteUnsafeIntegers } from "./json.js";
export {
  createPaystackPlugin,
  HEALTH_CHECK_REFERENCE,
  type PaystackPluginOptions,
  paystackPlugin,
} from "./plugin.js";
export { toPaystackReference, toVerifyResult } from "./transaction.js";
export {
  isSignatureValid,
  normalizeIp,
  parsePaystackWebhook,
  paystackSignatureOf,
  SIGNATURE_HEADER,
} from "./webhook.js";
