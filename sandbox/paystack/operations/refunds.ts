import type { EmulatorContext } from "../context.js";
import { invalidParam, missingParam, PaystackApiError } from "../errors.js";
import { newRefundReference, newTransferReference } from "../ids.js";
import { refundEventData } from "../serialize.js";
import type { AccountState } from "../state/accounts.js";
import type { RefundState } from "../state/records.js";
import { formatAmount, isAbsent, parseSubunits } from "./amount.js";

const DAY_MS = 24 * 60 * 60 * 1000;

function optionalNote(value: unknown, name: string): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === "string") return value;
  throw invalidParam(`Invalid ${name}`, `Send ${name} as a string`);
}

/**
 * `POST /refund`: only a successful transaction of this account can be refunded, for at most what
 * is left (the original amount minus refunds that have not failed). The refund starts "pending" and
 * `refund.pending` is sent; `processRefunds` moves it on.
 */
export function createRefund(
  ctx: EmulatorContext,
  account: AccountState,
  body: Record<string, unknown>,
): RefundState {
  const key = body.transaction;
  if (isAbsent(key)) throw missingParam("Transaction reference or id is required");
  const transaction =
    typeof key === "string" || typeof key === "number"
      ? ctx.transactions.byReferenceOrId(account, key)
      : undefined;
  if (transaction === undefined) {
    throw new PaystackApiError(400, "Transaction not found", {
      type: "validation_error",
      code: "invalid_params",
      nextStep: "Send the reference or id of a transaction on this integration",
    });
  }
  if (transaction.status !== "success" && transaction.status !== "reversed") {
    throw new PaystackApiError(
      400,
      `Cannot refund a transaction that has not been paid (status: ${transaction.status})`,
      {
        type: "validation_error",
        code: "invalid_params",
        nextStep: "Only successful transactions can be refunded",
      },
    );
  }
  const remaining = transaction.amount - ctx.refunds.claimed(transaction);
  if (remaining <= 0) {
    throw new PaystackApiError(400, "Transaction has been fully refunded", {
      type: "validation_error",
      code: "invalid_params",
      nextStep: "Nothing is left to refund on this transaction",
    });
  }
  let amount = remaining;
  if (!isAbsent(body.amount)) {
    const parsed = parseSubunits(body.amount);
    if (parsed === undefined) {
      throw invalidParam("Invalid Amount Sent", "Send the refund amount as a positive integer in subunits");
    }
    if (parsed > remaining) {
      throw invalidParam(
        `Refund amount cannot be more than what is left to refund (${formatAmount(remaining, transaction.currency)})`,
        `Send an amount of at most ${remaining}`,
      );
    }
    amount = parsed;
  }
  if (!isAbsent(body.currency)) {
    const currency = typeof body.currency === "string" ? body.currency.trim().toUpperCase() : "";
    if (currency !== transaction.currency) {
      throw invalidParam(
        `Currency does not match the transaction's currency (${transaction.currency})`,
        `Send currency ${transaction.currency} or leave it out`,
      );
    }
  }
  const customerNote =
    optionalNote(body.customer_note, "customer_note") ?? `Refund for transaction ${transaction.reference}`;
  const merchantNote =
    optionalNote(body.merchant_note, "merchant_note") ??
    `Refund for transaction ${transaction.reference} by ${account.email}`;
  const now = ctx.now();
  const refund = ctx.refunds.create({
    transaction,
    amount,
    currency: transaction.currency,
    customerNote,
    merchantNote,
    createdAt: now,
    expectedAt: now + 7 * DAY_MS,
    status: "pending",
    refundReference: null,
    updatedAt: now,
    refundedAt: undefined,
  });
  ctx.refundChanged(refund);
  ctx.transactionChanged(transaction);
  ctx.emitEvent(account, { event: "refund.pending", data: refundEventData(refund) });
  return refund;
}

/**
 * Moves pending refunds (all, or those with the given ids) to their end state: "processed", or
 * "failed"/"needs-attention" for charges made with the refund test cards. Sends `refund.<status>`;
 * a transaction whose processed refunds cover its amount becomes "reversed".
 */
export function processRefunds(ctx: EmulatorContext, ids?: readonly number[]): RefundState[] {
  const pending = ctx.refunds.all.filter(
    (refund) => refund.status === "pending" && (ids === undefined || ids.includes(refund.id)),
  );
  for (const refund of pending) {
    const now = ctx.now();
    const transaction = refund.transaction;
    const behaviour = transaction.authorization?.behaviour;
    if (behaviour === "refund-fails") {
      refund.status = "failed";
      refund.refundReference = newTransferReference();
    } else if (behaviour === "refund-needs-attention") {
      refund.status = "needs-attention";
      refund.refundReference = newTransferReference();
    } else {
      refund.status = "processed";
      refund.refundReference = newRefundReference();
      refund.refundedAt = now;
    }
    refund.updatedAt = now;
    ctx.refundChanged(refund);
    if (transaction.status === "success" && ctx.refunds.processed(transaction) >= transaction.amount) {
      transaction.status = "reversed";
    }
    ctx.transactionChanged(transaction);
    ctx.emitEvent(transaction.account, { event: `refund.${refund.status}`, data: refundEventData(refund) });
  }
  return pending;
}
