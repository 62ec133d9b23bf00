import { describe, expect, it } from "vitest";
import type { Payment, PaymentAttempt } from "../../../src/domain/payment.js";
import { instanceStatsOf } from "../../../src/payments/routing/instance-stats.js";
import { makePayment } from "../../store/fixtures.js";

const created = new Date("2026-11-20T10:00:00Z");
const settledAfter = (seconds: number) => new Date(created.getTime() + seconds * 1000);
const ok = (instanceId: string): PaymentAttempt => ({ instanceId, plugin: "card", at: created, ok: true });
const refused = (instanceId: string, code: string, providerCode?: string): PaymentAttempt => ({
  instanceId,
  plugin: "card",
  at: created,
  ok: false,
  error: { code, ...(providerCode ? { providerCode } : {}), message: `${instanceId} said no` },
});

/** A payment instance `instanceId` took (its only attempt, unless `attempts` says otherwise). */
const taken = (instanceId: string, overrides: Partial<Payment> = {}) =>
  makePayment({ instanceId, createdAt: created, attempts: [ok(instanceId)], ...overrides });

describe("instanceStatsOf", () => {
  it("counts outcomes, the median time to settle and failure reasons over known payments", () => {
    const payments = [
      taken("pi_a", { status: "succeeded", settledAt: settledAfter(60) }),
      taken("pi_a", { status: "succeeded", settledAt: settledAfter(180) }),
      taken("pi_a", { status: "refunded", settledAt: settledAfter(120) }),
      taken("pi_a", { status: "failed", failure: { code: "1032", reason: "You cancelled the prompt." } }),
      taken("pi_a", { status: "cancelled", failure: { code: "1032", reason: "Cancelled again." } }),
      taken("pi_a", { status: "expired" }),
      taken("pi_a", { status: "pending" }),
      // Refused by pi_a at initiation, then taken (and paid) by pi_b: a failure of pi_a only.
      taken("pi_b", {
        status: "succeeded",
        settledAt: settledAfter(5),
        attempts: [refused("pi_a", "unavailable", "503"), ok("pi_b")],
      }),
      taken("pi_b", { status: "pending", attempts: [refused("pi_a", "timeout"), ok("pi_b")] }),
    ];
    expect(instanceStatsOf("pi_a", payments)).toEqual({
      tried: 9,
      testPayments: 0,
      succeeded: 3,
      failed: 5,
      open: 1,
      successRate: 3 / 8,
      medianSettleMs: 120_000,
      failureReasons: [
        { stage: "payment", code: "1032", count: 2, example: "You cancelled the prompt." },
        { stage: "initiate", code: "503", count: 1, example: "pi_a said no" },
        { stage: "initiate", code: "timeout", count: 1, example: "pi_a said no" },
        { stage: "payment", code: "expired", count: 1 },
      ],
    });
  });

  it("leaves test-mode payments out of every figure, counting them apart", () => {
    const payments = [
      taken("pi_a", { status: "succeeded", settledAt: settledAfter(60) }),
      taken("pi_a", { status: "succeeded", settledAt: settledAfter(600), testMode: true }),
      taken("pi_a", { status: "failed", failure: { code: "1032", reason: "Cancelled." }, testMode: true }),
    ];
    expect(instanceStatsOf("pi_a", payments)).toEqual({
      tried: 1,
      testPayments: 2,
      succeeded: 1,
      failed: 0,
      open: 0,
      successRate: 1,
      medianSettleMs: 60_000,
      failureReasons: [],
    });
  });

  it("takes the mean of the middle two settle times for an even count", () => {
    const payments = [10, 40, 20, 30].map((seconds) =>
      taken("pi_a", { status: "succeeded", settledAt: settledAfter(seconds) }),
    );
    expect(instanceStatsOf("pi_a", payments)).toMatchObject({ medianSettleMs: 25_000, successRate: 1 });
  });

  it("has no rate and no median before anything was decided", () => {
    expect(instanceStatsOf("pi_a", [])).toEqual({
      tried: 0,
      testPayments: 0,
      succeeded: 0,
      failed: 0,
      open: 0,
      successRate: null,
      medianSettleMs: null,
      failureReasons: [],
    });
    expect(instanceStatsOf("pi_a", [taken("pi_a", { status: "awaiting_proof" })])).toMatchObject({
      open: 1,
      successRate: null,
      medianSettleMs: null,
    });
  });
});
