import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PaystackEmulator, TEST_CARDS } from "../../../sandbox/paystack/index.js";
import { money } from "../../../src/domain/money.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import {
  createTestClient,
  initiatedPayment,
  providerErrorOf,
  startEmulator,
  testConfig,
  testPayment,
} from "./harness.js";

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

describe("verify (GET /transaction/verify/:reference)", () => {
  it("reports a paid transaction as succeeded with Paystack's amount, currency and reference", async () => {
    const payment = await initiatedPayment(client, { amount: money(150_050, "KES") });
    await emulator.pay(payment.providerRef);

    const result = await client.verify(payment);

    expect(result).toEqual({
      outcome: "succeeded",
      amount: { amount: 150_050, currency: "KES" },
      receipt: payment.providerRef,
      providerCode: "success",
    });
    expect(emulator.calls("transaction.verify").at(-1)?.path).toBe(
      `/transaction/verify/${payment.providerRef}`,
    );
  });

  it.each([
    [TEST_CARDS.declined, "The card payment was declined: Declined."],
    [TEST_CARDS.insufficientFunds, "The card payment was declined: Insufficient Funds."],
    ["5060 9999 9999 9999", "The card payment was declined: Invalid card."],
  ])("reports a charge with card %s as failed: %s", async (card, reason) => {
    const payment = await initiatedPayment(client);
    const paid = await emulator.pay(payment.providerRef, { card });
    expect(paid.status).toBe("failed");
    expect(await client.verify(payment)).toEqual({ outcome: "failed", reason, providerCode: "failed" });
  });

  it("keeps an abandoned (never completed) transaction pending", async () => {
    const payment = await initiatedPayment(client);
    expect(emulator.transaction(payment.providerRef)?.status).toBe("abandoned");
    expect(await client.verify(payment)).toEqual({ outcome: "pending", providerCode: "abandoned" });
  });

  it("reports a fully refunded (reversed) transaction as failed", async () => {
    const payment = await initiatedPayment(client);
    await emulator.pay(payment.providerRef);
    await client.refund?.(payment, payment.amount);
    await emulator.processRefunds();
    expect(emulator.transaction(payment.providerRef)?.status).toBe("reversed");
    expect(await client.verify(payment)).toEqual({
      outcome: "failed",
      reason: "The payment was reversed.",
      providerCode: "reversed",
    });
  });

  it("keeps a reference Paystack does not know pending (400 'Transaction reference not found')", async () => {
    const payment = { ...testPayment(), providerRef: "pay-never-initialized" };
    expect(await client.verify(payment)).toEqual({ outcome: "pending", providerCode: "not_found" });
    const call = emulator.calls("transaction.verify").at(-1);
    expect(call?.status).toBe(400);
    expect(call?.response).toMatchObject({ status: false, message: "Transaction reference not found" });
  });

  it("also reads 404 as not known yet (which status Paystack uses is unconfirmed)", async () => {
    const payment = await initiatedPayment(client);
    emulator.failNext("transaction.verify", { status: 404, message: "Transaction reference not found" });
    expect((await client.verify(payment)).outcome).toBe("pending");
  });

  it("rebuilds the reference from the payment id when none was stored", async () => {
    const payment = await initiatedPayment(client);
    await emulator.pay(payment.providerRef);
    const { providerRef: _dropped, ...withoutRef } = payment;
    expect((await client.verify(withoutRef)).outcome).toBe("succeeded");
    expect(emulator.calls("transaction.verify").at(-1)?.path).toBe(
      `/transaction/verify/${payment.providerRef}`,
    );
  });

  it.each([500, 503])("throws a retryable ProviderError on HTTP %i", async (status) => {
    const payment = await initiatedPayment(client);
    emulator.failNext("transaction.verify", { status });
    const error = await providerErrorOf(() => client.verify(payment));
    expect(error.code).toBe(status === 429 ? "rate_limited" : "unavailable");
    expect(error.retryable).toBe(true);
  });

  it("throws a retryable ProviderError when the connection drops", async () => {
    const payment = await initiatedPayment(client);
    emulator.failNext("transaction.verify", { dropConnection: true });
    const error = await providerErrorOf(() => client.verify(payment));
    expect(error.code).toBe("unreachable");
    expect(error.retryable).toBe(true);
  });

  it("throws a retryable invalid_config when the key is refused", async () => {
    const payment = await initiatedPayment(client);
    const wrong = createTestClient({ config: testConfig(emulator.baseUrl, { secretKey: "sk_test_nope" }) });
    const error = await providerErrorOf(() => wrong.verify(payment));
    expect(error.code).toBe("invalid_config");
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain("sk_test_nope");
  });
});
