import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DARAJA_PATHS, type DarajaEmulator } from "../../../sandbox/daraja/index.js";
import type { Payment } from "../../../src/domain/payment.js";
import { type ProviderClient, ProviderError } from "../../../src/payments/plugin.js";
import {
  createTestClient,
  createTestRedis,
  errorOf,
  initiateRequest,
  nextPhone,
  startEmulator,
  type TestRedis,
  testConfig,
  testPayment,
} from "./harness.js";

let redis: TestRedis;
let emulator: DarajaEmulator;
let client: ProviderClient;

beforeAll(async () => {
  redis = createTestRedis();
  emulator = await startEmulator();
  client = createTestClient({
    id: "pi_verify",
    config: testConfig(emulator.baseUrl),
    shared: redis.shared("pi_verify"),
  });
});

afterAll(async () => {
  await emulator.close();
  await redis.cleanup();
});

afterEach(() => emulator.clearFaults());

/** A pushed payment, with the CheckoutRequestID the plugin returned. */
async function pushedPayment(): Promise<Payment> {
  const payment = testPayment();
  const result = await client.initiate(initiateRequest(payment, nextPhone()));
  expect(result.providerRef).toMatch(/^ws_CO_/);
  return { ...payment, providerRef: result.providerRef as string };
}

describe("verify (STK Query)", () => {
  it("reports pending while Daraja says the transaction is being processed", async () => {
    const payment = await pushedPayment();
    const result = await client.verify(payment);
    expect(result.outcome).toBe("pending");
    const query = emulator.calls(DARAJA_PATHS.stkQuery).at(-1);
    expect(query?.errorMessage).toBe("The transaction is being processed");
  });

  it("stays pending for as long as queryPendingFor says, then reports the payment", async () => {
    const payment = await pushedPayment();
    emulator.complete(payment.providerRef as string, { resultCode: 0, delivery: "drop" });
    emulator.queryPendingFor(payment.providerRef as string, 2);
    expect((await client.verify(payment)).outcome).toBe("pending");
    expect((await client.verify(payment)).outcome).toBe("pending");
    const settled = await client.verify(payment);
    expect(settled).toEqual({ outcome: "succeeded", providerCode: "0" });
    // The Query carries no amount or receipt.
    expect(settled.amount).toBeUndefined();
    expect(settled.receipt).toBeUndefined();
  });

  it.each([
    [1032, "cancelled", "You cancelled the M-Pesa request."],
    [1031, "cancelled", "You cancelled the M-Pesa request."],
    [1, "failed", "Your M-Pesa balance was not enough."],
    [1037, "failed", "We could not reach your phone. Make sure it is on and has network, then try again."],
    [2001, "failed", "The M-Pesa PIN was wrong."],
    [1019, "failed", "The M-Pesa request expired before it was completed."],
    [9999, "failed", "M-Pesa could not complete the payment."],
    [4242, "failed", "M-Pesa could not complete the payment."],
  ])("maps ResultCode %s to %s with the shopper's reason", async (resultCode, outcome, reason) => {
    const payment = await pushedPayment();
    emulator.complete(payment.providerRef as string, { resultCode, delivery: "drop" });
    // Only an unreachable phone, of these, is a failure no new prompt fixes.
    expect(await client.verify(payment)).toEqual({
      outcome,
      reason,
      providerCode: String(resultCode),
      ...(resultCode === 1037 ? { retryWontHelp: true } : {}),
    });
  });

  it("reports pending, not failed, on a spike arrest", async () => {
    const payment = await pushedPayment();
    emulator.complete(payment.providerRef as string, { resultCode: 1032, delivery: "drop" });
    emulator.failNext(DARAJA_PATHS.stkQuery, { errorCode: "500.003.02" });
    expect((await client.verify(payment)).outcome).toBe("pending");
    expect((await client.verify(payment)).outcome).toBe("cancelled");
  });

  it.each([
    [{ errorCode: "500.003.1001" }, "unavailable", "500.003.1001"],
    [{ errorCode: "500.003.03" }, "unavailable", "500.003.03"],
    [{ dropConnection: true } as const, "unreachable", undefined],
  ])("throws a retryable ProviderError on other errors (%j)", async (fault, code, providerCode) => {
    const payment = await pushedPayment();
    emulator.failNext(DARAJA_PATHS.stkQuery, fault);
    const error = await errorOf(() => client.verify(payment));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe(code);
    expect((error as ProviderError).providerCode).toBe(providerCode);
    expect((error as ProviderError).retryable).toBe(true);
  });

  it("throws a retryable error for a CheckoutRequestID Daraja does not know", async () => {
    const error = await errorOf(() =>
      client.verify(testPayment({ providerRef: "ws_CO_000000000000000000" })),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).providerCode).toBe("400.002.02");
    expect((error as ProviderError).retryable).toBe(true);
  });

  it("refuses a payment that never got a CheckoutRequestID without calling Daraja", async () => {
    const before = emulator.calls(DARAJA_PATHS.stkQuery).length;
    const error = await errorOf(() => client.verify(testPayment()));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(false);
    expect(emulator.calls(DARAJA_PATHS.stkQuery).length).toBe(before);
  });
});
