import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PaystackEmulator } from "../../../sandbox/paystack/index.js";
import { money } from "../../../src/domain/money.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import { createTestClient, initiatedPayment, providerErrorOf, startEmulator, testConfig } from "./harness.js";

let emulator: PaystackEmulator;
let client: ProviderClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createTestClient({ config: testConfig(emulator.baseUrl) });
});

afterAll(async () => {
  await emulator.close();
});

afterEach(() => emulator.clearFaults());

const refund = (...args: Parameters<NonNullable<ProviderClient["refund"]>>) => {
  if (client.refund === undefined) throw new Error("the Paystack client must have refund");
  return client.refund(...args);
};

describe("refund (POST /refund)", () => {
  it("refunds part of a paid transaction and returns Paystack's refund id", async () => {
    const payment = await initiatedPayment(client, { amount: money(45_000, "KES") });
    await emulator.pay(payment.providerRef);

    const result = await refund(payment, money(20_000, "KES"));

    const created = emulator.refunds().at(-1);
    expect(result).toEqual({ providerRef: String(created?.id) });
    expect(created).toMatchObject({
      transactionReference: payment.providerRef,
      amount: 20_000,
      status: "pending",
    });
    expect(emulator.calls("refund.create").at(-1)?.body).toEqual({
      transaction: payment.providerRef,
      amount: 20_000,
      currency: "KES",
    });
  });

  it("refuses to refund an unpaid transaction, not retryable, saying why", async () => {
    const payment = await initiatedPayment(client);
    const error = await providerErrorOf(() => refund(payment, payment.amount));
    expect(error.code).toBe("refund_refused");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("has not been paid");
    expect(error.message).toContain(payment.providerRef);
    expect(error.message).toContain("KES 450.00");
    expect(emulator.refunds().filter((r) => r.transactionReference === payment.providerRef)).toEqual([]);
  });

  it("refuses to refund more than was paid, not retryable", async () => {
    const payment = await initiatedPayment(client, { amount: money(45_000, "KES") });
    await emulator.pay(payment.providerRef);
    const error = await providerErrorOf(() => refund(payment, money(45_001, "KES")));
    expect(error.code).toBe("refund_refused");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("more than what is left to refund");
  });

  it("refuses a second full refund (nothing left), not retryable", async () => {
    const payment = await initiatedPayment(client);
    await emulator.pay(payment.providerRef);
    await refund(payment, payment.amount);
    const error = await providerErrorOf(() => refund(payment, payment.amount));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("fully refunded");
  });

  it("refuses an amount in another currency or of nothing without calling Paystack", async () => {
    const payment = await initiatedPayment(client);
    await emulator.pay(payment.providerRef);
    const before = emulator.calls("refund.create").length;
    for (const amount of [money(100, "NGN"), money(0, "KES")]) {
      const error = await providerErrorOf(() => refund(payment, amount));
      expect(error.code).toBe("invalid_amount");
      expect(error.retryable).toBe(false);
    }
    expect(emulator.calls("refund.create")).toHaveLength(before);
  });

  it.each([500, 503])("throws a retryable ProviderError on HTTP %i", async (status) => {
    const payment = await initiatedPayment(client);
    await emulator.pay(payment.providerRef);
    emulator.failNext("refund.create", { status });
    const error = await providerErrorOf(() => refund(payment, payment.amount));
    expect(error.code).toBe(status === 429 ? "rate_limited" : "unavailable");
    expect(error.retryable).toBe(true);
    expect(emulator.refunds().filter((r) => r.transactionReference === payment.providerRef)).toEqual([]);
  });
});
