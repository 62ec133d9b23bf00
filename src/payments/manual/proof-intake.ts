import { type ChannelMap, type InboundMedia, MediaTooLargeError } from "../../domain/channel.js";
import type { ResultEvent } from "../../domain/conversation.js";
import { deterministicId } from "../../domain/ids.js";
import type { ChatAddress, Order } from "../../domain/order.js";
import type { Payment } from "../../domain/payment.js";
import type { Proof } from "../../domain/proof.js";
import { recordAudit } from "../../store/audit-log.js";
import type { Store } from "../../store/types.js";
import type { ManualPaymentNotifier } from "./notifications.js";
import { inspectReceipt } from "./receipt.js";

export interface ProofIntakeOptions {
  readonly store: Store;
  readonly channels: ChannelMap;
  readonly notifier: ManualPaymentNotifier;
  /** Largest receipt accepted, in bytes. */
  readonly maxBytes: number;
  readonly scheduleReminder: (tenantId: string, proofId: string) => Promise<void>;
}

export interface ProofSubmission {
  readonly tenantId: string;
  readonly from: ChatAddress;
  readonly orderRef: string;
  readonly media: InboundMedia;
  /** Idempotency key of the shopper's message: a redelivered message stores one proof. */
  readonly key: string;
}

const RECEIVABLE: ReadonlySet<Payment["status"]> = new Set(["awaiting_proof", "rejected", "under_review"]);

function refused(orderRef: string, reason: string): ResultEvent {
  return { kind: "proof_refused", orderRef, reason };
}

function isCustomer(order: Order, chat: ChatAddress): boolean {
  return order.customer.channel === chat.channel && order.customer.chatId === chat.chatId;
}

/**
 * Takes a receipt for a manual payment: checks the order is the sender's and still open,
 * downloads within the size limit, sniffs the type from the bytes, re-encodes photos (no EXIF, no
 * decompression bombs) and parses PDFs, stores what is safe to show, moves the payment
 * to review and tells the merchants. Every step is safe to repeat for the same message.
 */
export function createProofIntake(options: ProofIntakeOptions) {
  const { store, notifier } = options;
  const megabytes = Math.round(options.maxBytes / 1024 / 1024);

  async function storeProof(submission: ProofSubmission, order: Order, payment: Payment, id: string) {
    const { media, from } = submission;
    if (media.size !== undefined && media.size > options.maxBytes) {
      return `That file is too large (the limit is ${megabytes} MB). Please send a photo of the receipt.`;
    }
    const channel = options.channels[from.channel];
    if (!channel) return "I could not read that file here. Please try again.";
    let bytes: Buffer;
    try {
      bytes = (await channel.download(media, options.maxBytes)).bytes;
    } catch (error) {
      if (error instanceof MediaTooLargeError) {
        return `That file is too large (the limit is ${megabytes} MB). Please send a photo of the receipt.`;
      }
      return "I could not download that file. Please send it again.";
    }
    const inspection = await inspectReceipt(bytes);
    if (!inspection.ok) return inspection.reason;
    const mediaId = await store.media.put(submission.tenantId, inspection.bytes, inspection.mimeType);
    const reuse = await store.proofs.findReuse(submission.tenantId, inspection.sha256, order._id);
    const proof: Proof = {
      _id: id,
      tenantId: submission.tenantId,
      paymentId: payment._id,
      orderId: order._id,
      orderRef: order.ref,
      mediaId,
      mimeType: inspection.mimeType,
      size: inspection.bytes.length,
      sha256: inspection.sha256,
      submittedBy: { channel: from.channel, chatId: from.chatId },
      submittedAt: new Date(),
      status: "pending",
      ...(reuse ? { reusedFromOrderRef: reuse.orderRef } : {}),
    };
    await store.proofs.create(proof).catch(async (error: unknown) => {
      if (!(await store.proofs.findById(submission.tenantId, id))) throw error;
    });
    return null;
  }

  return {
    async submit(submission: ProofSubmission): Promise<ResultEvent> {
      const { tenantId, orderRef } = submission;
      const order = await store.orders.findByRef(tenantId, orderRef);
      if (!order || !isCustomer(order, submission.from)) {
        return refused(orderRef, `I can't find order ${orderRef} for you.`);
      }
      if (order.status !== "awaiting_payment") {
        return refused(
          orderRef,
          `Order ${orderRef} is ${order.status.replace("_", " ")}; no receipt is needed.`,
        );
      }
      const payment = order.paymentId ? await store.payments.findById(tenantId, order.paymentId) : null;
      if (payment?.method !== "manual" || !RECEIVABLE.has(payment.status)) {
        return refused(orderRef, `Order ${orderRef} is not waiting for a transfer receipt.`);
      }
      const proofId = deterministicId("prf", tenantId, submission.key);
      if (!(await store.proofs.findById(tenantId, proofId))) {
        const problem = await storeProof(submission, order, payment, proofId);
        if (problem) return refused(orderRef, problem);
      }
      if (payment.status !== "under_review") {
        await store.payments.transition(tenantId, payment._id, "under_review");
      }
      const proof = (await store.proofs.findById(tenantId, proofId))!;
      await recordAudit(store, {
        _id: deterministicId("aud", proofId, "submitted"),
        tenantId,
        at: proof.submittedAt,
        actor: `${submission.from.channel}:${submission.from.chatId}`,
        action: "proof.submitted",
        orderRef,
        subjectId: proofId,
        ...(proof.reusedFromOrderRef ? { detail: { reusedFromOrderRef: proof.reusedFromOrderRef } } : {}),
      });
      await notifier.proofSubmitted(order, proof);
      await options.scheduleReminder(tenantId, proofId);
      return { kind: "proof_received", orderRef };
    },
  };
}

export type ProofIntake = ReturnType<typeof createProofIntake>;
