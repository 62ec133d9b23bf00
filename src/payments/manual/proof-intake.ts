import { createHash } from "node:crypto";
import { type ChannelMap, type InboundMedia, MediaTooLargeError } from "../../domain/channel.js";
import type { ResultEvent } from "../../domain/conversation.js";
import { deterministicId } from "../../domain/ids.js";
import type { MpesaSms } from "../../domain/mpesa-sms.js";
import type { ChatAddress, Order } from "../../domain/order.js";
import type { Payment } from "../../domain/payment.js";
import type { Proof } from "../../domain/proof.js";
import { type CodeCheck, smsProofFlags } from "../../domain/sms-proof.js";
import { recordAudit } from "../../store/audit-log.js";
import type { Store } from "../../store/types.js";
import { PaymentMethodUnavailableError, type PaymentService } from "../payment-service.js";
import type { ManualPaymentNotifier } from "./notifications.js";
import { inspectReceipt } from "./receipt.js";

export interface ProofIntakeOptions {
  readonly store: Store;
  readonly channels: ChannelMap;
  readonly notifier: ManualPaymentNotifier;
  /** Largest receipt accepted, in bytes. */
  readonly maxBytes: number;
  readonly scheduleReminder: (tenantId: string, proofId: string) => Promise<void>;
  /** Starts a transfer for an order paid another way until now, when the shopper pastes an M-Pesa SMS. */
  readonly payments: Pick<PaymentService, "start">;
  /**
   * Checks a pasted SMS's code against the money the shop's Paybills and Tills received before the
   * merchant is asked (src/payments/pasted-codes.ts): `wants` says whether it can; `schedule`
   * queues the check, which settles the order or calls `handOver`. Absent: every SMS goes to the merchant.
   */
  readonly pastedCodes?: {
    wants(tenantId: string, sms: MpesaSms): Promise<boolean>;
    schedule(tenantId: string, proofId: string): Promise<void>;
  };
}

export interface ProofSubmission {
  readonly tenantId: string;
  readonly from: ChatAddress;
  readonly orderRef: string;
  readonly media: InboundMedia;
  /** Idempotency key of the shopper's message: a redelivered message stores one proof. */
  readonly key: string;
}

/** A pasted M-Pesa SMS: what the shopper said, read by `parseMpesaSms`. */
export interface SmsProofSubmission extends Omit<ProofSubmission, "media"> {
  readonly sms: MpesaSms;
}

