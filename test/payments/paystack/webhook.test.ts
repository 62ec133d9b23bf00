import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_SECRET_KEY,
  type PaystackEmulator,
  type SignMode,
  TEST_CARDS,
} from "../../../sandbox/paystack/index.js";
import { money } from "../../../src/domain/money.js";
import { PAYSTACK_SOURCE_IPS, type PaystackConfig } from "../../../src/payments/paystack/index.js";
import type { ProviderClient, WebhookRequest } from "../../../src/payments/plugin.js";
import {
  type CapturedWebhook,
  createTestClient,
  initiatedPayment,
  providerErrorOf,
  startEmulator,
  startWebhookReceiver,
  testConfig,
  type WebhookReceiver,
} from "./harness.js";

const INSTANCE_ID = "pi_paystack_webhook";

let emulator: PaystackEmulator;
let receiver: WebhookReceiver;
let config: PaystackConfig;
let client: ProviderClient;

beforeAll(async () => {
  // One attempt per delivery: the receiver acknowledges everything, retries would only add noise.
  emulator = await startEmulator({ webhookRetry: { delaysMs: [] } });
  receiver = await startWebhookReceiver();
  emulator.setWebhookUrl(receiver.url(INSTANCE_ID));
  config = testConfig(emulator.baseUrl);
  client = createTestClient({ id: INSTANCE_ID, config });
});

afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

afterEach(async () => {
  await emulator.webhookIdle();
});

/** A paid transaction and the charge.success delivery the emulator sent for it. */
async function paidAndDelivered(amountMinor = 45_000) {
  const payment = await initiatedPayment(client, { amount: money(amountMinor, "KES") });
  await emulator.pay(payment.providerRef);
  const webhook = await receiver.next();
  return { payment, webhook };
}

/** Sends `event` (a reference: its charge.success) signed per `signWith`, returns it as received. */
async function sent(
  event: Parameters<PaystackEmulator["sendWebhook"]>[0],
  options: Parameters<PaystackEmulator["sendWebhook"]>[1] = {},
): Promise<CapturedWebhook> {
  const [delivery] = await emulator.sendWebhook(event, { url: receiver.url(INSTANCE_ID), ...options });
  expect(delivery?.status).toBe(200);
  return receiver.next();
}

describe("parseWebhook: charge.success", () => {
  it("turns a real signed delivery into a succeeded event with amount and reference", async () => {
    const { payment, webhook } = await paidAndDelivered(150_050);
    expect(webhook.path).toBe(`/webhooks/paystack/${INSTANCE_ID}`);
    const id = String(emulator.transaction(payment.providerRef)?.id);

    const event = await client.parseWebhook(webhook);

    expect(event).toEqual({
      eventKey: `charge.success:${id}`,
      providerRef: payment.providerRef,
      outcome: "succeeded",
      amount: { amount: 150_050, currency: "KES" },
      receipt: payment.providerRef,
      providerCode: "success",
    });
  });

  it("verifies the exact bytes: unicode and odd whitespace, rightly signed, are accepted", async () => {
    const { payment } = await paidAndDelivered();
    const data = { ...emulator.transactionData(payment.providerRef), message: "Malipo ya chai ☕ — asante" };
    const bodyOverride = `{ "event" :"charge.success",\n\t"data": ${JSON.stringify(data, null, 3)} }  \n`;
    const webhook = await sent({ event: "charge.success", data }, { bodyOverride, signWith: "right" });
    expect(webhook.rawBody.toString("utf8")).toBe(bodyOverride);
    const event = await client.parseWebhook(webhook);
    expect(event.outcome).toBe("succeeded");
    expect(event.providerRef).toBe(payment.providerRef);
  });

  it("keeps every digit of an id above 2^53 in the event key", async () => {
    const { payment } = await paidAndDelivered();
    const hugeId = "18446744073709551615";
    expect(String(Number(hugeId))).not.toBe(hugeId);
    const data = { ...emulator.transactionData(payment.providerRef), id: "__ID__" };
    const bodyOverride = JSON.stringify({ event: "charge.success", data }).replace('"__ID__"', hugeId);
    expect(bodyOverride).toContain(`"id":${hugeId},`);

    const event = await client.parseWebhook(await sent({ event: "charge.success", data }, { bodyOverride }));

    expect(event.eventKey).toBe(`charge.success:${hugeId}`);
    // A neighbour that a double could not tell apart gets its own key.
    const neighbour = bodyOverride.replace(hugeId, "18446744073709551614");
    const other = await client.parseWebhook(
      await sent({ event: "charge.success", data }, { bodyOverride: neighbour }),
    );
    expect(other.eventKey).toBe("charge.success:18446744073709551614");
  });

  it("does not act on a charge.success whose data.status says otherwise", async () => {
    const { payment } = await paidAndDelivered();
    const data = { ...emulator.transactionData(payment.providerRef), status: "failed" };
    const event = await client.parseWebhook(await sent({ event: "charge.success", data }));
    expect(event.outcome).toBe("pending");
    expect(event.amount).toBeUndefined();
  });
});

