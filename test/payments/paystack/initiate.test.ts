import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PaystackEmulator } from "../../../sandbox/paystack/index.js";
import { money } from "../../../src/domain/money.js";
import {
  createTestClient,
  initiateRequest,
  providerErrorOf,
  startEmulator,
  testConfig,
  testPayment,
} from "./harness.js";

let emulator: PaystackEmulator;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator.close();
});

afterEach(() => emulator.clearFaults());

const lastInitializeBody = () =>
  emulator.calls("transaction.initialize").at(-1)?.body as Record<string, unknown> | undefined;

describe("initiate (initialize transaction)", () => {
  it("initializes with every field as Paystack documents it and returns the payment link", async () => {
    const client = createTestClient({
      config: testConfig(emulator.baseUrl, { callbackUrl: "https://shop.example/paid" }),
    });
    const payment = testPayment({ amount: money(150_050, "KES") });

    const result = await client.initiate(
      initiateRequest(payment, {
        email: "  shopper@example.com ",
        customer: { channel: "whatsapp", chatId: "254712345678@c.us" },
      }),
    );

    const transaction = await emulator.nextTransaction();
    const reference = payment._id.replace("_", "-");
    expect(result).toEqual({
      status: "pending",
      providerRef: reference,
      action: { kind: "link", url: transaction.authorizationUrl, label: "Pay KES 1,500.50" },
    });
    expect(transaction).toMatchObject({
      reference,
      amount: 150_050,
      currency: "KES",
      email: "shopper@example.com",
      callbackUrl: "https://shop.example/paid",
      status: "abandoned",
    });
    const body = lastInitializeBody();
    // Subunits as a JSON integer, not "1500.50" or 1500.5.
    expect(body?.amount).toBe(150_050);
    expect(Number.isInteger(body?.amount)).toBe(true);
    expect(body).toEqual({
      email: "shopper@example.com",
      amount: 150_050,
      currency: "KES",
      reference,
      callback_url: "https://shop.example/paid",
      metadata: { tenantId: "ten_test", orderRef: "DK-7F3K2", chat: "whatsapp:254712345678@c.us" },
    });
    expect(reference).toMatch(/^[A-Za-z0-9.=-]+$/);
  });

  it("leaves callback_url out when none is configured (the dashboard's applies)", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    await client.initiate(initiateRequest(testPayment(), { email: "shopper@example.com" }));
    const body = lastInitializeBody();
    expect(body).not.toHaveProperty("callback_url");
    expect(body?.email).toBe("shopper@example.com");
  });

  it("makes up the e-mail from the placeholder when the shopper gave none", async () => {
    const client = createTestClient({
      config: testConfig(emulator.baseUrl, { emailPlaceholder: "{channel}-{chatId}@shop.example" }),
    });
    const payment = testPayment();
    const result = await client.initiate(
      initiateRequest(payment, { customer: { channel: "telegram", chatId: "-100987" } }),
    );
    expect(result.status).toBe("pending");
    const transaction = await emulator.nextTransaction({ match: (t) => t.reference === result.providerRef });
    expect(transaction.email).toBe("telegram--100987@shop.example");
  });

  it("prefers the shopper's e-mail over the placeholder", async () => {
    const client = createTestClient({
      config: testConfig(emulator.baseUrl, { emailPlaceholder: "{chatId}@shop.example" }),
    });
    await client.initiate(initiateRequest(testPayment(), { email: "real@example.com" }));
    expect(lastInitializeBody()?.email).toBe("real@example.com");
  });

  it("asks for an e-mail, without calling Paystack, when there is neither", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    const before = emulator.calls("transaction.initialize").length;
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(testPayment(), { email: " " })),
    );
    expect(error.code).toBe("needs_email");
    expect(error.retryable).toBe(false);
    expect(error.shopperMessage).toMatch(/e-mail address/);
    expect(emulator.calls("transaction.initialize")).toHaveLength(before);
  });

  it("refuses a second initialize of the same payment (duplicate reference) without retrying", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    const payment = testPayment();
    await client.initiate(initiateRequest(payment, { email: "shopper@example.com" }));
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(payment, { email: "shopper@example.com" })),
    );
    expect(error.code).toBe("duplicate_reference");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Duplicate Transaction Reference");
    expect(error.shopperMessage).toMatch(/already started/);
  });

  it("passes Paystack's 400 on, not retryable, with its words in the message only", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    const error = await providerErrorOf(() =>
      client.initiate(
        initiateRequest(testPayment({ amount: money(45_000, "NGN") }), { email: "a@example.com" }),
      ),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Currency not supported by merchant");
    expect(error.message).toContain("HTTP 400");
    expect(error.shopperMessage).toBe(
      "Card payments are not available right now. Please choose another way to pay.",
    );
    expect(error.shopperMessage).not.toContain("Currency");
  });

  it("asks the shopper for another address when Paystack refuses theirs", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(testPayment(), { email: "me@printer.local" })),
    );
    expect(error.code).toBe("invalid_email");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Invalid Email Address Passed");
    expect(error.shopperMessage).toMatch(/valid e-mail/);
  });

  it("treats a refused key as this instance's problem: retryable invalid_config, key not echoed", async () => {
    const wrongKey = "sk_test_0123456789abcdefwrong";
    const client = createTestClient({ config: testConfig(emulator.baseUrl, { secretKey: wrongKey }) });
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(testPayment(), { email: "shopper@example.com" })),
    );
    expect(error.code).toBe("invalid_config");
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("HTTP 401");
    expect(error.message).not.toContain(wrongKey);
    expect(error.shopperMessage).toMatch(/not available right now/);
  });

  it.each([500, 502, 503, 429])("treats HTTP %i as retryable", async (status) => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    emulator.failNext("transaction.initialize", { status });
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(testPayment(), { email: "shopper@example.com" })),
    );
    expect(error.code).toBe(status === 429 ? "rate_limited" : "unavailable");
    expect(error.retryable).toBe(true);
  });

  it("treats a dropped connection as retryable", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    emulator.failNext("transaction.initialize", { dropConnection: true });
    const error = await providerErrorOf(() =>
      client.initiate(initiateRequest(testPayment(), { email: "shopper@example.com" })),
    );
    expect(error.code).toBe("unreachable");
    expect(error.retryable).toBe(true);
  });

  it("gives up after timeoutMs on a server that never answers, retryable", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const client = createTestClient({ config: testConfig(`http://127.0.0.1:${port}`), timeoutMs: 150 });
      const started = performance.now();
      const error = await providerErrorOf(() =>
        client.initiate(initiateRequest(testPayment(), { email: "shopper@example.com" })),
      );
      expect(error.code).toBe("timeout");
      expect(error.retryable).toBe(true);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("refuses currencies whose minor units are not Paystack's subunits, before calling Paystack", async () => {
    const client = createTestClient({ config: testConfig(emulator.baseUrl) });
    const before = emulator.calls("transaction.initialize").length;
    const error = await providerErrorOf(() =>
      client.initiate(
        initiateRequest(testPayment({ amount: money(10_000, "XOF") }), { email: "a@example.com" }),
      ),
    );
    expect(error.code).toBe("unsupported");
    expect(emulator.calls("transaction.initialize")).toHaveLength(before);
  });
});
