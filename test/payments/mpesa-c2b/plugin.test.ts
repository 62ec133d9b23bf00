/**
 * The mpesa-c2b plugin on its own: the shopper's instructions, the callback paths and what they
 * accept, validation answers from a lookup, confirmation parsing, and URL registration against the
 * Daraja emulator.
 */
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createDarajaEmulator,
  type DarajaEmulator,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import { money } from "../../../src/domain/money.js";
import { generateCallbackToken } from "../../../src/payments/mpesa/index.js";
import {
  type C2bConfig,
  c2bConfigSchema,
  createMpesaC2bPlugin,
  INVALID_ACCOUNT,
  INVALID_AMOUNT,
} from "../../../src/payments/mpesa-c2b/index.js";
import type { PaymentLookup, ProviderClient, WebhookRequest } from "../../../src/payments/plugin.js";
import { webhookUrlOf } from "../../../src/payments/plugin-webhook.js";
import { createTestRedis, initiateRequest, type TestRedis, testPayment } from "../mpesa/harness.js";

const plugin = createMpesaC2bPlugin();
let daraja: DarajaEmulator;
let redis: TestRedis;

beforeAll(async () => {
  daraja = await createDarajaEmulator({ c2bRegisterOnce: true });
  redis = createTestRedis();
});
afterAll(async () => {
  await daraja.close();
  await redis.cleanup();
});

function configOf(overrides: Record<string, unknown> = {}): C2bConfig {
  return c2bConfigSchema.parse({
    consumerKey: DEFAULT_CONSUMER_KEY,
    consumerSecret: DEFAULT_CONSUMER_SECRET,
    shortcode: SANDBOX_SHORTCODE,
    baseUrl: daraja.baseUrl,
    callbackToken: generateCallbackToken(),
    ...overrides,
  });
}

function clientOf(config: C2bConfig): { client: ProviderClient; webhookUrl: string } {
  const id = `pi_${randomBytes(6).toString("hex")}`;
  const publicUrl = "https://duka.example.com";
  const webhookUrl = webhookUrlOf(publicUrl, plugin, { id, config })!;
  const client = plugin.create({
    id,
    tenantId: "t1",
    testMode: true,
    config,
    publicUrl,
    webhookUrl,
    shared: redis.shared(id),
  });
  return { client, webhookUrl };
}

const confirmation = (overrides: Record<string, unknown> = {}) => ({
  TransactionType: "Pay Bill",
  TransID: "UL3XDEMO7Q",
  TransTime: "20261203101512",
  TransAmount: "1250.00",
  BusinessShortCode: "600984",
  BillRefNumber: "dk 4zte5",
  InvoiceNumber: "",
  OrgAccountBalance: "48250.00",
  ThirdPartyTransID: "",
  MSISDN: "2547 ***** 126",
  FirstName: "WANJIKU",
  MiddleName: "",
  LastName: "",
  ...overrides,
});

function request(
  config: C2bConfig,
  kind: string,
  body: unknown,
  token = config.callbackToken,
): WebhookRequest {
  return {
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: {},
    params: { instanceId: "pi_x", token, kind },
  };
}

const lookup = (answer: Awaited<ReturnType<PaymentLookup["dueFor"]>>) => {
  const asked: string[] = [];
  const service: PaymentLookup = {
    dueFor: async (account) => {
      asked.push(account);
      return answer;
    },
  };
  return { service, asked };
};

describe("initiate", () => {
  it("tells the shopper the Paybill, the account (the order reference) and the amount, with no provider call", async () => {
    const before = daraja.calls().length;
    const { client } = clientOf(configOf());
    const payment = testPayment({
      method: "paybill",
      provider: "mpesa-c2b",
      orderRef: "DK-4ZTE5",
      amount: money(10_000, "KES"),
    });
    const result = await client.initiate(initiateRequest(payment, undefined));
    expect(result).toEqual({
      status: "pending",
      providerRef: "DK-4ZTE5",
      action: { kind: "instructions", text: `Pay Bill ${SANDBOX_SHORTCODE}, account DK-4ZTE5, KES 100.00` },
    });
    expect(daraja.calls().length).toBe(before);
  });

  it("words a Till as Buy Goods with its own number, and asks the payer's phone for it only", async () => {
    const till = configOf({ type: "till", shortcode: "600100", tillNumber: "654321" });
    const payment = testPayment({ method: "paybill", provider: "mpesa-c2b", amount: money(10_000, "KES") });
    const result = await clientOf(till).client.initiate(initiateRequest(payment, "254712345126"));
    expect(result.action).toEqual({ kind: "instructions", text: "Buy Goods Till 654321, KES 100.00" });
    expect(plugin.payer?.({ type: "till" })?.field).toBe("phone");
    expect(plugin.payer?.({ type: "paybill" })).toBeUndefined();
  });

  it("refuses cents and other currencies before the shopper is told to pay", async () => {
    const { client } = clientOf(configOf());
    for (const amount of [money(10_050, "KES"), money(10_000, "UGX")]) {
      const payment = testPayment({ method: "paybill", provider: "mpesa-c2b", amount });
      await expect(client.initiate(initiateRequest(payment, undefined))).rejects.toMatchObject({
        code: "invalid_amount",
      });
    }
  });
});