describe("parseWebhook: authenticity", () => {
  const forgeries: SignMode[] = [
    "wrong-key",
    "reserialized",
    "other-body",
    "sha256",
    "uppercase",
    "truncated",
    "random",
    "empty",
    "none",
  ];

  it.each(forgeries)("refuses a %s signature as unauthorized", async (signWith) => {
    const { payment } = await paidAndDelivered();
    const webhook = await sent(payment.providerRef, { signWith });
    if (signWith === "none") expect(webhook.headers["x-paystack-signature"]).toBeUndefined();
    if (signWith === "empty") expect(webhook.headers["x-paystack-signature"]).toBe("");
    // The body itself is a genuine event: only the signature is wrong.
    expect(JSON.parse(webhook.rawBody.toString("utf8")).event).toBe("charge.success");

    const error = await providerErrorOf(() => client.parseWebhook(webhook));

    expect(error.code).toBe("unauthorized");
    expect(error.retryable).toBe(false);
  });

  it("gives every signature failure the same message, so nothing tells which check failed", async () => {
    const { payment } = await paidAndDelivered();
    const messages = new Set<string>();
    for (const signWith of ["none", "truncated", "wrong-key"] as const) {
      const webhook = await sent(payment.providerRef, { signWith });
      messages.add((await providerErrorOf(() => client.parseWebhook(webhook))).message);
    }
    expect(messages.size).toBe(1);
  });

  it("refuses a real delivery checked with another account's key", async () => {
    const { webhook } = await paidAndDelivered();
    const other = createTestClient({
      config: testConfig(emulator.baseUrl, { secretKey: "sk_test_other0001" }),
    });
    expect((await providerErrorOf(() => other.parseWebhook(webhook))).code).toBe("unauthorized");
  });

  it("refuses a body altered after signing (the amount changed)", async () => {
    const { webhook } = await paidAndDelivered(45_000);
    const tampered: WebhookRequest = {
      ...webhook,
      rawBody: Buffer.from(webhook.rawBody.toString("utf8").replace('"amount":45000', '"amount":4500000')),
    };
    expect(tampered.rawBody.equals(webhook.rawBody)).toBe(false);
    expect((await providerErrorOf(() => client.parseWebhook(tampered))).code).toBe("unauthorized");
  });

  it("finds the signature header whatever its case", async () => {
    const { webhook } = await paidAndDelivered();
    const { "x-paystack-signature": signature, ...rest } = webhook.headers;
    const event = await client.parseWebhook({
      ...webhook,
      headers: { ...rest, "X-Paystack-Signature": signature },
    });
    expect(event.outcome).toBe("succeeded");
  });

  it("refuses a rightly signed delivery from an address off the allowlist as forbidden", async () => {
    const { webhook } = await paidAndDelivered();
    expect(webhook.sourceIp).toMatch(/127\.0\.0\.1$/);
    const guarded = createTestClient({
      config: testConfig(emulator.baseUrl, { allowedIps: [...PAYSTACK_SOURCE_IPS] }),
    });
    const error = await providerErrorOf(() => guarded.parseWebhook(webhook));
    expect(error.code).toBe("forbidden");
    // No address at all is not on the list either.
    const { sourceIp: _ip, ...withoutIp } = webhook;
    expect((await providerErrorOf(() => guarded.parseWebhook(withoutIp))).code).toBe("forbidden");
  });

  it("accepts a delivery from an allowed address, IPv4-mapped IPv6 included", async () => {
    const { webhook } = await paidAndDelivered();
    const guarded = createTestClient({
      config: testConfig(emulator.baseUrl, { allowedIps: ["52.31.139.75", "127.0.0.1"] }),
    });
    expect((await guarded.parseWebhook(webhook)).outcome).toBe("succeeded");
    expect((await guarded.parseWebhook({ ...webhook, sourceIp: "::ffff:52.31.139.75" })).outcome).toBe(
      "succeeded",
    );
  });

  it("checks the signature before the address: a forgery from a bad address is unauthorized", async () => {
    const { payment } = await paidAndDelivered();
    const webhook = await sent(payment.providerRef, { signWith: "random" });
    const guarded = createTestClient({
      config: testConfig(emulator.baseUrl, { allowedIps: [...PAYSTACK_SOURCE_IPS] }),
    });
    expect((await providerErrorOf(() => guarded.parseWebhook(webhook))).code).toBe("unauthorized");
  });
});

