import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Payment } from "../../src/domain/payment.js";
import {
  accountReference,
  coverage,
  msisdnMatches,
  pastedCodeClaim,
  receivedPaymentOf,
  TILL_MATCH_WINDOW_MS,
  tillMatch,
} from "../../src/domain/received-payment.js";

const kes = (shillings: number) => ({ amount: shillings * 100, currency: "KES" });
const PHONE = "254712345126";
const T0 = Date.parse("2026-12-03T07:00:00Z");

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    _id: `pay_${Math.random()}`,
    tenantId: "t1",
    orderId: "ord_1",
    orderRef: "DK-4ZTE5",
    method: "paybill",
    provider: "mpesa-c2b",
    amount: kes(100),
    status: "pending",
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    payerPhone: PHONE,
    ...overrides,
  };
}

describe("accountReference", () => {
  it.each(["DK-4ZTE5", "dk-4zte5", " dk 4zte5 ", "DK4ZTE5", "4zte5"])("reads %j as DK-4ZTE5", (typed) => {
    expect(accountReference(typed)).toBe("DK-4ZTE5");
  });
  it.each([undefined, "", "DK-4ZTE", "invoice 12", "DK-4ZTE55"])("finds no order in %j", (typed) => {
    expect(accountReference(typed)).toBeNull();
  });
});

describe("receivedPaymentOf", () => {
  const origin = { tenantId: "t1", provider: "mpesa-c2b", instanceId: "pi_1", receivedAt: new Date(T0) };
  const money = { transId: "UL3XDEMO7Q", amount: kes(60), paidAt: new Date(T0 - 1000) };

  it("keeps an orphan under an id of the instance and transaction, whoever reports it", () => {
    const fromStatus = receivedPaymentOf(origin, money);
    const fromConfirmation = receivedPaymentOf(
      { ...origin, receivedAt: new Date(T0 + 60_000) },
      { ...money, account: "DK-4ZTE5", msisdn: "2547 ***** 126", payerName: "WANJIKU" },
    );
    expect(fromStatus).toEqual({ ...origin, ...money, _id: fromStatus._id, status: "orphan" });
    expect(fromConfirmation).toMatchObject({
      account: "DK-4ZTE5",
      msisdn: "2547 ***** 126",
      payerName: "WANJIKU",
    });
    expect(fromConfirmation._id).toBe(fromStatus._id);
    expect(receivedPaymentOf({ ...origin, instanceId: "pi_2" }, money)._id).not.toBe(fromStatus._id);
  });
});

describe("pastedCodeClaim", () => {
  it("lets a pasted code claim an orphan, or money already on the same order, never another order's", () => {
    expect(pastedCodeClaim({ status: "orphan" }, "DK-4ZTE5")).toBe("orphan");
    expect(pastedCodeClaim({ status: "matched", orderRef: "DK-4ZTE5" }, "DK-4ZTE5")).toBe("this_order");
    expect(pastedCodeClaim({ status: "matched", orderRef: "DK-7F3K2" }, "DK-4ZTE5")).toBe("other_order");
  });
});

describe("coverage", () => {
  it("says what is missing, exact, or how much too much", () => {
    expect(coverage(kes(100), [kes(40)])).toEqual({ kind: "short", paid: kes(40), missing: kes(60) });
    expect(coverage(kes(100), [kes(40), kes(60)])).toEqual({ kind: "exact", paid: kes(100) });
    expect(coverage(kes(100), [kes(130)])).toEqual({ kind: "over", paid: kes(130), extra: kes(30) });
    expect(coverage(kes(100), [])).toEqual({ kind: "short", paid: kes(0), missing: kes(100) });
  });
});

describe("msisdnMatches", () => {
  it("compares a full, a masked (v2) and a hashed (v1) number", () => {
    expect(msisdnMatches(PHONE, PHONE)).toBe(true);
    expect(msisdnMatches("2547 ***** 126", PHONE)).toBe(true);
    expect(msisdnMatches("2547 ***** 127", PHONE)).toBe(false);
    expect(msisdnMatches("2541 ***** 126", PHONE)).toBe(false);
    const hash = createHash("sha256").update(PHONE).digest("hex");
    expect(msisdnMatches(hash, PHONE)).toBe(true);
    expect(msisdnMatches(hash.toUpperCase(), PHONE)).toBe(true);
    expect(msisdnMatches(hash, "254712345127")).toBe(false);
  });
  it("never matches on too few visible digits or nothing", () => {
    expect(msisdnMatches("25 ******* 6", PHONE)).toBe(false);
    expect(msisdnMatches(undefined, PHONE)).toBe(false);
    expect(msisdnMatches(PHONE, undefined)).toBe(false);
  });
});

describe("tillMatch", () => {
  const paid = (
    overrides: Partial<{ amount: ReturnType<typeof kes>; msisdn: string; paidAt: Date }> = {},
  ) => ({
    amount: kes(100),
    msisdn: "2547 ***** 126",
    paidAt: new Date(T0 + 60_000),
    ...overrides,
  });

  it("matches the one open payment with the same amount and payer", () => {
    const mine = payment();
    const others = [
      payment({ amount: kes(101) }),
      payment({ payerPhone: "254799999999" }),
      payment({ status: "succeeded" }),
    ];
    expect(tillMatch(paid(), [...others, mine])).toBe(mine);
    // An expired payment still matches: the shopper's money moved.
    const expired = payment({ status: "expired" });
    expect(tillMatch(paid(), [expired])).toBe(expired);
  });

  it("matches nothing when ambiguous, too old or placed after the payment", () => {
    expect(tillMatch(paid(), [payment(), payment()])).toBeUndefined();
    expect(tillMatch(paid({ paidAt: new Date(T0 + TILL_MATCH_WINDOW_MS + 1) }), [payment()])).toBeUndefined();
    expect(tillMatch(paid(), [payment({ createdAt: new Date(T0 + 3_600_000) })])).toBeUndefined();
    expect(tillMatch(paid({ amount: kes(40) }), [payment()])).toBeUndefined();
  });
});
