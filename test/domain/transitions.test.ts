import { describe, expect, it } from "vitest";
import { ORDER_TRANSITIONS, type OrderStatus } from "../../src/domain/order.js";
import { PAYMENT_TRANSITIONS, type PaymentStatus } from "../../src/domain/payment.js";
import { canTransition, sourcesOf, type TransitionTable } from "../../src/domain/transitions.js";

function pairs<S extends string>(table: TransitionTable<S>): [S, S][] {
  return (Object.keys(table) as S[]).flatMap((from) => table[from].map((to): [S, S] => [from, to]));
}

function forbiddenPairs<S extends string>(table: TransitionTable<S>): [S, S][] {
  const statuses = Object.keys(table) as S[];
  return statuses.flatMap((from) =>
    statuses.filter((to) => !table[from].includes(to)).map((to): [S, S] => [from, to]),
  );
}

describe("ORDER_TRANSITIONS", () => {
  it("lists exactly the DESIGN §3 moves, plus cash on delivery, plus refunds", () => {
    expect(pairs(ORDER_TRANSITIONS).sort()).toEqual(
      [
        ["awaiting_payment", "awaiting_delivery"],
        ["awaiting_delivery", "paid"],
        ["awaiting_delivery", "cancelled"],
        ["awaiting_payment", "paid"],
        ["awaiting_payment", "cancelled"],
        ["awaiting_payment", "expired"],
        ["expired", "paid"],
        ["paid", "fulfilled"],
        ["paid", "refunded"],
        ["fulfilled", "refunded"],
      ].sort(),
    );
  });

  it.each(pairs(ORDER_TRANSITIONS))("allows %s → %s", (from, to) => {
    expect(canTransition(ORDER_TRANSITIONS, from, to)).toBe(true);
  });

  it.each<[OrderStatus, OrderStatus]>([
    ["paid", "awaiting_payment"],
    ["paid", "cancelled"],
    ["paid", "expired"],
    ["fulfilled", "paid"],
    ["cancelled", "paid"],
    ["cancelled", "awaiting_payment"],
    ["expired", "awaiting_payment"],
    ["awaiting_payment", "fulfilled"],
    ["paid", "paid"],
    // Delivered goods are paid first: only the merchant's /paid leaves awaiting_delivery for paid.
    ["awaiting_delivery", "fulfilled"],
    ["awaiting_delivery", "expired"],
    ["awaiting_delivery", "awaiting_payment"],
    ["paid", "awaiting_delivery"],
  ])("forbids %s → %s", (from, to) => {
    expect(canTransition(ORDER_TRANSITIONS, from, to)).toBe(false);
  });

  it("forbids every pair it does not list", () => {
    for (const [from, to] of forbiddenPairs(ORDER_TRANSITIONS)) {
      expect(canTransition(ORDER_TRANSITIONS, from, to), `${from} → ${to}`).toBe(false);
    }
  });

  it.each<[OrderStatus, OrderStatus[]]>([
    ["paid", ["awaiting_payment", "awaiting_delivery", "expired"]],
    ["fulfilled", ["paid"]],
    ["cancelled", ["awaiting_payment", "awaiting_delivery"]],
    ["awaiting_delivery", ["awaiting_payment"]],
    ["expired", ["awaiting_payment"]],
    ["awaiting_payment", []],
  ])("sourcesOf(%s) is %j", (to, sources) => {
    expect(sourcesOf(ORDER_TRANSITIONS, to).sort()).toEqual(sources.sort());
  });
});

describe("PAYMENT_TRANSITIONS", () => {
  it.each(pairs(PAYMENT_TRANSITIONS))("allows %s → %s", (from, to) => {
    expect(canTransition(PAYMENT_TRANSITIONS, from, to)).toBe(true);
  });

  it("lists exactly the DESIGN §3 moves, plus a new receipt after a rejection, cash on delivery, refunds", () => {
    expect(pairs(PAYMENT_TRANSITIONS).sort()).toEqual(
      [
        ["pending", "succeeded"],
        ["pending", "failed"],
        ["pending", "cancelled"],
        ["pending", "expired"],
        ["expired", "succeeded"],
        ["failed", "succeeded"],
        ["cancelled", "succeeded"],
        ["awaiting_proof", "under_review"],
        ["awaiting_proof", "cancelled"],
        ["awaiting_proof", "expired"],
        ["under_review", "succeeded"],
        ["under_review", "rejected"],
        ["rejected", "under_review"],
        ["rejected", "cancelled"],
        ["rejected", "expired"],
        ["awaiting_delivery", "succeeded"],
        ["awaiting_delivery", "cancelled"],
        ["succeeded", "refunded"],
      ].sort(),
    );
  });

  it.each<[PaymentStatus, PaymentStatus]>([
    ["succeeded", "failed"],
    ["succeeded", "pending"],
    ["succeeded", "rejected"],
    ["failed", "pending"],
    ["cancelled", "expired"],
    ["pending", "under_review"],
    ["awaiting_proof", "succeeded"],
    ["under_review", "awaiting_proof"],
    ["rejected", "succeeded"],
    ["pending", "pending"],
    // Cash on delivery never expires nor fails: it waits for the merchant or a cancel.
    ["awaiting_delivery", "expired"],
    ["awaiting_delivery", "failed"],
    ["pending", "awaiting_delivery"],
  ])("forbids %s → %s", (from, to) => {
    expect(canTransition(PAYMENT_TRANSITIONS, from, to)).toBe(false);
  });

  it("never leaves refunded; money taken only leaves by a refund", () => {
    expect(PAYMENT_TRANSITIONS.refunded).toEqual([]);
    expect(PAYMENT_TRANSITIONS.succeeded).toEqual(["refunded"]);
  });

  it("lets a failed or cancelled payment only become succeeded: money confirmed late is never ignored", () => {
    for (const closed of ["failed", "cancelled"] as const) {
      expect(PAYMENT_TRANSITIONS[closed]).toEqual(["succeeded"]);
    }
  });

  it.each<[PaymentStatus, PaymentStatus[]]>([
    ["succeeded", ["pending", "expired", "under_review", "awaiting_delivery", "failed", "cancelled"]],
    ["under_review", ["awaiting_proof", "rejected"]],
    ["expired", ["pending", "awaiting_proof", "rejected"]],
    ["cancelled", ["pending", "awaiting_proof", "rejected", "awaiting_delivery"]],
    ["rejected", ["under_review"]],
    ["failed", ["pending"]],
    ["pending", []],
    ["awaiting_proof", []],
    ["awaiting_delivery", []],
  ])("sourcesOf(%s) is %j", (to, sources) => {
    expect(sourcesOf(PAYMENT_TRANSITIONS, to).sort()).toEqual(sources.sort());
  });
});

describe("canTransition", () => {
  it("treats a stored status this code no longer knows as having no legal move", () => {
    const stored = "archived" as PaymentStatus;
    expect(canTransition(PAYMENT_TRANSITIONS, stored, "succeeded")).toBe(false);
    expect(canTransition(ORDER_TRANSITIONS, stored as string as OrderStatus, "paid")).toBe(false);
  });
});