describe("parseWebhook: secret key rotation", () => {
  const NEW_KEY = "sk_test_rotated0123456789abcdef";
  const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
  const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

  /** An instance whose key was just rotated: the emulator still signs with the old (default) one. */
  const rotated = (previousSecretKeyUntil: string) =>
    createTestClient({
      config: testConfig(emulator.baseUrl, {
        secretKey: NEW_KEY,
        previousSecretKey: DEFAULT_SECRET_KEY,
        previousSecretKeyUntil,
      }),
    });

  it("accepts a delivery signed with the previous key during the window", async () => {
    const { webhook } = await paidAndDelivered();
    expect((await rotated(inAnHour()).parseWebhook(webhook)).outcome).toBe("succeeded");
  });

  it("refuses the previous key once the window has ended", async () => {
    const { webhook } = await paidAndDelivered();
    expect((await providerErrorOf(() => rotated(anHourAgo()).parseWebhook(webhook))).code).toBe(
      "unauthorized",
    );
  });

  it("refuses the old key with no previous key configured", async () => {
    const { webhook } = await paidAndDelivered();
    const withoutWindow = createTestClient({ config: testConfig(emulator.baseUrl, { secretKey: NEW_KEY }) });
    expect((await providerErrorOf(() => withoutWindow.parseWebhook(webhook))).code).toBe("unauthorized");
  });

  it("still takes the current key during the window, and calls Paystack with it alone", async () => {
    const { webhook } = await paidAndDelivered();
    // The emulator knows only DEFAULT_SECRET_KEY: an API call made with the previous key would be a 401.
    const client = createTestClient({
      config: testConfig(emulator.baseUrl, {
        secretKey: DEFAULT_SECRET_KEY,
        previousSecretKey: "sk_test_retired0123456789abcdef",
        previousSecretKeyUntil: inAnHour(),
      }),
    });
    expect((await client.parseWebhook(webhook)).outcome).toBe("succeeded");
    const payment = await initiatedPayment(client);
    expect(payment.providerRef).toBeTruthy();
  });

  it("refuses a previous key without the end of its window", () => {
    expect(() => testConfig(emulator.baseUrl, { previousSecretKey: DEFAULT_SECRET_KEY })).toThrow(
      /previousSecretKeyUntil is required with previousSecretKey/,
    );
  });
});

