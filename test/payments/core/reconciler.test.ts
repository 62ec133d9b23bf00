/**
 * The reconciler directly: a pending payment is checked after each delay, settled or failed by
 * what the provider says, and expires only at the last check.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReconciler, type ReconcileJob, type Reconciler } from "../../../src/payments/reconciler.js";
import { createSettlement } from "../../../src/payments/settlement.js";
import { type Core, logger, openCore, type ProviderScript, recordingNotifier } from "./harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let reconciler: Reconciler;
let scheduled: { job: ReconcileJob; delayMs: number; jobId: string }[];
let instanceId: string;
let script: ProviderScript;

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  scheduled = [];
  const settlement = createSettlement({ store: core.store, notifier: notes.notifier, logger });
  reconciler = createReconciler({
    store: core.store,
    registry: core.registry,
    settlement,
    delaysMs: [30_000, 120_000, 600_000],
    schedule: async (job, delayMs, jobId) => void scheduled.push({ job, delayMs, jobId }),
    logger,
  });
  ({ instanceId, script } = await core.instance());
});

afterEach(() => core.close());

const KES = (amount: number) => ({ amount, currency: "KES" });
const check = (paymentId: string, last = false) => reconciler.check({ tenantId: "t1", paymentId, last });
const statusOf = async (paymentId: string) => (await core.store.payments.findById("t1", paymentId))?.status;

describe("schedule", () => {
  it("schedules one check per delay, in order, with stable job ids; only the last expires", async () => {
    const { payment } = await core.purchase(instanceId);
    await reconciler.schedule(payment);
    expect(scheduled).toEqual([
      {
        job: { tenantId: "t1", paymentId: payment._id, last: false },
        delayMs: 30_000,
        jobId: `reconcile-${payment._id}-0`,
      },
      {
        job: { tenantId: "t1", paymentId: payment._id, last: false },
        delayMs: 120_000,
        jobId: `reconcile-${payment._id}-1`,
      },
      {
        job: { tenantId: "t1", paymentId: payment._id, last: true },
        delayMs: 600_000,
        jobId: `reconcile-${payment._id}-2`,
      },
    ]);
  });
});

describe("check", () => {
  it("never asks about, settles or expires a cash on delivery order: only the merchant decides", async () => {
    const { order, payment } = await core.purchase(instanceId, {
      order: { status: "awaiting_delivery" },
      payment: { method: "cash_on_delivery", provider: "cash-on-delivery", status: "awaiting_delivery" },
    });
    // Even a provider that claims success is not asked.
    script.verify = { outcome: "succeeded", amount: KES(90100) };
    await check(payment._id, true);
    expect(script.verifyCalls).toEqual([]);
    expect(await statusOf(payment._id)).toBe("awaiting_delivery");
    expect((await core.store.orders.findById("t1", order._id))?.status).toBe("awaiting_delivery");
    expect(notes.told).toEqual([]);
  });

  it("settles what the provider confirms, with its amount and receipt, as the reconciler", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded", amount: KES(90100), receipt: "RCP" };
    await check(payment._id);
    expect(script.verifyCalls.map((asked) => asked._id)).toEqual([payment._id]);
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
      status: "succeeded",
      receipt: "RCP",
    });
    expect((await core.store.audit.list("t1", {}, 5)).map((entry) => entry.actor)).toEqual(["reconciler"]);
    expect(notes.settled).toHaveLength(1);
  });

  it("settles a confirmation that carries no amount or receipt", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded" };
    await check(payment._id, true);
    const settled = await core.store.payments.findById("t1", payment._id);
    expect(settled?.status).toBe("succeeded");
    expect(settled).not.toHaveProperty("receipt");
  });

  it("flags a confirmed amount that differs, never settles it", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded", amount: KES(5) };
    await check(payment._id, true);
    expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
      status: "pending",
      flag: { reason: "amount_mismatch" },
    });
    expect(notes.settled).toEqual([]);
  });

  it.each(["failed", "cancelled"] as const)(
    "records a %s payment with the provider's reason and code",
    async (outcome) => {
      const { payment } = await core.purchase(instanceId);
      script.verify = { outcome, reason: "Wrong PIN.", providerCode: "2001" };
      await check(payment._id);
      expect(await core.store.payments.findById("t1", payment._id)).toMatchObject({
        status: outcome,
        failure: { reason: "Wrong PIN.", code: "2001" },
      });
    },
  );

  it("gives a failure without a reason the plain one", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "failed" };
    await check(payment._id);
    expect((await core.store.payments.findById("t1", payment._id))?.failure).toEqual({
      reason: "The payment did not go through.",
    });
  });

  it("leaves a still-pending payment alone until the last check, which expires it", async () => {
    const { payment } = await core.purchase(instanceId);
    await check(payment._id);
    expect(await statusOf(payment._id)).toBe("pending");
    expect(notes.told).toEqual([]);
    await check(payment._id, true);
    expect(await statusOf(payment._id)).toBe("expired");
    expect(notes.told.map((note) => note.result.kind)).toEqual(["payment_expired"]);
    expect(script.verifyCalls).toHaveLength(2);
  });

  it.each(["not_handled"] as const)("treats an answer of %s like pending", async (outcome) => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome };
    await check(payment._id);
    expect(await statusOf(payment._id)).toBe("pending");
    await check(payment._id, true);
    expect(await statusOf(payment._id)).toBe("expired");
  });

  it("expires at the last check a payment without a provider instance, asking nobody", async () => {
    const { payment: orphan } = await core.purchase("pi_removed");
    const { payment: manual } = await core.purchase(instanceId, { payment: { instanceId: undefined } });
    await check(orphan._id);
    await check(manual._id);
    expect([await statusOf(orphan._id), await statusOf(manual._id)]).toEqual(["pending", "pending"]);
    await check(orphan._id, true);
    await check(manual._id, true);
    expect([await statusOf(orphan._id), await statusOf(manual._id)]).toEqual(["expired", "expired"]);
    expect(script.verifyCalls).toEqual([]);
  });

  it("asks nothing about a payment that is no longer pending, or unknown", async () => {
    const { payment } = await core.purchase(instanceId, { payment: { status: "succeeded" } });
    script.verify = { outcome: "failed" };
    await check(payment._id, true);
    await check("pay_unknown", true);
    expect(script.verifyCalls).toEqual([]);
    expect(await statusOf(payment._id)).toBe("succeeded");
  });
});
