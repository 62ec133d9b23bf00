/**
 * The mpesa-c2b plugin's Pull Transactions against the Daraja emulator: registration with the
 * URLs (tolerating "already registered"), the same inbox event as the confirmation, paging, and
 * reading Daraja's rows.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDarajaEmulator,
  type DarajaEmulator,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  PULL_PAGE_SIZE,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import { money } from "../../../src/domain/money.js";
import { generateCallbackToken } from "../../../src/payments/mpesa/index.js";
import {
  type C2bConfig,
  c2bConfigSchema,
  createMpesaC2bPlugin,
} from "../../../src/payments/mpesa-c2b/index.js";
import { kenyaDateTimeText, rowToReceivedMoney } from "../../../src/payments/mpesa-c2b/pull.js";
import { type ProviderClient, ProviderError } from "../../../src/payments/plugin.js";
import { webhookUrlOf } from "../../../src/payments/plugin-webhook.js";
import { createTestRedis, type TestRedis } from "../mpesa/harness.js";

const plugin = createMpesaC2bPlugin();
const NOMINATED = "254722000111";
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
    pullNominatedNumber: NOMINATED,
    ...overrides,
  });
}

/** Callbacks go to a closed local port: refused at once, and the emulator keeps what it sent. */
function clientOf(config: C2bConfig): ProviderClient {
  const id = `pi_${randomBytes(6).toString("hex")}`;
  const publicUrl = "http://127.0.0.1:9";
  const webhookUrl = webhookUrlOf(publicUrl, plugin, { id, config })!;
  return plugin.create({
    id,
    tenantId: "t1",
    testMode: true,
    config,
    publicUrl,
    webhookUrl,
    shared: redis.shared(id),
  });
}

const HOUR = 60 * 60 * 1000;

