/**
 * Money a shopper sent to a Paybill or Till by themselves (M-Pesa C2B): nobody asked the provider
 * for it, so it must be matched to an order. The rules here are pure; the settle job applies them.
 */
import { createHash } from "node:crypto";
import { deterministicId } from "./ids.js";
import { type Money, money, sum } from "./money.js";
import type { Payment } from "./payment.js";
import { parseOrderReference } from "./reference.js";

/**
 * One confirmation, kept whether or not it matched: an `orphan` waits for the merchant to attach
 * it to an order, so money is never lost. Unique per instance and provider transaction id.
 */
export interface ReceivedPayment {
  readonly _id: string;
  readonly tenantId: string;
  /** Plugin name. */
  readonly provider: string;
  readonly instanceId: string;
  /** The provider's transaction id (M-Pesa TransID), which the payer's SMS shows too. */
  readonly transId: string;
  readonly amount: Money;
  readonly paidAt: Date;
  readonly receivedAt: Date;
  /** What the payer typed as the account number (Paybill only). */
  readonly account?: string;
  /** The payer's number as the provider shows it: plain, masked (`2547 ***** 126`) or hashed. */
  readonly msisdn?: string;
  readonly payerName?: string;
  readonly status: "orphan" | "matched";
  readonly paymentId?: string;
  readonly orderRef?: string;
  /**
   * How it was matched: the account number, amount and phone (Till), by the merchant, or by the
   * transaction code the shopper pasted from M-Pesa's SMS.
   */
  readonly matchedBy?: "account" | "phone" | "merchant" | "code";
  readonly matchedAt?: Date;
  /** Who attached it, when a person did. */
  readonly attachedBy?: string;
}

/** Where a report of money received came from: the instance that received it, and when we heard. */
export interface ReceivedOrigin {
  readonly tenantId: string;
  readonly provider: string;
  readonly instanceId: string;
  readonly receivedAt: Date;
}

/**
 * The record kept of money a provider reports, still an orphan: its id is the instance's and the
 * transaction's, so a confirmation and a status query reporting one payment make one record.
 */
export function receivedPaymentOf(
  origin: ReceivedOrigin,
  money: Pick<ReceivedPayment, "transId" | "amount" | "paidAt" | "account" | "msisdn" | "payerName">,
): ReceivedPayment {
  return {
    _id: deterministicId("rcv", origin.instanceId, money.transId),
    tenantId: origin.tenantId,
    provider: origin.provider,
    instanceId: origin.instanceId,
    transId: money.transId,
    amount: money.amount,
    paidAt: money.paidAt,
    receivedAt: origin.receivedAt,
    ...(money.account === undefined ? {} : { account: money.account }),
    ...(money.msisdn === undefined ? {} : { msisdn: money.msisdn }),
    ...(money.payerName === undefined ? {} : { payerName: money.payerName }),
    status: "orphan",
  };
}

/** How far back a Till payment may match an order placed before it (Till has no account field). */
export const TILL_MATCH_WINDOW_MS = 6 * 60 * 60 * 1000;
/** Daraja's clock and ours may disagree a little: a payment "before" the order by this much still matches. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** The order reference the payer meant with the account number they typed, case and spaces aside. */
export function accountReference(account: string | undefined): string | null {
  return account === undefined ? null : parseOrderReference(account);
}

/**
 * What a shopper pasting the code of money received can do with it for their order: claim an
 * `orphan`, see money already matched to `this_order` settle, or nothing when it paid `other_order`
 * (one payment never pays two orders).
 */
export function pastedCodeClaim(
  received: Pick<ReceivedPayment, "status" | "orderRef">,
  orderRef: string,
): "orphan" | "this_order" | "other_order" {
  if (received.status === "orphan") return "orphan";
  return received.orderRef === orderRef ? "this_order" : "other_order";
}

export type Coverage =
  | { readonly kind: "short"; readonly paid: Money; readonly missing: Money }
  | { readonly kind: "exact"; readonly paid: Money }
  | { readonly kind: "over"; readonly paid: Money; readonly extra: Money };

/** What the payments received for an order add up to, against what it costs. */
export function coverage(due: Money, received: readonly Money[]): Coverage {
  const paid = sum(received, due.currency);
  if (paid.amount < due.amount)
    return { kind: "short", paid, missing: money(due.amount - paid.amount, due.currency) };
  if (paid.amount > due.amount)
    return { kind: "over", paid, extra: money(paid.amount - due.amount, due.currency) };
  return { kind: "exact", paid };
}

/**
 * Whether the number a provider reported is `phone` (2547…): given in full, masked with `*`
 * (Daraja v2: the visible digits must agree) or as its SHA-256 in hex (Daraja v1).
 */
export function msisdnMatches(reported: string | undefined, phone: string | undefined): boolean {
  if (!reported || !phone) return false;
  const compact = reported.replace(/\s/g, "");
  if (/^[0-9a-f]{64}$/i.test(compact)) {
    return createHash("sha256").update(phone, "utf8").digest("hex") === compact.toLowerCase();
  }
  const masked = /^(\d*)\*+(\d*)$/.exec(compact);
  if (masked) {
    const [, head = "", tail = ""] = masked;
    // Too few digits shown to tell people apart: no match rather than a guess.
    return head.length + tail.length >= 6 && phone.startsWith(head) && phone.endsWith(tail);
  }
  return compact === phone;
}

/**
 * The one open payment a Till payment is for: same amount still due, same payer, placed in the
 * window before it was paid. Several candidates are ambiguous: none is chosen, the merchant decides.
 */
export function tillMatch(
  received: Pick<ReceivedPayment, "amount" | "msisdn" | "paidAt">,
  open: readonly Payment[],
): Payment | undefined {
  const paidAt = received.paidAt.getTime();
  const fits = open.filter(
    (payment) =>
      (payment.status === "pending" || payment.status === "expired") &&
      payment.amount.currency === received.amount.currency &&
      payment.amount.amount === received.amount.amount &&
      msisdnMatches(received.msisdn, payment.payerPhone) &&
      payment.createdAt.getTime() <= paidAt + CLOCK_SKEW_MS &&
      paidAt - payment.createdAt.getTime() <= TILL_MATCH_WINDOW_MS,
  );
  return fits.length === 1 ? fits[0] : undefined;
}
