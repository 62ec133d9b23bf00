/** The Flutterwave plugin against the emulator over real HTTP: initiate, verify, refund, health. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlutterwaveEmulator } from "../../../sandbox/flutterwave/index.js";
import { money } from "../../../src/domain/money.js";
import { toVerifyResult } from "../../../src/payments/flutterwave/index.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import { initiateRequest } from "../paystack/harness.js";
import {
  createTestClient,
  flutterwavePayment,
  initiatedPayment,
  providerErrorOf,
  SHOPPER_EMAIL,
  startEmulator,
  testConfig,
} from "./harness.js";

let emulator: FlutterwaveEmulator;
let client: ProviderClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createTestClient(testConfig(emulator.baseUrl, { paymentOptions: ["mpesa", "card"] }));
});
afterAll(() => emulator.close());

describe("initiate", () => {
  it("creates a hosted payment with our id as tx_ref, major units and the shopper's e-mail", async () => {
    const payment = await initiatedPayment(client);
    expect(payment.providerRef).toBe(payment._id);
    expect(emulator.payment(payment._id)).toMatchObject({
      amount: 450,
      currency: "KES",
      email: SHOPPER_EMAIL,
      payment_options: "mpesa, card",
    });
  });

  it("asks for an e-mail when the shopper gave none, without calling Flutterwave", async () => {
    const payment = flutterwavePayment();
    const error = await providerErrorOf(() => client.initiate(initiateRequest(payment)));
    expect(error.code).toBe("needs_email");
    expect(emulator.payment(payment._id)).toBeUndefined();
  });

  it("turns a 400 into a final error that sends the shopper to another way to pay", async () => {
    emulator.apiFaults.failNext("payments.create", { status: 400 }, 1);
    const error = await providerErrorOf(() => initiatedPayment(client));
    expect(error).toMatchObject({ code: "invalid_request", retryable: false });
    expect(error.shopperMessage).toMatch(/choose another way to pay/);
    expect(error.shopperMessage).not.toMatch(/try again/);
  });

  it("turns a 503 into a retryable error", async () => {
    emulator.apiFaults.failNext("payments.create", { status: 503 }, 1);
    const error = await providerErrorOf(() => initiatedPayment(client));
    expect(error).toMatchObject({ code: "unavailable", retryable: true });
  });
});

describe("verify by tx_ref", () => {
  it("is pending before the shopper pays, succeeded with the amount after", async () => {
    const payment = await initiatedPayment(client);
    expect((await client.verify(payment)).outcome).toBe("pending");
    emulator.pay(payment._id, { method: "mpesa" });
    const result = await client.verify(payment);
    expect(result).toMatchObject({ outcome: "succeeded", amount: money(45_000, "KES") });
    expect(result.receipt).toMatch(/^DRT/);
  });

  it("is failed for a failed transaction", async () => {
    const payment = await initiatedPayment(client);
    emulator.pay(payment._id, { status: "failed" });
    expect((await client.verify(payment)).outcome).toBe("failed");
  });
});

describe("toVerifyResult", () => {
  const paid = { tx_ref: "pay_1", status: "successful", amount: 450, currency: "KES", flw_ref: "FLW1" };
  it.each([
    [
      "a short amount is reported as paid",
      { amount: 449.5 },
      { outcome: "succeeded", amount: money(44_950, "KES") },
    ],
    [
      "another currency is reported as such",
      { currency: "NGN" },
      { outcome: "succeeded", amount: money(45_000, "NGN") },
    ],
    ["another tx_ref never succeeds", { tx_ref: "pay_2" }, { outcome: "pending" }],
    ["pending stays pending", { status: "pending" }, { outcome: "pending" }],
  ])("%s", (_what, change, expected) => {
    expect(toVerifyResult({ ...paid, ...change }, "pay_1")).toMatchObject(expected);
  });

  it("refuses a successful transaction whose amount has more decimals than the currency", () => {
    expect(() => toVerifyResult({ ...paid, amount: 450.001 }, "pay_1")).toThrow(/unexpectedly/);
  });
});

describe("refund", () => {
  it("refunds part, then the rest, and refuses more than is left", async () => {
    const payment = await initiatedPayment(client);
    emulator.pay(payment._id);
    const first = await client.refund?.(payment, money(15_000, "KES"));
    const second = await client.refund?.(payment, money(30_000, "KES"));
    expect(first?.providerRef).not.toBe(second?.providerRef);
    const txId = emulator.refunds().at(-1)?.tx_id ?? 0;
    expect(emulator.transaction(txId)).toMatchObject({ tx_ref: payment._id, amount_refunded: 450 });
    const error = await providerErrorOf(async () => client.refund?.(payment, money(100, "KES")));
    expect(error).toMatchObject({ code: "refund_refused", retryable: false });
  });

  it("refuses a refund in another currency without calling Flutterwave", async () => {
    const payment = await initiatedPayment(client);
    const error = await providerErrorOf(async () => client.refund?.(payment, money(100, "USD")));
    expect(error.code).toBe("invalid_amount");
  });
});

describe("healthCheck", () => {
  it("is ok with a good key, not ok with a refused one", async () => {
    expect((await client.healthCheck()).ok).toBe(true);
    const refused = createTestClient(testConfig(emulator.baseUrl, { secretKey: "FLWSECK_TEST-wrong-X" }));
    expect(await refused.healthCheck()).toMatchObject({
      ok: false,
      message: "Flutterwave refused the secret key",
    });
  });
});