describe("callback paths", () => {
  it("puts the token and the kind in the path, with no word Daraja refuses", () => {
    const config = configOf();
    const { webhookUrl } = clientOf(config);
    expect(webhookUrl).toMatch(
      new RegExp(`/webhooks/daraja-c2b/pi_[0-9a-f]+/${config.callbackToken}/confirmation$`),
    );
    expect(webhookUrl).not.toMatch(/mpesa|safaricom|query|exe|cmd|sql/i);
  });

  it("refuses a wrong token, an unknown kind and an address off the allowlist", async () => {
    const config = configOf({ allowedIps: ["196.201.214.200"] });
    const { client } = clientOf(config);
    const body = confirmation();
    const paid = { ...request(config, "confirmation", body), sourceIp: "196.201.214.200" };
    expect((await client.parseWebhook(paid)).eventKey).toBe("c2b:UL3XDEMO7Q");
    await expect(
      client.parseWebhook({ ...paid, params: { ...paid.params, token: generateCallbackToken() } }),
    ).rejects.toMatchObject({ code: "unauthorized" });
    await expect(
      client.parseWebhook({ ...paid, params: { ...paid.params, kind: "results" } }),
    ).rejects.toMatchObject({ code: "unauthorized" });
    await expect(client.parseWebhook({ ...paid, sourceIp: "10.0.0.1" })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("confirmation", () => {
  it("becomes money received: TransID as the key, the amount, Kenya time, account, masked MSISDN and name", async () => {
    const config = configOf();
    const event = await clientOf(config).client.parseWebhook(request(config, "confirmation", confirmation()));
    expect(event).toEqual({
      eventKey: "c2b:UL3XDEMO7Q",
      outcome: "succeeded",
      providerRef: "DK-4ZTE5",
      amount: money(125_000, "KES"),
      receipt: "UL3XDEMO7Q",
      received: {
        transId: "UL3XDEMO7Q",
        amount: money(125_000, "KES"),
        paidAt: new Date("2026-12-03T07:15:12Z"),
        account: "dk 4zte5",
        msisdn: "2547 ***** 126",
        payerName: "WANJIKU",
      },
    });
  });

  it("reads a Till confirmation without an account, numbers as text, and decimals", async () => {
    const config = configOf();
    const event = await clientOf(config).client.parseWebhook(
      request(
        config,
        "confirmation",
        confirmation({ BillRefNumber: "", TransAmount: 5, TransactionType: "Buy Goods", FirstName: "" }),
      ),
    );
    expect(event.providerRef).toBeUndefined();
    expect(event.received).toEqual({
      transId: "UL3XDEMO7Q",
      amount: money(500, "KES"),
      paidAt: expect.any(Date),
      msisdn: "2547 ***** 126",
    });
  });

  it.each([
    ["no TransID", { TransID: undefined }],
    ["a TransTime that is no date", { TransTime: "20261332101512" }],
    ["a negative amount", { TransAmount: "-5.00" }],
    ["an amount in words", { TransAmount: "ten" }],
  ])("refuses a confirmation with %s as malformed", async (_label, overrides) => {
    const config = configOf();
    await expect(
      clientOf(config).client.parseWebhook(request(config, "confirmation", confirmation(overrides))),
    ).rejects.toMatchObject({ code: "malformed", retryable: false });
  });
});

describe("validation", () => {
  const validated = async (
    config: C2bConfig,
    answer: Parameters<typeof lookup>[0],
    body = confirmation({ TransAmount: "100.00" }),
  ) => {
    const { service, asked } = lookup(answer);
    const { client } = clientOf(config);
    const result = await client.answerWebhook!(request(config, "validation", body), service);
    return { body: result?.body, asked };
  };

  it("accepts everything when the instance does not validate", async () => {
    expect((await validated(configOf(), { kind: "unknown" })).body).toEqual({
      ResultCode: "0",
      ResultDesc: "Accepted",
    });
  });

  it("refuses an unknown or closed account and an amount above what is due, with Daraja's codes", async () => {
    const config = configOf({ validate: true });
    const unknown = await validated(config, { kind: "unknown" });
    expect(unknown).toEqual({
      body: { ResultCode: INVALID_ACCOUNT, ResultDesc: "Rejected" },
      asked: ["dk 4zte5"],
    });
    expect((await validated(config, { kind: "closed" })).body).toEqual({
      ResultCode: INVALID_ACCOUNT,
      ResultDesc: "Rejected",
    });
    expect((await validated(config, { kind: "due", due: money(9_900, "KES") })).body).toEqual({
      ResultCode: INVALID_AMOUNT,
      ResultDesc: "Rejected",
    });
    expect((await validated(config, { kind: "due", due: money(10_000, "KES") })).body).toEqual({
      ResultCode: "0",
      ResultDesc: "Accepted",
    });
    // Less than due is a payment in part: accepted, the rest is asked for after.
    expect((await validated(config, { kind: "due", due: money(20_000, "KES") })).body).toMatchObject({
      ResultCode: "0",
    });
  });

  it("leaves confirmations to parseWebhook and authenticates validations the same way", async () => {
    const config = configOf({ validate: true });
    const { client } = clientOf(config);
    const { service } = lookup({ kind: "unknown" });
    expect(
      await client.answerWebhook!(request(config, "confirmation", confirmation()), service),
    ).toBeUndefined();
    await expect(
      client.answerWebhook!(request(config, "validation", confirmation(), generateCallbackToken()), service),
    ).rejects.toMatchObject({ code: "unauthorized" });
    await expect(
      client.answerWebhook!(request(config, "validation", { nothing: true }), service),
    ).rejects.toMatchObject({
      code: "malformed",
    });
  });
});

describe("register URLs", () => {
  afterEach(() => daraja.clearFaults());

  it("registers both URLs, then reports a production repeat without failing", async () => {
    const config = configOf({ responseType: "Cancelled" });
    const { client, webhookUrl } = clientOf(config);
    expect((await client.registerWebhooks!()).message).toContain("registered the URLs");
    expect(daraja.registeredUrls(SANDBOX_SHORTCODE)).toEqual({
      shortcode: SANDBOX_SHORTCODE,
      version: "v2",
      responseType: "Cancelled",
      confirmationUrl: webhookUrl,
      validationUrl: webhookUrl.replace(/confirmation$/, "validation"),
    });
    expect((await client.registerWebhooks!()).message).toMatch(/already has URLs.*URL Management/);
  });

  it("says why Daraja refused, without a secret", async () => {
    const config = configOf({ shortcode: "600999" });
    const error = await clientOf(config).client.registerWebhooks!().catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: "unavailable", retryable: false, providerCode: "400.002.02" });
    expect(String((error as Error).message)).not.toContain(config.consumerSecret);
    expect(String((error as Error).message)).not.toContain(config.callbackToken);
  });
});

describe("Transaction Status (verify before value)", () => {
  const statusResult = (transId: string, overrides: Record<string, unknown> = {}, amount = 60) => ({
    Result: {
      ResultType: 0,
      ResultCode: 0,
      ResultDesc: "The service request is processed successfully.",
      TransactionID: transId,
      ResultParameters: {
        ResultParameter: [
          { Key: "ReceiptNo", Value: transId },
          { Key: "TransactionStatus", Value: "Completed" },
          { Key: "Amount", Value: amount },
        ],
      },
      ...overrides,
    },
  });
  const money60 = (transId: string) => ({
    transId,
    amount: money(6_000, "KES"),
    paidAt: new Date(),
    account: "DK-4ZTE5",
  });

  it("is off without an initiator: a confirmation is taken as it is", () => {
    expect(clientOf(configOf()).client.confirmReceived).toBeUndefined();
  });

  it("asks Daraja once, waits for the result callback, then confirms or refutes", async () => {
    const config = configOf({ initiatorName: "testapi", securityCredential: "c2VjcmV0Q3JlZGVudGlhbA==" });
    const { client, webhookUrl } = clientOf(config);
    const asked = () => daraja.calls("/mpesa/transactionstatus/v1/query");
    const before = asked().length;
    expect(await client.confirmReceived!(money60("TS00000001"))).toEqual({ outcome: "pending" });
    expect(await client.confirmReceived!(money60("TS00000001"))).toEqual({ outcome: "pending" });
    expect(asked().length).toBe(before + 1);
    expect(asked().at(-1)?.body).toMatchObject({
      Initiator: "testapi",
      CommandID: "TransactionStatusQuery",
      TransactionID: "TS00000001",
      PartyA: SANDBOX_SHORTCODE,
      IdentifierType: "4",
      ResultURL: webhookUrl.replace(/confirmation$/, "result"),
      QueueTimeOutURL: webhookUrl.replace(/confirmation$/, "timeout"),
      Occasion: "DK-4ZTE5",
    });

    const answer = await client.answerWebhook!(
      request(config, "result", statusResult("TS00000001")),
      lookup({ kind: "unknown" }).service,
    );
    expect(answer).toEqual({ body: { ResultCode: 0, ResultDesc: "Accepted" } });
    expect(await client.confirmReceived!(money60("TS00000001"))).toEqual({ outcome: "confirmed" });

    // Another amount, or a transaction Daraja does not know: refuted, never settled.
    await client.answerWebhook!(
      request(config, "result", statusResult("TS00000002", {}, 6)),
      lookup({ kind: "unknown" }).service,
    );
    expect(await client.confirmReceived!(money60("TS00000002"))).toMatchObject({
      outcome: "refuted",
      reason: expect.stringContaining("KES 6"),
    });
    await client.answerWebhook!(
      request(
        config,
        "result",
        statusResult("TS00000003", { ResultCode: "R000001", ResultParameters: undefined }),
      ),
      lookup({ kind: "unknown" }).service,
    );
    expect(await client.confirmReceived!(money60("TS00000003"))).toMatchObject({ outcome: "refuted" });
  });

  it("finds money by its transaction id alone (a pasted code): who paid, how much and when, once Daraja answers", async () => {
    expect(clientOf(configOf()).client.findReceived).toBeUndefined();
    const config = configOf({ initiatorName: "testapi", securityCredential: "c2VjcmV0Q3JlZGVudGlhbA==" });
    const { client } = clientOf(config);
    const asked = () => daraja.calls("/mpesa/transactionstatus/v1/query");
    const before = asked().length;
    expect(await client.findReceived!("ts00000011")).toEqual({ outcome: "pending" });
    expect(asked().length).toBe(before + 1);
    expect(asked().at(-1)?.body).toMatchObject({ TransactionID: "ts00000011", Occasion: "" });

    const completed = statusResult("TS00000011");
    completed.Result.ResultParameters.ResultParameter.push(
      { Key: "DebitPartyName", Value: "254712345678 - JANE W DOE" },
      // Kenya time: 10:15:12 EAT is 07:15:12 UTC.
      { Key: "FinalisedTime", Value: 20261203101512 as unknown as string },
    );
    await client.answerWebhook!(request(config, "result", completed), lookup({ kind: "unknown" }).service);
    expect(await client.findReceived!("TS00000011")).toEqual({
      outcome: "found",
      received: {
        transId: "TS00000011",
        amount: money(6_000, "KES"),
        paidAt: new Date("2026-12-03T07:15:12Z"),
        msisdn: "254712345678",
        payerName: "JANE W DOE",
      },
    });

    await client.answerWebhook!(
      request(
        config,
        "result",
        statusResult("TS00000012", { ResultCode: "R000001", ResultParameters: undefined }),
      ),
      lookup({ kind: "unknown" }).service,
    );
    expect(await client.findReceived!("TS00000012")).toMatchObject({
      outcome: "not_found",
      reason: expect.stringContaining("R000001"),
    });
  });

  it("authenticates result callbacks like the others, and refuses one that is no result", async () => {
    const config = configOf({ initiatorName: "testapi", securityCredential: "cred" });
    const { client } = clientOf(config);
    const { service } = lookup({ kind: "unknown" });
    await expect(
      client.answerWebhook!(request(config, "result", statusResult("TS1"), generateCallbackToken()), service),
    ).rejects.toMatchObject({ code: "unauthorized" });
    await expect(
      client.answerWebhook!(request(config, "result", { Result: {} }), service),
    ).rejects.toMatchObject({ code: "malformed" });
    // A result is never an event for the inbox.
    await expect(client.parseWebhook(request(config, "result", statusResult("TS1")))).rejects.toMatchObject({
      code: "unauthorized",
    });
  });
});