describe("Pull Transactions", () => {
  it("registers the shortcode with the URLs, to the pull callback path, and reports a repeat without failing", async () => {
    const config = configOf();
    const client = clientOf(config);
    const first = await client.registerWebhooks!();
    expect(first.message).toContain(`registered ${SANDBOX_SHORTCODE} for Pull Transactions`);
    const registered = daraja.pullRegistration(SANDBOX_SHORTCODE);
    expect(registered).toMatchObject({ nominatedNumber: NOMINATED });
    expect(registered?.callbackUrl).toMatch(new RegExp(`/${config.callbackToken}/pull$`));
    expect(registered?.callbackUrl).not.toMatch(/mpesa|safaricom|query/i);
    expect((await client.registerWebhooks!()).message).toContain("already registered for Pull Transactions");
    expect(
      await client.answerWebhook!(
        { rawBody: Buffer.from("{}"), headers: {}, params: { token: config.callbackToken, kind: "pull" } },
        { dueFor: async () => ({ kind: "unknown" }) },
      ),
    ).toEqual({ body: { ResultCode: 0, ResultDesc: "Accepted" } });
  });

  it("reports the URLs registered when Daraja refuses the pull registration (a sandbox shortcode)", async () => {
    const other = await createDarajaEmulator();
    try {
      other.failNext("/pulltransactions/v1/register", {
        status: 400,
        errorCode: "400.003.02",
        errorMessage: "Live shortcodes only",
      });
      const client = clientOf(configOf({ baseUrl: other.baseUrl }));
      const error = await client.registerWebhooks!().catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toMatch(
        /registered the URLs.*; Daraja refused the Pull Transactions registration.*Live shortcodes only/,
      );
      expect(other.registeredUrls(SANDBOX_SHORTCODE)).toBeDefined();
      expect(other.pullRegistration(SANDBOX_SHORTCODE)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it("has nothing to pull without a nominated number", () => {
    expect(clientOf(configOf({ pullNominatedNumber: undefined })).pullReceived).toBeUndefined();
    expect(() => configOf({ pullNominatedNumber: "0712345678" })).toThrow(/Safaricom number/);
  });

  it("finds a payment whose confirmation was dropped as the very event its confirmation makes", async () => {
    const client = clientOf(configOf());
    const since = new Date(Date.now() - 60_000);
    // Sent (and refused by the closed port): the body the confirmation carries.
    const sent = await daraja.payBill({ account: "DK-PULL1", amount: 60, phone: "0712345677" });
    const dropped = await daraja.payBill({
      account: "DK-PULL2",
      amount: 75,
      phone: "0712345678",
      delivery: "drop",
    });
    const pulled = await client.pullReceived!(since, new Date(Date.now() + 1000));
    const ours = pulled.filter((event) => [sent.transId, dropped.transId].includes(event.receipt ?? ""));
    expect(ours.map((event) => event.eventKey)).toEqual([`c2b:${sent.transId}`, `c2b:${dropped.transId}`]);

    const confirmation = sent.deliveries[0]!.body;
    const config = configOf();
    const fromConfirmation = await clientOf(config).parseWebhook({
      rawBody: Buffer.from(JSON.stringify(confirmation)),
      headers: {},
      params: { token: config.callbackToken, kind: "confirmation" },
    });
    const { received, ...event } = ours[0]!;
    const { received: confirmed, ...confirmedEvent } = fromConfirmation;
    expect(event).toEqual(confirmedEvent);
    expect(received).toEqual({ ...confirmed, msisdn: "254712345677", payerName: undefined });
    expect(ours[1]).toMatchObject({
      outcome: "succeeded",
      amount: money(7500, "KES"),
      received: { transId: dropped.transId, account: "DK-PULL2", msisdn: "254712345678" },
    });
  });

  it("pages through more than one page, once each", async () => {
    const client = clientOf(configOf());
    const since = new Date(Date.now() - 1000);
    const paid = [];
    for (let i = 0; i <= PULL_PAGE_SIZE; i++) {
      paid.push(
        (await daraja.payBill({ account: `P${i}`, amount: 1, phone: "0712345600", delivery: "drop" }))
          .transId,
      );
    }
    const pulled = await client.pullReceived!(since, new Date(Date.now() + 1000));
    expect(pulled.map((event) => event.receipt)).toEqual(expect.arrayContaining(paid));
    expect(new Set(pulled.map((event) => event.eventKey)).size).toBe(pulled.length);
  });

  it("reports Daraja's refusal (a shortcode never registered) as the provider being unavailable", async () => {
    const other = await createDarajaEmulator({ c2bRegisterOnce: true });
    try {
      const client = clientOf(configOf({ baseUrl: other.baseUrl }));
      const error = await client.pullReceived!(new Date(Date.now() - HOUR), new Date()).catch(
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toMatch(/refused the Pull Transactions query.*400\.003\.01/);
    } finally {
      await other.close();
    }
  });
});

describe("Daraja's rows", () => {
  it("reads a zoneless trxDate as Kenya time, and a dated one as written", () => {
    const row = {
      transactionId: "ul3xdemo7q",
      trxDate: "2026-12-03 10:15:12",
      msisdn: 254712345678,
      billreference: "",
      amount: 1250,
    };
    expect(rowToReceivedMoney(row)).toEqual({
      transId: "UL3XDEMO7Q",
      amount: money(125_000, "KES"),
      paidAt: new Date("2026-12-03T07:15:12Z"),
      msisdn: "254712345678",
    });
    expect(rowToReceivedMoney({ ...row, trxDate: "2026-12-03T10:15:12+03:00" }).paidAt).toEqual(
      new Date("2026-12-03T07:15:12Z"),
    );
    expect(kenyaDateTimeText(new Date("2026-12-03T07:00:00Z"))).toBe("2026-12-03 10:00:00");
  });

  it("refuses a row that is not a payment", () => {
    for (const bad of [
      { transactionId: "X", trxDate: "2026-12-03 10:00:00", amount: "1" },
      { transactionId: "UL3XDEMO7Q", trxDate: "yesterday", amount: "1" },
      { transactionId: "UL3XDEMO7Q", trxDate: "2026-02-30 10:00:00", amount: "1" },
      { transactionId: "UL3XDEMO7Q", trxDate: "2026-12-03 10:00:00", amount: "-1" },
    ]) {
      expect(() => rowToReceivedMoney(bad)).toThrow(ProviderError);
    }
  });
});
