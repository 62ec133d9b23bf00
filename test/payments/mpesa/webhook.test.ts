import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DarajaEmulator } from "../../../sandbox/daraja/index.js";
import { money } from "../../../src/domain/money.js";
import type { MpesaConfig } from "../../../src/payments/mpesa/index.js";
import { type ProviderClient, ProviderError, type WebhookRequest } from "../../../src/payments/plugin.js";
import {
  type CallbackReceiver,
  type CapturedCallback,
  createTestClient,
  createTestRedis,
  errorOf,
  initiateRequest,
  nextPhone,
  startCallbackReceiver,
  startEmulator,
  type TestRedis,
  testConfig,
  testPayment,
} from "./harness.js";

const INSTANCE_ID = "pi_webhook";

let redis: TestRedis;
let emulator: DarajaEmulator;
let receiver: CallbackReceiver;
let config: MpesaConfig;
let client: ProviderClient;

beforeAll(async () => {
  redis = createTestRedis();
  emulator = await startEmulator();
  receiver = await startCallbackReceiver();
  config = testConfig(emulator.baseUrl);
  client = createTestClient({
    id: INSTANCE_ID,
    config,
    shared: redis.shared(INSTANCE_ID),
    publicUrl: receiver.publicUrl,
  });
});

afterAll(async () => {
  await emulator.close();
  await receiver.close();
  await redis.cleanup();
});

const asRequest = (callback: CapturedCallback): WebhookRequest => ({
  rawBody: callback.rawBody,
  headers: callback.headers,
  params: callback.params,
});

/** Pushes, lets the emulator complete it with `resultCode`, and returns the callback as received. */
async function deliveredCallback(resultCode: number, amountMinor = 45_000) {
  const result = await client.initiate(
    initiateRequest(testPayment({ amount: money(amountMinor, "KES") }), nextPhone()),
  );
  const checkoutRequestId = result.providerRef as string;
  const push = emulator.complete(checkoutRequestId, { resultCode });
  const callback = await receiver.next();
  expect(callback.path).toBe(`/webhooks/daraja/${INSTANCE_ID}/${config.callbackToken}`);
  return { checkoutRequestId, push, callback };
}

async function providerErrorOf(action: () => Promise<unknown>): Promise<ProviderError> {
  const error = await errorOf(action);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

const validBody = (stkCallback: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ Body: { stkCallback: { MerchantRequestID: "1-2-3", ...stkCallback } } }));

const withToken = (rawBody: Buffer, token: string = config.callbackToken): WebhookRequest => ({
  rawBody,
  headers: { "content-type": "application/json" },
  params: { id: INSTANCE_ID, token },
});

