/** The Stripe payment plugin: card payments through Stripe Checkout Sessions. */
export { type StripeConfig, stripeConfigSchema } from "./config.js";
export {
  fromStripeAmount,
  MINIMUM_CHARGE,
  stripeExponent,
  toChargeAmount,
  toStripeAmount,
} from "./currency.js";
export { HEALTH_CHECK_SESSION, stripePlugin } from "./plugin.js";
export { refundKey } from "./refund.js";
export { checkoutKey, toSessionParams, toVerifyResult } from "./session.js";
export { parseStripeWebhook, SIGNATURE_HEADER, type StripeSigning } from "./webhook.js";
