import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { WebhookRequest } from "../../../src/payments/plugin.js";
import { parseStripeWebhook } from "../../../src/payments/stripe/index.js";
import { providerErrorOf } from "./harness.js";

const SECRET = "whsec_testSigningSecret123";
const signing = { webhookSecret: SECRET, toleranceSeconds: 300 };
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's scheme written out (providers-2 §1.6): hex HMAC-SHA256 of `${t}.${body}` keyed with the whole secret. */
const v1 = (body: string, t: number, secret = SECRET) =>
  createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");

function request(body: string, header: string | undefined): WebhookRequest {
  return {
    rawBody: Buffer.from(body),
    headers: header === undefined ? {} : { "stripe-signature": header },
    params: {},
  };
}

const session = (overrides: Record<string, unknown> = {}) => ({
  id: "cs_test_abc",
  object: "checkout.session",
  status: "complete",
  payment_status: "paid",
  amount_total: 45_000,
  currency: "kes",
  payment_intent: "pi_123",
  client_reference_id: "pay_1",
  ...overrides,
});
const event = (type: string, object: unknown, id = "evt_1") =>
  JSON.stringify({ id, object: "event", type, data: { object } });
const signed = (body: string, t = now()) => request(body, `t=${t},v1=${v1(body, t)}`);

describe("Stripe webhook signature", () => {
  const body = event("checkout.session.completed", session());

  it("accepts Stripe's own header", async () => {
    expect(parseStripeWebhook(signed(body), signing).outcome).toBe("succeeded");
  });

  it.each([
    ["no header", undefined],
    ["another secret", `t=${now()},v1=${v1(body, now(), "whsec_attacker")}`],
    ["a signature of other bytes", `t=${now()},v1=${v1(`${body} `, now())}`],
    ["a t that was not signed", `t=${now() + 1},v1=${v1(body, now())}`],
    ["only a v0 scheme", `t=${now()},v0=${v1(body, now())}`],
    ["a timestamp older than 300 s", `t=${now() - 301},v1=${v1(body, now() - 301)}`],
  ])("refuses %s as unauthorized", async (_what, header) => {
    const error = await providerErrorOf(async () => parseStripeWebhook(request(body, header), signing));
    expect(error.code).toBe("unauthorized");
    expect(error.retryable).toBe(false);
  });

  it("accepts a header where any of several v1 matches (a secret being rolled)", () => {
    const t = now();
    const header = `t=${t},v1=${v1(body, t, "whsec_oldSecret")},v1=${v1(body, t)}`;
    expect(parseStripeWebhook(request(body, header), signing).eventKey).toBe("evt_1");
  });

  it("takes the tolerance from the config", async () => {
    const tenMinutesAgo = now() - 600;
    expect(
      parseStripeWebhook(signed(body, tenMinutesAgo), { ...signing, toleranceSeconds: 900 }).outcome,
    ).toBe("succeeded");
    const error = await providerErrorOf(async () =>
      parseStripeWebhook(signed(body, now() - 61), { ...signing, toleranceSeconds: 60 }),
    );
    expect(error.code).toBe("unauthorized");
  });
});

describe("Stripe events", () => {
  it.each([
    [
      "completed and paid",
      "checkout.session.completed",
      session(),
      { outcome: "succeeded", amount: { amount: 45_000, currency: "KES" }, receipt: "pi_123" },
    ],
    [
      "completed but unpaid (a delayed method)",
      "checkout.session.completed",
      session({ payment_status: "unpaid" }),
      { outcome: "pending" },
    ],
    [
      "a delayed payment that succeeded",
      "checkout.session.async_payment_succeeded",
      session(),
      { outcome: "succeeded" },
    ],
    [
      "a delayed payment that failed",
      "checkout.session.async_payment_failed",
      session({ payment_status: "unpaid" }),
      { outcome: "failed" },
    ],
    [
      "an expired session",
      "checkout.session.expired",
      session({ status: "expired", payment_status: "unpaid" }),
      { outcome: "cancelled" },
    ],
    [
      "a zero-decimal amount",
      "checkout.session.completed",
      session({ amount_total: 500, currency: "jpy" }),
      { amount: { amount: 500, currency: "JPY" } },
    ],
  ])("reads %s", (_what, type, object, expected) => {
    const parsed = parseStripeWebhook(signed(event(type, object, "evt_42")), signing);
    expect(parsed).toMatchObject({
      eventKey: "evt_42",
      providerRef: "cs_test_abc",
      providerCode: type,
      ...expected,
    });
  });

  it("acknowledges charge.refunded and other events without acting on them", () => {
    const charge = {
      id: "ch_1",
      object: "charge",
      amount: 45_000,
      amount_refunded: 45_000,
      payment_intent: "pi_123",
    };
    expect(parseStripeWebhook(signed(event("charge.refunded", charge, "evt_9")), signing)).toEqual({
      eventKey: "evt_9",
      outcome: "not_handled",
      providerCode: "charge.refunded",
    });
  });

  it.each([
    ["not JSON", "{ not json"],
    ["null", "null"],
    ["no event id", JSON.stringify({ type: "checkout.session.completed", data: { object: session() } })],
    [
      "a session event without a session",
      event("checkout.session.completed", { id: "ch_1", object: "charge" }),
    ],
    [
      "a paid session without an amount",
      event("checkout.session.completed", session({ amount_total: null })),
    ],
  ])("refuses a signed body that is %s as malformed", async (_what, body) => {
    const error = await providerErrorOf(async () => parseStripeWebhook(signed(body), signing));
    expect(error.code).toBe("malformed");
  });
});
