/** The Flutterwave payment plugin: cards and M-Pesa through Flutterwave Standard (v3 hosted page). */
export { type FlutterwaveConfig, flutterwaveConfigSchema, PAYMENT_OPTIONS } from "./config.js";
export { flutterwavePlugin, HEALTH_CHECK_TRANSACTION } from "./plugin.js";
export { toPaymentRequest, toVerifyResult, txRefOf } from "./transaction.js";
export { HASH_HEADER, isHashValid, parseFlutterwaveWebhook } from "./webhook.js";
