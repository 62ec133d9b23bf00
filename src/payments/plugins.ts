/**
 * The payment plugins built into Duka, one line each: a new provider is a folder under
 * src/payments/ plus its line here. Plugins from PAYMENT_PLUGINS are added at start-up.
 */
import { cashOnDeliveryPlugin } from "./cash-on-delivery/index.js";
import { flutterwavePlugin } from "./flutterwave/index.js";
import { manualPlugin } from "./manual/plugin.js";
import { mpesaPlugin } from "./mpesa/index.js";
import { mpesaC2bPlugin } from "./mpesa-c2b/index.js";
import { paystackPlugin } from "./paystack/index.js";
import type { PaymentPlugin } from "./plugin.js";
import { stripePlugin } from "./stripe/index.js";

export const BUILT_IN_PLUGINS: readonly PaymentPlugin[] = [
  manualPlugin,
  mpesaPlugin,
  paystackPlugin,
  stripePlugin,
  flutterwavePlugin,
  mpesaC2bPlugin,
  cashOnDeliveryPlugin,
];
