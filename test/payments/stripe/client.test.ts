/** The Stripe plugin's API calls against the Stripe emulator over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StripeEmulator, TEST_CARDS } from "../../../sandbox/stripe/index.js";
import { money } from "../../../src/domain/money.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import { checkoutKey } from "../../../src/payments/stripe/index.js";
import {
  createTestClient,
  initiatedPayment,
  initiateRequest,
  providerErrorOf,
  startEmulator,
  stripePayment,
  testConfig,
} from "./harness.js";

let emulator: StripeEmulator;
let client: ProviderClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createTestClient(testConfig(emulator.baseUrl));
});
afterAll(() => emulator.close());

const sessionOf = (id: string | undefined) => {
  const session = id === undefined ? undefined : emulator.session(id);
  if (!session) throw new Error(`no session ${id}`);
  return session;
};

describe("initiate", () => {
  it("creates one Checkout Session naming our ids, and hands the shopper its page", async () => {
    const payment = stripePayment();
    const started = Math.floor(Date.now() / 1000);
    const result = await client.initiate(initiateRequest(payment));
    const session = sessionOf(result.providerRef);
    expect(result.status).toBe("pending");
    expect(result.action).toMatchObject({ kind: "link", url: session.url, label: "Pay KES 450.00" });
    expect(session).toMatchObject({
      amount_total: 45_000,
      currency: "kes",
      client_reference_id: payment._id,
      metadata: { tenant_id: "ten_test", order_id: payment.orderId, payment_id: payment._id },
    });
    // Stripe's floor is 30 minutes, whatever our payment's own expiry, measured on Stripe's clock a
    // moment later: the session keeps a minute's slack above it.
    expect(session.expires_at - started).toBeGreaterThanOrEqual(31 * 60);
    expect(session.expires_at - started).toBeLessThan(32 * 60);
    expect(emulator.calls("sessions.create").at(-1)?.idempotencyKey).toBe(checkoutKey(payment._id));
  });

  it("keeps a session configured for Stripe's whole 24 hours inside the window Stripe accepts", async () => {
    const longest = createTestClient(testConfig(emulator.baseUrl, { sessionMinutes: 24 * 60 }));
    const started = Math.floor(Date.now() / 1000);
    const session = sessionOf((await longest.initiate(initiateRequest(stripePayment()))).providerRef);
    expect(session.expires_at - started).toBeLessThanOrEqual(24 * 60 * 60 - 60);
    expect(session.expires_at - started).toBeGreaterThan(24 * 60 * 60 - 120);
  });

  it("gets the same session back when the create is retried (Idempotency-Key)", async () => {
    const payment = stripePayment();
    const first = await client.initiate(initiateRequest(payment));
    const again = await client.initiate(initiateRequest(payment));
    expect(again.providerRef).toBe(first.providerRef);
  });

  it("refuses an amount below the minimum before asking Stripe", async () => {
    const calls = emulator.calls("sessions.create").length;
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(stripePayment({ amount: money(5_000, "KES") }))),
    );
    expect(error).toMatchObject({ code: "invalid_amount", retryable: false });
    expect(error.shopperMessage).toMatch(/start at KES 65\.00/);
    expect(emulator.calls("sessions.create")).toHaveLength(calls);
  });

  it("reads Stripe's own amount_too_small (its floor floats with FX) as an amount the shopper cannot pay", async () => {
    const strict = await startEmulator({ minimumCharge: { kes: 10_000 } });
    try {
      const request = initiateRequest(stripePayment({ amount: money(8_000, "KES") }));
      const error = await providerErrorOf(() =>
        createTestClient(testConfig(strict.baseUrl)).initiate(request),
      );
      expect(error).toMatchObject({
        code: "invalid_amount",
        retryable: false,
        providerCode: "amount_too_small",
      });
    } finally {
      await strict.close();
    }
  });

  it("turns a 5xx and a dropped connection into retryable errors, and a bad key into invalid_config", async () => {
    emulator.apiFaults.failNext("sessions.create", { status: 503 }, 1);
    expect(await providerErrorOf(() => client.initiate(initiateRequest(stripePayment())))).toMatchObject({
      code: "unavailable",
      retryable: true,
    });
    // The SDK resends once on a closed connection (same Idempotency-Key), even with retries off.
    emulator.apiFaults.failNext("sessions.create", { drop: true }, 2);
    expect(await providerErrorOf(() => client.initiate(initiateRequest(stripePayment())))).toMatchObject({
      code: "unreachable",
      retryable: true,
    });
    const refused = createTestClient(testConfig(emulator.baseUrl, { secretKey: "sk_test_wrongKey" }));
    const error = await providerErrorOf(() => refused.initiate(initiateRequest(stripePayment())));
    expect(error).toMatchObject({ code: "invalid_config", retryable: false });
    expect(error.message).not.toContain("sk_test_wrongKey");
  });
});

describe("verify", () => {
  it("is pending while open, succeeded with Stripe's amount once paid, cancelled once expired", async () => {
    const open = await initiatedPayment(client);
    expect((await client.verify(open)).outcome).toBe("pending");

    const paid = await initiatedPayment(client);
    expect(emulator.pay(paid.providerRef as string)).toEqual({ paid: true });
    const result = await client.verify({ ...paid, amount: money(1, "KES") });
    expect(result).toMatchObject({ outcome: "succeeded", amount: money(45_000, "KES") });
    expect(result.receipt).toBe(sessionOf(paid.providerRef).payment_intent);

    const expired = await initiatedPayment(client);
    emulator.expire(expired.providerRef as string);
    expect(await client.verify(expired)).toMatchObject({
      outcome: "cancelled",
      reason: expect.stringMatching(/expired/),
    });
  });

  it("keeps a declined card pending (the shopper may try another card on the same page)", async () => {
    const payment = await initiatedPayment(client);
    expect(emulator.pay(payment.providerRef as string, TEST_CARDS.insufficientFunds)).toMatchObject({
      paid: false,
      decline: { declineCode: "insufficient_funds" },
    });
    expect((await client.verify(payment)).outcome).toBe("pending");
  });

  it("calls an unknown session, or none, pending (a create whose answer was lost)", async () => {
    expect(await client.verify({ ...stripePayment(), providerRef: "cs_test_unknown" })).toEqual({
      outcome: "pending",
      providerCode: "not_found",
    });
    expect(await client.verify(stripePayment())).toEqual({ outcome: "pending", providerCode: "no_session" });
    expect(await client.findRefund?.(stripePayment())).toBeNull();
  });
});

describe("refund", () => {
  async function paidPayment() {
    const payment = await initiatedPayment(client);
    emulator.pay(payment.providerRef as string);
    return payment;
  }

  it("refunds part, then the rest, through the session's PaymentIntent; never more than was paid", async () => {
    const payment = await paidPayment();
    expect(await client.findRefund?.(payment)).toBeNull();
    const first = await client.refund!(payment, money(20_000, "KES"));
    const rest = await client.refund!(payment, money(25_000, "KES"));
    expect(
      emulator
        .refunds()
        .filter((refund) => refund.payment_intent === sessionOf(payment.providerRef).payment_intent)
        .map((r) => r.amount),
    ).toEqual([20_000, 25_000]);
    expect(rest.providerRef).not.toBe(first.providerRef);
    expect(await client.findRefund?.(payment)).toEqual({ providerRef: rest.providerRef });
    const error = await providerErrorOf(() => client.refund!(payment, money(100, "KES")));
    expect(error).toMatchObject({
      code: "refund_refused",
      retryable: false,
      providerCode: "charge_already_refunded",
    });
  });

  it("sends an Idempotency-Key naming the claim, so a retried refund is made once", async () => {
    const payment = { ...(await paidPayment()), refundClaim: { at: new Date(), actor: "admin" } };
    const first = await client.refund!(payment, payment.amount);
    const again = await client.refund!(payment, payment.amount);
    expect(again).toEqual(first);
    const keys = emulator
      .calls("refunds.create")
      .slice(-2)
      .map((call) => call.idempotencyKey);
    expect(keys[0]).toMatch(
      new RegExp(`^duka:${payment._id}:refund:${payment.refundClaim.at.getTime()}:45000$`),
    );
    expect(keys[1]).toBe(keys[0]);
  });
});

describe("health", () => {
  it("is ok with a good key, not ok with a refused key or no Stripe, never naming the key", async () => {
    expect(await client.healthCheck()).toMatchObject({ ok: true });
    const refused = await createTestClient(
      testConfig(emulator.baseUrl, { secretKey: "sk_test_refusedKey" }),
    ).healthCheck();
    expect(refused).toMatchObject({ ok: false, message: "Stripe refused the secret key" });
    const down = await createTestClient(testConfig("http://127.0.0.1:1")).healthCheck();
    expect(down.ok).toBe(false);
    expect(down.message).toMatch(/could not be reached/);
  });
});