const RECEIVABLE: ReadonlySet<Payment["status"]> = new Set(["awaiting_proof", "rejected", "under_review"]);
/** More earlier uses of one code than this tell the merchant nothing more. */
const CODE_USES_READ = 20;

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
    await create(proof);
    return null;
  }

  /** The sender's order, still waiting for its payment; or why a receipt is not wanted. */
  async function openOrder(submission: Omit<ProofSubmission, "media">): Promise<Order | ResultEvent> {
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
    return order;
  }

  async function receivablePayment(order: Order): Promise<Payment | null> {
    const payment = order.paymentId ? await store.payments.findById(order.tenantId, order.paymentId) : null;
    return payment?.method === "manual" && RECEIVABLE.has(payment.status) ? payment : null;
  }

  /**
   * The order's transfer awaiting a receipt; one is started when the order was being paid another
   * way (the shopper paid by Paybill or Till after a failed prompt and pasted the SMS).
   */
  async function transferFor(order: Order, key: string): Promise<Payment | string> {
    const current = await receivablePayment(order);
    if (current) return current;
    try {
      const { payment } = await options.payments.start(order, "manual", { attemptKey: key, payer: {} });
      return payment;
    } catch (error) {
      if (error instanceof PaymentMethodUnavailableError) {
        return `This shop does not take transfers right now, so the M-Pesa message cannot pay ${order.ref}.`;
      }
      throw error;
    }
  }

  /** The stored proof goes to review: the payment waits for the merchant, who is told. */
  async function accept(order: Order, payment: Payment, proofId: string): Promise<void> {
    const { tenantId, ref: orderRef } = order;
    if (payment.status !== "under_review") {
      await store.payments.transition(tenantId, payment._id, "under_review");
    }
    const proof = (await store.proofs.findById(tenantId, proofId))!;
    const detail = {
      ...(proof.reusedFromOrderRef ? { reusedFromOrderRef: proof.reusedFromOrderRef } : {}),
      ...(proof.transactionCode ? { transactionCode: proof.transactionCode } : {}),
      ...(proof.flags?.length ? { flags: proof.flags.join(",") } : {}),
    };
    await recordAudit(store, {
      _id: deterministicId("aud", proofId, "submitted"),
      tenantId,
      at: proof.submittedAt,
      actor: `${proof.submittedBy.channel}:${proof.submittedBy.chatId}`,
      action: "proof.submitted",
      orderRef,
      subjectId: proofId,
      ...(Object.keys(detail).length > 0 ? { detail } : {}),
    });
    await notifier.proofSubmitted(order, proof);
    await options.scheduleReminder(tenantId, proofId);
  }

  /**
   * Flags a stored SMS proof, from a fresh read of the code's uses: of two shoppers pasting one
   * code at the same moment, at least the later reader sees the other's proof.
   */
  async function flagSms(
    order: Order,
    proofId: string,
    sms: MpesaSms,
    after?: { checked?: CodeCheck; paymentId: string },
  ): Promise<void> {
    const uses = await store.proofs.listByTransactionCode(order.tenantId, sms.code, CODE_USES_READ);
    const others = uses.filter((use) => use._id !== proofId);
    await store.proofs.setFlags(order.tenantId, proofId, {
      ...smsProofFlags(sms, order, others, after?.checked),
      ...(after ? { paymentId: after.paymentId } : {}),
    });
  }

  function smsProof(submission: SmsProofSubmission, order: Order, paymentId: string, proofId: string): Proof {
    const { sms, from } = submission;
    return {
      _id: proofId,
      tenantId: submission.tenantId,
      paymentId,
      orderId: order._id,
      orderRef: order.ref,
      sha256: createHash("sha256").update(sms.code).digest("hex"),
      sms,
      transactionCode: sms.code,
      submittedBy: { channel: from.channel, chatId: from.chatId },
      submittedAt: new Date(),
      status: "pending",
    };
  }

  async function create(proof: Proof): Promise<void> {
    await store.proofs.create(proof).catch(async (error: unknown) => {
      if (!(await store.proofs.findById(proof.tenantId, proof._id))) throw error;
    });
  }

  return {
    async submit(submission: ProofSubmission): Promise<ResultEvent> {
      const { tenantId, orderRef } = submission;
      const order = await openOrder(submission);
      if ("kind" in order) return order;
      const payment = await receivablePayment(order);
      if (!payment) return refused(orderRef, `Order ${orderRef} is not waiting for a transfer receipt.`);
      const proofId = deterministicId("prf", tenantId, submission.key);
      if (!(await store.proofs.findById(tenantId, proofId))) {
        const problem = await storeProof(submission, order, payment, proofId);
        if (problem) return refused(orderRef, problem);
      }
      await accept(order, payment, proofId);
      return { kind: "proof_received", orderRef };
    },

    /**
     * A pasted M-Pesa SMS as the receipt, flagged for what the merchant should check. The same
     * code pasted again on the same order while it waits for review changes nothing.
     */
    async submitSms(submission: SmsProofSubmission): Promise<ResultEvent> {
      const { tenantId, orderRef, sms } = submission;
      const order = await openOrder(submission);
      if ("kind" in order) return order;
      const proofId = deterministicId("prf", tenantId, submission.key);
      const earlier = await store.proofs.listByTransactionCode(tenantId, sms.code, CODE_USES_READ);
      const waiting = earlier.find(
        (use) => use.orderId === order._id && use.status === "pending" && use._id !== proofId,
      );
      if (waiting) return { kind: "proof_received", orderRef };
      const { pastedCodes } = options;
      if (order.paymentId && (await pastedCodes?.wants(tenantId, sms))) {
        // Held for M-Pesa's word, on the payment the order has now: the check runs after this
        // turn (settling tells the shopper in this same conversation) and may need no merchant.
        if (!(await store.proofs.findById(tenantId, proofId))) {
          await create(smsProof(submission, order, order.paymentId, proofId));
        }
        await flagSms(order, proofId, sms);
        await pastedCodes?.schedule(tenantId, proofId);
        return { kind: "proof_received", orderRef, checking: true };
      }
      const payment = await transferFor(order, submission.key);
      if (typeof payment === "string") return refused(orderRef, payment);
      if (!(await store.proofs.findById(tenantId, proofId))) {
        await create(smsProof(submission, order, payment._id, proofId));
      }
      await flagSms(order, proofId, sms);
      await accept(order, payment, proofId);
      return { kind: "proof_received", orderRef };
    },

    /**
     * A pasted SMS held for M-Pesa's word goes on to the merchant like any (on a transfer started
     * for it when the order was paid another way), flagged with what M-Pesa said. The shopper,
     * told at first that M-Pesa is being asked, hears that the merchant checks it now, or why
     * nobody can when the shop takes no transfers.
     */
    async handOver(tenantId: string, proofId: string, checked?: CodeCheck): Promise<void> {
      const proof = await store.proofs.findById(tenantId, proofId);
      if (proof?.status !== "pending" || !proof.sms) return;
      const order = await store.orders.findById(tenantId, proof.orderId);
      if (order?.status !== "awaiting_payment") return;
      const payment = await transferFor(order, proofId);
      if (typeof payment === "string") {
        const reason = payment;
        await store.proofs.review(tenantId, proofId, "rejected", {
          reviewedBy: "duka",
          reviewedAt: new Date(),
          reason,
        });
        await notifier.tellShopper(order, refused(order.ref, reason), `refused:${proofId}`);
        return;
      }
      await flagSms(order, proofId, proof.sms, { ...(checked ? { checked } : {}), paymentId: payment._id });
      await accept(order, payment, proofId);
      await notifier.tellShopper(order, { kind: "proof_received", orderRef: order.ref }, `handed:${proofId}`);
    },
  };
}

export type ProofIntake = ReturnType<typeof createProofIntake>;
