/**
 * The admin API's side of A/B routing: an instance's weight (set, validated, removed, audited)
 * and its statistics over a window of real payments.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Payment, PaymentAttempt } from "../../../src/domain/payment.js";
import { makePayment } from "../../store/fixtures.js";
import { type Harness, STATS_NOW, startHarness, TENANT } from "./harness.js";

const manual = (displayName: string, overrides: Record<string, unknown> = {}) => ({
  plugin: "manual",
  displayName,
  config: { instructions: "Pay to Till 123456, then send a photo of the receipt." },
  ...overrides,
});

interface ErrorBody {
  error: { code: string; issues?: { path: string; message: string }[] };
}

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  await h.close();
});

async function create(body: Record<string, unknown>): Promise<{ id: string; weight: number | null }> {
  const response = await h.call("POST", "/providers", { body });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; weight: number | null };
}

describe("admin API: weight", () => {
  it("creates with a weight, shows it, changes it and removes it with null, auditing each change", async () => {
    const split = await create(manual("Bank A", { weight: 80 }));
    expect(split.weight).toBe(80);
    expect((await create(manual("Bank B"))).weight).toBeNull();
    expect(await h.store.providers.findById(split.id)).toMatchObject({ weight: 80 });

    const changed = await h.call("PATCH", `/providers/${split.id}`, { body: { weight: 20 } });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ weight: 20 });
    const removed = await h.call("PATCH", `/providers/${split.id}`, { body: { weight: null } });
    expect(await removed.json()).toMatchObject({ weight: null });
    expect(await h.store.providers.findById(split.id)).not.toHaveProperty("weight");

    const audit = (await h.store.audit.list(TENANT, {}, 100))
      .filter((entry) => entry.subjectId === split.id)
      .reverse();
    expect(audit.map((entry) => [entry.action, entry.detail?.values])).toEqual([
      ["provider.created", expect.objectContaining({ weight: 80 })],
      ["provider.updated", { weight: 20 }],
      ["provider.updated", { weight: null }],
    ]);
    // The registry sees the new weight at once: the change was announced.
    expect(h.feed.published).toEqual([TENANT, TENANT, TENANT, TENANT]);
  });

  it("changes nothing when the weight given is the one stored", async () => {
    const { id } = await create(manual("Bank A", { weight: 50 }));
    const response = await h.call("PATCH", `/providers/${id}`, { body: { weight: 50 } });
    expect(response.status).toBe(200);
    expect(h.feed.published).toEqual([TENANT]);
  });

  it.each<[string, unknown]>([
    ["negative", -1],
    ["fractional", 1.5],
    ["above 10000", 10_001],
    ["a string", "80"],
  ])("refuses a %s weight with 422 at path weight, on create and update", async (_name, weight) => {
    const refusedCreate = await h.call("POST", "/providers", { body: manual("Bank X", { weight }) });
    expect(refusedCreate.status).toBe(422);
    expect(((await refusedCreate.json()) as ErrorBody).error.issues?.map((issue) => issue.path)).toEqual([
      "weight",
    ]);
    const { id } = await create(manual("Bank Y", { weight: 5 }));
    const refusedUpdate = await h.call("PATCH", `/providers/${id}`, { body: { weight } });
    expect(refusedUpdate.status).toBe(422);
    expect(await h.store.providers.findById(id)).toMatchObject({ weight: 5 });
  });

  it("accepts a weight of 0 (no first attempts, still a fallback)", async () => {
    expect((await create(manual("Bank Z", { weight: 0 }))).weight).toBe(0);
  });
});

describe("admin API: instance statistics", () => {
  const daysAgo = (days: number, seconds = 0) =>
    new Date(STATS_NOW.getTime() - days * 86_400_000 + seconds * 1000);
  const attempt = (instanceId: string, ok: boolean, providerCode?: string): PaymentAttempt => ({
    instanceId,
    plugin: "manual",
    at: STATS_NOW,
    ok,
    ...(ok
      ? {}
      : { error: { code: "unavailable", ...(providerCode ? { providerCode } : {}), message: "Down" } }),
  });
  const payment = (overrides: Partial<Payment>) =>
    makePayment({ tenantId: TENANT, method: "manual", provider: "manual", ...overrides });

  it("answers success rate, median time to settle and failure reasons over the last 30 days", async () => {
    const a = (await create(manual("Bank A", { weight: 80 }))).id;
    const b = (await create(manual("Bank B", { weight: 20 }))).id;
    const paid = (createdAt: Date, settleSeconds: number) =>
      payment({
        instanceId: a,
        attempts: [attempt(a, true)],
        status: "succeeded",
        createdAt,
        settledAt: new Date(createdAt.getTime() + settleSeconds * 1000),
      });
    for (const known of [
      paid(daysAgo(1), 30),
      paid(daysAgo(2), 90),
      paid(daysAgo(29), 600),
      payment({
        instanceId: a,
        attempts: [attempt(a, true)],
        status: "rejected",
        createdAt: daysAgo(3),
        failure: { code: "blurry", reason: "The receipt cannot be read." },
      }),
      payment({ instanceId: a, attempts: [attempt(a, true)], status: "under_review", createdAt: daysAgo(1) }),
      // A refused; B took it.
      payment({
        instanceId: b,
        attempts: [attempt(a, false, "503"), attempt(b, true)],
        status: "succeeded",
        createdAt: daysAgo(4),
        settledAt: daysAgo(4, 10),
      }),
      // Outside the window, and another tenant's: not counted.
      paid(daysAgo(31), 5),
      payment({
        tenantId: "other",
        instanceId: a,
        attempts: [attempt(a, true)],
        status: "failed",
        createdAt: daysAgo(1),
      }),
    ])
      await h.store.payments.create(known);

    const response = await h.call("GET", `/providers/${a}/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: a,
      tenantId: TENANT,
      plugin: "manual",
      displayName: "Bank A",
      weight: 80,
      days: 30,
      since: daysAgo(30).toISOString(),
      until: STATS_NOW.toISOString(),
      truncated: false,
      tried: 6,
      testPayments: 0,
      succeeded: 3,
      failed: 2,
      open: 1,
      successRate: 0.6,
      medianSettleMs: 90_000,
      failureReasons: [
        { stage: "initiate", code: "503", count: 1, example: "Down" },
        { stage: "payment", code: "blurry", count: 1, example: "The receipt cannot be read." },
      ],
    });

    const lastTwoDays = (await (await h.call("GET", `/providers/${a}/stats?days=2`)).json()) as Record<
      string,
      unknown
    >;
    expect(lastTwoDays).toMatchObject({
      days: 2,
      tried: 3,
      succeeded: 2,
      open: 1,
      failed: 0,
      successRate: 1,
    });
    expect(lastTwoDays.medianSettleMs).toBe(60_000);
    expect(await (await h.call("GET", `/providers/${b}/stats`)).json()).toMatchObject({
      tried: 1,
      succeeded: 1,
      medianSettleMs: 10_000,
      failureReasons: [],
    });
  });

  it("refuses a bad window with 422 and an unknown instance with 404", async () => {
    const { id } = await create(manual("Bank A"));
    for (const days of ["0", "366", "7.5", "week"]) {
      const response = await h.call("GET", `/providers/${id}/stats?days=${days}`);
      expect(response.status, days).toBe(422);
      expect(((await response.json()) as ErrorBody).error.issues?.[0]?.path).toBe("days");
    }
    expect((await h.call("GET", `/providers/${id}/stats?since=yesterday`)).status).toBe(422);
    const missing = await h.call("GET", "/providers/pi_000000000000000000000000/stats");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe("not_found");
  });
});
