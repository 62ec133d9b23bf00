/** The payment plugin conformance suite, for each built-in plugin and the third-party example. */
import { describe } from "vitest";
import { PAYMENT_DRIVERS } from "./drivers.js";
import { paymentConformance } from "./scenarios.js";

describe.each(PAYMENT_DRIVERS)("payment plugin conformance: $name", (driver) => {
  paymentConformance(driver);
});
