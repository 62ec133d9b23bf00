import { PAYMENT_TRANSITIONS, type Payment } from "../../domain/payment.js";
import type { Collection, PaymentRepository } from "../types.js";
import { transitionOf } from "./transition.js";

export function createPaymentRepository(payments: Collection<Payment>): PaymentRepository {
  return {
    create: (payment) => payments.insertOne(payment),
    findById: (tenantId, id) => payments.findOne({ tenantId, _id: id }),
    transition: (tenantId, id, to, changes) => {
      const { filter, update } = transitionOf(PAYMENT_TRANSITIONS, tenantId, id, to, changes);
      return payments.findOneAndUpdate(filter, update);
    },
    findByProviderRef: (instanceId, providerRef) => payments.findOne({ instanceId, providerRef }),
    listByOrder: (tenantId, orderId) => payments.find({ tenantId, orderId }, { sort: { createdAt: -1 } }),
    listTriedByInstance: (tenantId, instanceId, since, limit) =>
      payments.find(
        { tenantId, "attempts.instanceId": instanceId, createdAt: { $gte: since } },
        { sort: { createdAt: -1 }, limit },
      ),
    claimRefund: (tenantId, id, claim) =>
      payments.findOneAndUpdate(
        { tenantId, _id: id, status: "succeeded", refundClaim: { $exists: false } },
        { $set: { refundClaim: claim, updatedAt: new Date() } },
      ),
    releaseRefundClaim: (tenantId, id) =>
      payments.findOneAndUpdate(
        { tenantId, _id: id, status: "succeeded", refundClaim: { $exists: true } },
        { $unset: { refundClaim: "" }, $set: { updatedAt: new Date() } },
      ),
    listRefundClaims: (before, limit) =>
      payments.find(
        { status: "succeeded", "refundClaim.at": { $lt: before } },
        { sort: { "refundClaim.at": 1 }, limit },
      ),
    setFlag: (tenantId, id, flag) =>
      payments.findOneAndUpdate({ tenantId, _id: id }, { $set: { flag, updatedAt: new Date() } }),
  };
}
