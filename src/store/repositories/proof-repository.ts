import type { Proof } from "../../domain/proof.js";
import type { Collection, ProofRepository } from "../types.js";

export function createProofRepository(proofs: Collection<Proof>): ProofRepository {
  return {
    create: (proof) => proofs.insertOne(proof),
    findById: (tenantId, id) => proofs.findOne({ tenantId, _id: id }),
    findPendingByOrder: (tenantId, orderId) =>
      proofs.findOne({ tenantId, orderId, status: "pending" }, { sort: { submittedAt: -1 } }),
    listPending: (tenantId, limit) =>
      proofs.find({ tenantId, status: "pending" }, { sort: { submittedAt: 1 }, limit }),
    // The earliest use of the bytes is the one to point the merchant at.
    findReuse: (tenantId, sha256, orderId) =>
      proofs.findOne({ tenantId, sha256, orderId: { $ne: orderId } }, { sort: { submittedAt: 1 } }),
    listByTransactionCode: (tenantId, code, limit) =>
      proofs.find({ tenantId, transactionCode: code }, { sort: { submittedAt: 1 }, limit }),
    setFlags: (tenantId, id, review) =>
      proofs.findOneAndUpdate(
        { tenantId, _id: id, status: "pending" },
        {
          $set: {
            flags: [...review.flags],
            ...(review.reusedFromOrderRef === undefined
              ? {}
              : { reusedFromOrderRef: review.reusedFromOrderRef }),
            ...(review.paymentId === undefined ? {} : { paymentId: review.paymentId }),
          },
        },
      ),
    // A verdict is given once: only a pending proof takes one.
    review: (tenantId, id, to, review) =>
      proofs.findOneAndUpdate(
        { tenantId, _id: id, status: "pending" },
        {
          $set: {
            status: to,
            reviewedBy: review.reviewedBy,
            reviewedAt: review.reviewedAt,
            ...(review.reason === undefined ? {} : { reason: review.reason }),
          },
        },
      ),
  };
}
