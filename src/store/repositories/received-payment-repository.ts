import { DuplicateKeyError } from "../../domain/errors.js";
import type { ReceivedPayment } from "../../domain/received-payment.js";
import type { Collection, ReceivedPaymentRepository } from "../types.js";

export function createReceivedPaymentRepository(
  received: Collection<ReceivedPayment>,
): ReceivedPaymentRepository {
  return {
    async record(payment) {
      try {
        await received.insertOne(payment);
        return { recorded: true, received: payment };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
        const stored = await received.findOne({ instanceId: payment.instanceId, transId: payment.transId });
        return { recorded: false, received: stored ?? payment };
      }
    },
    findById: (tenantId, id) => received.findOne({ tenantId, _id: id }),
    findByTransId: (tenantId, transId) => received.findOne({ tenantId, transId }),
    listOrphans: (tenantId, limit) =>
      received.find({ tenantId, status: "orphan" }, { sort: { receivedAt: 1 }, limit }),
    listByPayment: (tenantId, paymentId) =>
      received.find({ tenantId, paymentId }, { sort: { receivedAt: 1 } }),
    // Attached once: a second attach (or a racing match) finds it matched and changes nothing.
    match: (tenantId, id, match) =>
      received.findOneAndUpdate(
        { tenantId, _id: id, status: "orphan" },
        { $set: { status: "matched", ...match } },
      ),
  };
}
