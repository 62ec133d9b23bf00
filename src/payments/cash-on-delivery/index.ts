/** The cash on delivery payment plugin: the merchant marks the order paid when the cash is collected. */

export { type CashCollection, type CollectionOutcome, createCashCollection } from "./collection.js";
export { type CashOnDeliveryConfig, cashOnDeliveryConfigSchema } from "./config.js";
export { cashOnDeliveryPlugin } from "./plugin.js";