describe("parseWebhook: shape", () => {
  const dummy = { event: "charge.success", data: {} };

  it.each([
    ["not JSON", "{ event: charge.success"],
    ["an empty body", ""],
    ["JSON null", "null"],
    ["an event that is not a string", JSON.stringify({ event: 1, data: {} })],
    [
      "charge.success without a reference",
      JSON.stringify({ event: "charge.success", data: { id: 1, amount: 100, currency: "KES" } }),
    ],
    [
      "charge.success with a fractional amount",
      JSON.stringify({
        event: "charge.success",
        data: { id: 1, reference: "r", amount: 100.5, currency: "KES" },
      }),
    ],
    [
      "charge.success without a currency",
      JSON.stringify({ event: "charge.success", data: { id: 1, reference: "r", amount: 100 } }),
    ],
  ])("refuses %s with a valid signature as malformed", async (_label, bodyOverride) => {
    const webhook = await sent(dummy, { bodyOverride, signWith: "right" });
    const error = await providerErrorOf(() => client.parseWebhook(webhook));
    expect(error.code).toBe("malformed");
    expect(error.retryable).toBe(false);
  });
});

describe("parseWebhook: other events", () => {
  it("records a real refund.pending as not_handled, keyed by event and refund id", async () => {
    const { payment } = await paidAndDelivered();
    const refund = await client.refund?.(payment, money(10_000, "KES"));
    const webhook = await receiver.next();
    expect(JSON.parse(webhook.rawBody.toString("utf8")).event).toBe("refund.pending");

    const event = await client.parseWebhook(webhook);

    expect(event).toEqual({
      eventKey: `refund.pending:${refund?.providerRef}`,
      outcome: "not_handled",
      providerRef: payment.providerRef,
      providerCode: "refund.pending",
    });
    // Its later refund.processed is another event.
    await emulator.processRefunds();
    const processed = await client.parseWebhook(await receiver.next());
    expect(processed.eventKey).toBe(`refund.processed:${refund?.providerRef}`);
  });

  it("keys an event without id or reference by the body's SHA-256, the same for a redelivery", async () => {
    const body = { event: "transfer.success", data: { amount: 5000, recipient: { name: "Mama Mboga" } } };
    const first = await sent(body);
    const second = await sent(body);
    const expected = `transfer.success:${createHash("sha256").update(first.rawBody).digest("hex")}`;
    expect((await client.parseWebhook(first)).eventKey).toBe(expected);
    expect((await client.parseWebhook(second)).eventKey).toBe(expected);
    expect((await client.parseWebhook(second)).outcome).toBe("not_handled");
  });

  it("keys an event by data.id before data.reference, and by the reference when there is no id", async () => {
    const dispute = await client.parseWebhook(
      await sent({ event: "charge.dispute.create", data: { id: 4242, reference: "pay-x" } }),
    );
    expect(dispute).toMatchObject({
      eventKey: "charge.dispute.create:4242",
      outcome: "not_handled",
      providerRef: "pay-x",
    });
    const byReference = await client.parseWebhook(
      await sent({ event: "paymentrequest.success", data: { reference: "PRQ_1" } }),
    );
    expect(byReference.eventKey).toBe("paymentrequest.success:PRQ_1");
  });

  it("keys a refund that failed on the refund card like the others (amount as a number there)", async () => {
    const payment = await initiatedPayment(client);
    await emulator.pay(payment.providerRef, { card: TEST_CARDS.refundFails });
    await receiver.next();
    const refund = await client.refund?.(payment, payment.amount);
    await receiver.next();
    await emulator.processRefunds();
    const failed = await client.parseWebhook(await receiver.next());
    expect(failed).toMatchObject({
      eventKey: `refund.failed:${refund?.providerRef}`,
      outcome: "not_handled",
    });
  });
});