describe("parseWebhook (STK callback)", () => {
  it("turns a real successful callback into a succeeded event with amount and receipt", async () => {
    const { checkoutRequestId, push, callback } = await deliveredCallback(0, 45_000);
    // The emulator sends the older payload shape: a Balance item with no Value.
    const sent = JSON.parse(callback.rawBody.toString("utf8"));
    const items = sent.Body.stkCallback.CallbackMetadata.Item as Array<{ Name: string; Value?: unknown }>;
    expect(items.find((item) => item.Name === "Balance")).toEqual({ Name: "Balance" });

    const event = await client.parseWebhook(asRequest(callback));

    expect(event).toEqual({
      eventKey: `${checkoutRequestId}:0`,
      providerRef: checkoutRequestId,
      outcome: "succeeded",
      amount: money(45_000, "KES"),
      receipt: push.result?.receipt,
      providerCode: "0",
    });
    expect(event.receipt).toMatch(/^[A-Z0-9]{10}$/);
  });

  it.each([
    [1032, "cancelled", "You cancelled the M-Pesa request."],
    [1037, "failed", "We could not reach your phone. Make sure it is on and has network, then try again."],
    [2001, "failed", "The M-Pesa PIN was wrong."],
    [9999, "failed", "M-Pesa could not complete the payment."],
  ])(
    "maps a delivered ResultCode %s callback to %s with the shopper's reason",
    async (resultCode, outcome, reason) => {
      const { checkoutRequestId, callback } = await deliveredCallback(resultCode);
      const event = await client.parseWebhook(asRequest(callback));
      expect(event).toEqual({
        eventKey: `${checkoutRequestId}:${resultCode}`,
        providerRef: checkoutRequestId,
        outcome,
        reason,
        providerCode: String(resultCode),
        // An unreachable phone is a failure no new prompt fixes: the shopper is offered another way.
        ...(resultCode === 1037 ? { retryWontHelp: true } : {}),
      });
    },
  );

  it.each([
    ["a wrong token", "x".repeat(64)],
    ["a token one character short", "short"],
    ["an empty token", ""],
  ])("refuses %s as unauthorized before reading the body", async (_label, token) => {
    const error = await providerErrorOf(() =>
      client.parseWebhook(withToken(Buffer.from("not even json"), token)),
    );
    expect(error.code).toBe("unauthorized");
    expect(error.retryable).toBe(false);
  });

  it("refuses a callback without a token param as unauthorized", async () => {
    const error = await providerErrorOf(() =>
      client.parseWebhook({
        rawBody: validBody({ CheckoutRequestID: "ws_CO_1", ResultCode: 0 }),
        headers: {},
        params: {},
      }),
    );
    expect(error.code).toBe("unauthorized");
  });

  it("refuses a real callback replayed at another instance's token", async () => {
    const { callback } = await deliveredCallback(0);
    const other = createTestClient({
      id: "pi_other",
      config: testConfig(emulator.baseUrl),
      shared: redis.shared("pi_other"),
    });
    const error = await providerErrorOf(() => other.parseWebhook(asRequest(callback)));
    expect(error.code).toBe("unauthorized");
  });

  it.each([
    ["not JSON", Buffer.from("{ Body: ")],
    ["an empty body", Buffer.alloc(0)],
    ["JSON null", Buffer.from("null")],
    ["no stkCallback", Buffer.from(JSON.stringify({ Body: {} }))],
    ["ResultCode as a string", validBody({ CheckoutRequestID: "ws_CO_1", ResultCode: "0" })],
    ["no CheckoutRequestID", validBody({ ResultCode: 0 })],
    [
      "an item without a Name",
      validBody({ CheckoutRequestID: "ws_CO_1", ResultCode: 0, CallbackMetadata: { Item: [{ Value: 1 }] } }),
    ],
    [
      "an Amount with fractions of a cent",
      validBody({
        CheckoutRequestID: "ws_CO_1",
        ResultCode: 0,
        CallbackMetadata: { Item: [{ Name: "Amount", Value: 1.005 }] },
      }),
    ],
    [
      "a negative Amount",
      validBody({
        CheckoutRequestID: "ws_CO_1",
        ResultCode: 0,
        CallbackMetadata: { Item: [{ Name: "Amount", Value: -450 }] },
      }),
    ],
  ])("refuses %s as malformed", async (_label, rawBody) => {
    const error = await providerErrorOf(() => client.parseWebhook(withToken(rawBody)));
    expect(error.code).toBe("malformed");
    expect(error.retryable).toBe(false);
  });

  it("reads items by name, whatever their order, and tolerates Balance without Value", async () => {
    const rawBody = validBody({
      CheckoutRequestID: "ws_CO_191220191020363925",
      ResultCode: 0,
      ResultDesc: "The service request is processed successfully.",
      CallbackMetadata: {
        Item: [
          { Name: "PhoneNumber", Value: 254708374149 },
          { Name: "Balance" },
          { Name: "TransactionDate", Value: 20191219102115 },
          { Name: "MpesaReceiptNumber", Value: "NLJ7RT61SV" },
          { Name: "Amount", Value: 1.5 },
        ],
      },
    });
    const event = await client.parseWebhook(withToken(rawBody));
    expect(event).toMatchObject({
      eventKey: "ws_CO_191220191020363925:0",
      outcome: "succeeded",
      amount: money(150, "KES"),
      receipt: "NLJ7RT61SV",
    });
  });

  it.each([
    [1, 100],
    [1.0, 100],
    ["450.00", 45_000],
    [150_000, 15_000_000],
  ])("converts Amount %j KES to %i minor units", async (value, minor) => {
    const rawBody = validBody({
      CheckoutRequestID: "ws_CO_1",
      ResultCode: 0,
      CallbackMetadata: { Item: [{ Name: "Amount", Value: value }] },
    });
    expect((await client.parseWebhook(withToken(rawBody))).amount).toEqual(money(minor, "KES"));
  });

  it("accepts a success callback without metadata, leaving amount and receipt out", async () => {
    const event = await client.parseWebhook(
      withToken(validBody({ CheckoutRequestID: "ws_CO_2", ResultCode: 0 })),
    );
    expect(event).toEqual({
      eventKey: "ws_CO_2:0",
      providerRef: "ws_CO_2",
      outcome: "succeeded",
      providerCode: "0",
    });
  });
});
