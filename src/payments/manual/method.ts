import type { Catalog } from "../../catalog/types.js";
import type { PaymentMethodHandler } from "../payment-service.js";

/** Bank or mobile-money transfer, proven by a receipt the merchant reviews. */
export function createManualMethod(catalog: Catalog): PaymentMethodHandler {
  return {
    option: { method: "manual", label: "Bank transfer / manual" },
    createPayment(order, id, now) {
      return {
        _id: id,
        tenantId: order.tenantId,
        orderId: order._id,
        orderRef: order.ref,
        method: "manual",
        provider: "manual",
        amount: order.total,
        status: "awaiting_proof",
        createdAt: now,
        updatedAt: now,
      };
    },
    instructions: () => catalog.paymentInstructions,
  };
}
