/** The cash on delivery payment plugin: the merchant marks the order paid when the cash is collected. */

export { type CashOnDeliveryConfig, cashOnDeliveryConfigSchema } from "./config.js";
export {
  createDeliveries,
  type Deliveries,
  type DeliveryCancelOutcome,
  type DeliveryRefusal,
  type PaidOutcome,
} from "./deliveries.js";
export { cashOnDeliveryPlugin } from "./plugin.js";
