import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DARAJA_PATHS,
  type DarajaEmulator,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import { money } from "../../../src/domain/money.js";
import { toKenyaTimestamp, toStkPassword } from "../../../src/payments/mpesa/index.js";
import { ProviderError } from "../../../src/payments/plugin.js";
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

// 21:30 UTC on 1 March is 00:30 on 2 March in Nairobi.
const NOW = Date.parse("2026-03-01T21:30:00Z");
const clock = () => NOW;

let redis: TestRedis;
let emulator: DarajaEmulator;
let instanceCount = 0;

function newClient(overrides: Parameters<typeof testConfig>[1] = {}, publicUrl = "https://duka.example.com") {
  const id = `pi_init_${++instanceCount}`;
  const config = testConfig(emulator.baseUrl, overrides);
  return { id, config, client: createTestClient({ id, config, shared: redis.shared(id), clock, publicUrl }) };
}

async function providerErrorOf(action: () => Promise<unknown>): Promise<ProviderError> {
  const error = await errorOf(action);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

beforeAll(async () => {
  redis = createTestRedis();
  // The emulator reads Timestamps against the same (injected) clock.
  emulator = await startEmulator({ clock });
});

afterAll(async () => {
  await emulator.close();
  await redis.cleanup();
});

afterEach(() => emulator.clearFaults());

describe("initiate (STK push)", () => {
  it("sends a push the emulator accepts, with every field as Daraja documents it", async () => {
    const { id, config, client } = newClient({}, "https://duka.example.com/");
    const phone = nextPhone();
    const result = await client.initiate(
      initiateRequest(testPayment({ amount: money(45_000, "KES") }), phone),
    );

    const push = await emulator.nextPush({ phone });
    expect(result).toEqual({
      status: "pending",
      providerRef: push.checkoutRequestId,
      action: { kind: "push", text: expect.stringContaining("enter your M-Pesa PIN") },
    });
    expect(result.action.kind === "push" && result.action.text).toContain("KES 450.00");
    expect(result.action.kind === "push" && result.action.text).toContain("DK-7F3K2");
    expect(result.action.kind === "push" && result.action.text.length).toBeLessThan(200);

    expect(push.request.Amount).toBe(450);
    expect(Number.isInteger(push.request.Amount)).toBe(true);
    expect(push.request.Timestamp).toBe("20260302003000");
    expect(push.request.Timestamp).toBe(toKenyaTimestamp(NOW));
    expect(push.request.Password).toBe(toStkPassword(SANDBOX_SHORTCODE, SANDBOX_PASSKEY, "20260302003000"));
    expect(push).toMatchObject({
      businessShortCode: SANDBOX_SHORTCODE,
      transactionType: "CustomerPayBillOnline",
      amount: 450,
      partyA: phone,
      phoneNumber: phone,
      partyB: SANDBOX_SHORTCODE,
      accountReference: "DK-7F3K2",
      transactionDesc: "Pay DK-7F3K2",
    });
    expect(push.transactionDesc?.length).toBeLessThanOrEqual(13);
    const url = new URL(push.callBackUrl);
    expect(url.origin).toBe("https://duka.example.com");
    expect(url.pathname).toBe(`/webhooks/daraja/${id}/${config.callbackToken}`);
    expect(push.callBackUrl.toLowerCase()).not.toContain("mpesa");
  });

  it("sends Buy Goods pushes to the Till", async () => {
    const till = await startEmulator({
      clock,
      shortcodes: [
        {
          shortcode: "600100",
          passkey: "till-passkey",
          transactionType: "CustomerBuyGoodsOnline",
          partyB: "5123456",
        },
      ],
    });
    try {
      const id = `pi_init_${++instanceCount}`;
      const config = testConfig(till.baseUrl, {
        shortcode: "600100",
        passkey: "till-passkey",
        partyB: "5123456",
        transactionType: "CustomerBuyGoodsOnline",
      });
      const client = createTestClient({ id, config, shared: redis.shared(id), clock });
      const phone = nextPhone();
      await client.initiate(initiateRequest(testPayment(), phone));
      const push = await till.nextPush({ phone });
      expect(push).toMatchObject({
        businessShortCode: "600100",
        partyB: "5123456",
        transactionType: "CustomerBuyGoodsOnline",
      });
    } finally {
      await till.close();
    }
  });

  it.each([
    ["cents", money(45_050, "KES")],
    ["another currency", money(45_000, "UGX")],
  ])("refuses %s before calling Daraja", async (_label, amount) => {
    const { client } = newClient();
    const before = emulator.calls(DARAJA_PATHS.stkPush).length;
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(testPayment({ amount }), nextPhone())),
    );
    expect(error.retryable).toBe(false);
    expect(error.shopperMessage).toBe("M-Pesa takes whole shillings only; please choose another way to pay.");
    expect(emulator.calls(DARAJA_PATHS.stkPush).length).toBe(before);
  });

  it.each([undefined, "0812 345 678", "+1 415 555 0100"])(
    "refuses the phone %j before calling Daraja",
    async (phone) => {
      const { client } = newClient();
      const before = emulator.calls(DARAJA_PATHS.stkPush).length;
      const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), phone)));
      expect(error.code).toBe("invalid_phone");
      expect(error.retryable).toBe(false);
      expect(error.shopperMessage).toContain("like 0712 345 678");
      expect(emulator.calls(DARAJA_PATHS.stkPush).length).toBe(before);
    },
  );

  it("maps the subscriber lock to a non-retryable error the shopper can act on", async () => {
    const { client } = newClient();
    const phone = nextPhone();
    await client.initiate(initiateRequest(testPayment(), phone));
    const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), phone)));
    expect(error.code).toBe("subscriber_busy");
    expect(error.providerCode).toBe("500.001.1001");
    expect(error.retryable).toBe(false);
    expect(error.shopperMessage).toBe(
      "Another M-Pesa request is already waiting on your phone. Finish it or wait a minute, then try again.",
    );
  });

  it.each([
    ["wrong credentials (a bad passkey)", { passkey: "not-the-passkey" }, "500.001.1001"],
    ["an unknown merchant", { shortcode: "999999" }, "500.001.1001"],
  ])("maps %s to a retryable error (another instance may work)", async (_label, overrides, code) => {
    const { client } = newClient(overrides);
    const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
    expect(error.code).toBe("invalid_config");
    expect(error.providerCode).toBe(code);
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain("not-the-passkey");
    expect(error.shopperMessage).toMatch(/M-Pesa is not available right now/);
  });

  it.each([
    ["500.003.02", "rate_limited"], // spike arrest
    ["500.003.03", "unavailable"], // quota
    ["500.003.1001", "unavailable"], // internal error
  ])("maps %s to a retryable error (%s)", async (errorCode, code) => {
    const { client } = newClient();
    emulator.failNext(DARAJA_PATHS.stkPush, { errorCode });
    const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
    expect(error.code).toBe(code);
    expect(error.providerCode).toBe(errorCode);
    expect(error.retryable).toBe(true);
  });

  it("maps 400.002.02 (a field Daraja refuses) to a non-retryable error", async () => {
    // Daraja refuses callback URLs with "query" in them.
    const { client } = newClient({}, "https://query.duka.example.com");
    const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
    expect(error.code).toBe("invalid_request");
    expect(error.providerCode).toBe("400.002.02");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Invalid CallBackURL");
  });

  it("maps a dropped connection to a retryable error", async () => {
    const { client } = newClient();
    emulator.failNext(DARAJA_PATHS.stkPush, { dropConnection: true });
    const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
    expect(error.code).toBe("unreachable");
    expect(error.retryable).toBe(true);
  });

  it("gives up after the timeout when Daraja never answers", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as import("node:net").AddressInfo;
    try {
      const id = `pi_init_${++instanceCount}`;
      const client = createTestClient({
        id,
        config: testConfig(`http://127.0.0.1:${port}`),
        shared: redis.shared(id),
        clock,
        timeoutMs: 300,
      });
      const started = Date.now();
      const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
      expect(error.code).toBe("timeout");
      expect(error.retryable).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("maps a 200 answer with ResponseCode 1 and the lock message like the lock error", async () => {
    // Reported by some integrations (providers.md §1.3); the emulator never answers this way.
    const fake = createHttpServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          request.url?.startsWith("/oauth/")
            ? { access_token: "fake-token", expires_in: "3599" }
            : {
                MerchantRequestID: "1-2-3",
                CheckoutRequestID: "ws_CO_1",
                ResponseCode: "1",
                ResponseDescription:
                  "Unable to lock subscriber, a transaction is already in process for the current subscriber",
              },
        ),
      );
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const { port } = fake.address() as import("node:net").AddressInfo;
    try {
      const id = `pi_init_${++instanceCount}`;
      const client = createTestClient({
        id,
        config: testConfig(`http://127.0.0.1:${port}`),
        shared: redis.shared(id),
        clock,
      });
      const error = await providerErrorOf(() => client.initiate(initiateRequest(testPayment(), nextPhone())));
      expect(error.retryable).toBe(false);
      expect(error.shopperMessage).toMatch(/^Another M-Pesa request is already waiting on your phone/);
    } finally {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});
