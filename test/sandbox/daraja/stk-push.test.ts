import { afterEach, describe, expect, it } from "vitest";
import {
  DARAJA_PATHS,
  DarajaEmulatorError,
  SANDBOX_MSISDN,
  SANDBOX_PASSKEY,
  stkPassword,
  toDarajaTimestamp,
} from "../../../sandbox/daraja/index.js";
import { runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, msisdn, startDaraja } from "./helpers.js";

afterEach(runCleanups);

const LOCKED = "Unable to lock subscriber, a transaction is already in process for the current subscriber";
const HOUR = 60 * 60 * 1000;

function invalid(field: string) {
  return { status: 400, errorCode: "400.002.02", errorMessage: `Bad Request - Invalid ${field}` };
}

/** Each row: a change to an otherwise valid request, and Daraja's documented answer. */
const REJECTIONS: Array<
  [
    label: string,
    overrides: (client: DarajaTestClient) => Record<string, unknown>,
    expected: ReturnType<typeof invalid>,
  ]
> = [
  ["BusinessShortCode missing", () => ({ BusinessShortCode: undefined }), invalid("BusinessShortCode")],
  ["BusinessShortCode not digits", () => ({ BusinessShortCode: "17437a" }), invalid("BusinessShortCode")],
  ["BusinessShortCode 4 digits", () => ({ BusinessShortCode: 1743 }), invalid("BusinessShortCode")],
  ["BusinessShortCode 8 digits", () => ({ BusinessShortCode: "17437900" }), invalid("BusinessShortCode")],
  [
    "BusinessShortCode unknown",
    (c) => {
      const timestamp = c.timestamp();
      return {
        BusinessShortCode: 600000,
        PartyB: 600000,
        Timestamp: timestamp,
        Password: c.password(timestamp, "600000"),
      };
    },
    { status: 500, errorCode: "500.001.1001", errorMessage: "Merchant does not exist" },
  ],
  ["Password missing", () => ({ Password: undefined }), invalid("Password")],
  ["Password empty", () => ({ Password: "" }), invalid("Password")],
  [
    "Password wrong",
    () => ({ Password: Buffer.from("nope").toString("base64") }),
    { status: 500, errorCode: "500.001.1001", errorMessage: "Wrong credentials" },
  ],
  [
    "Password built from another Timestamp",
    (c) => ({ Password: c.password(toDarajaTimestamp(Date.now() - 60_000)) }),
    { status: 500, errorCode: "500.001.1001", errorMessage: "Wrong credentials" },
  ],
  [
    "Password built with the wrong passkey",
    (c) => ({ Password: stkPassword("174379", `${SANDBOX_PASSKEY}x`, c.timestamp()) }),
    { status: 500, errorCode: "500.001.1001", errorMessage: "Wrong credentials" },
  ],
  ["Timestamp missing", () => ({ Timestamp: undefined }), invalid("Timestamp")],
  ["Timestamp ISO formatted", () => ({ Timestamp: "2024-06-28T09:24:08" }), invalid("Timestamp")],
  ["Timestamp 30 February", () => ({ Timestamp: "20240230092408" }), invalid("Timestamp")],
  ["Timestamp hour 24", () => ({ Timestamp: "20240628242408" }), invalid("Timestamp")],
  [
    "Timestamp 2 hours old (with a matching Password)",
    (c) => {
      const timestamp = toDarajaTimestamp(Date.now() - 2 * HOUR);
      return { Timestamp: timestamp, Password: c.password(timestamp) };
    },
    invalid("Timestamp"),
  ],
  [
    "Timestamp in UTC instead of Kenya time",
    (c) => {
      const timestamp = toDarajaTimestamp(Date.now() - 3 * HOUR);
      return { Timestamp: timestamp, Password: c.password(timestamp) };
    },
    invalid("Timestamp"),
  ],
  ["TransactionType missing", () => ({ TransactionType: undefined }), invalid("TransactionType")],
  ["TransactionType unknown", () => ({ TransactionType: "CustomerPayBill" }), invalid("TransactionType")],
  [
    "TransactionType wrong case",
    () => ({ TransactionType: "customerpaybillonline" }),
    invalid("TransactionType"),
  ],
  [
    "TransactionType Buy Goods on a Paybill",
    () => ({ TransactionType: "CustomerBuyGoodsOnline" }),
    invalid("TransactionType"),
  ],
  ["Amount missing", () => ({ Amount: undefined }), invalid("Amount")],
  ["Amount 0", () => ({ Amount: 0 }), invalid("Amount")],
  ["Amount negative", () => ({ Amount: -5 }), invalid("Amount")],
  ["Amount with cents", () => ({ Amount: 10.5 }), invalid("Amount")],
  ["Amount decimal string", () => ({ Amount: "10.00" }), invalid("Amount")],
  ["Amount words", () => ({ Amount: "ten" }), invalid("Amount")],
  ["Amount null", () => ({ Amount: null }), invalid("Amount")],
  ["PartyA missing", () => ({ PartyA: undefined }), invalid("PartyA")],
  ["PartyA local format", () => ({ PartyA: "0708374149" }), invalid("PartyA")],
  ["PartyA 11 digits", () => ({ PartyA: "25470837414" }), invalid("PartyA")],
  ["PartyA non-Safaricom prefix", () => ({ PartyA: "254808374149" }), invalid("PartyA")],
  ["PartyB missing", () => ({ PartyB: undefined }), invalid("PartyB")],
  ["PartyB not digits", () => ({ PartyB: "till" }), invalid("PartyB")],
  ["PartyB another shortcode", () => ({ PartyB: 600000 }), invalid("PartyB")],
  ["PhoneNumber missing", () => ({ PhoneNumber: undefined }), invalid("PhoneNumber")],
  ["PhoneNumber with +", () => ({ PhoneNumber: "+254708374149" }), invalid("PhoneNumber")],
  ["PhoneNumber with a space", () => ({ PhoneNumber: "254708374149 " }), invalid("PhoneNumber")],
  ["PhoneNumber 13 digits", () => ({ PhoneNumber: 2547083741490 }), invalid("PhoneNumber")],
  ["CallBackURL missing", () => ({ CallBackURL: undefined }), invalid("CallBackURL")],
  ["CallBackURL not a URL", () => ({ CallBackURL: "callback" }), invalid("CallBackURL")],
  ["CallBackURL ftp", () => ({ CallBackURL: "ftp://shop.example.co.ke/cb" }), invalid("CallBackURL")],
  [
    "CallBackURL with a leading space",
    () => ({ CallBackURL: " https://shop.example.co.ke/cb" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing mpesa",
    () => ({ CallBackURL: "https://shop.example.co.ke/mpesa/callback" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing M-Pesa",
    () => ({ CallBackURL: "https://shop.example.co.ke/M-Pesa/cb" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing MPESA encoded",
    () => ({ CallBackURL: "https://shop.example.co.ke/%4Dpesa" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing Safaricom",
    () => ({ CallBackURL: "https://shop.example.co.ke/SafaricomHook" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing exec",
    () => ({ CallBackURL: "https://shop.example.co.ke/exec/cb" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing exe",
    () => ({ CallBackURL: "https://shop.example.co.ke/cb.exe" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing cmd",
    () => ({ CallBackURL: "https://shop.example.co.ke/cmd" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing SQL",
    () => ({ CallBackURL: "https://shop.example.co.ke/SQL/cb" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL containing query",
    () => ({ CallBackURL: "https://shop.example.co.ke/cb?query=1" }),
    invalid("CallBackURL"),
  ],
  [
    "CallBackURL host containing mpesa",
    () => ({ CallBackURL: "https://mpesa.example.co.ke/cb" }),
    invalid("CallBackURL"),
  ],
  ["AccountReference missing", () => ({ AccountReference: undefined }), invalid("AccountReference")],
  ["AccountReference empty", () => ({ AccountReference: "" }), invalid("AccountReference")],
  [
    "AccountReference 13 characters",
    () => ({ AccountReference: "ABCDEFGHIJKLM" }),
    invalid("AccountReference"),
  ],
  [
    "TransactionDesc 14 characters",
    () => ({ TransactionDesc: "Payment for 14" }),
    invalid("TransactionDesc"),
  ],
  ["TransactionDesc a number", () => ({ TransactionDesc: 5 }), invalid("TransactionDesc")],
];

describe("Daraja emulator: STK push validation", () => {
  it.each(REJECTIONS)("%s", async (_label, overrides, expected) => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const answer = await client.push(overrides(client));
    expect(answer).toEqual({
      status: expected.status,
      body: {
        requestId: expect.any(String),
        errorCode: expected.errorCode,
        errorMessage: expected.errorMessage,
      },
    });
    expect(emulator.pushes()).toEqual([]);
  });

  it.each([
    ["numeric strings everywhere", { BusinessShortCode: "174379", PartyB: "174379", Amount: "250" }],
    ["an 0x1 (254 1…) MSISDN", { PartyA: "254110000001", PhoneNumber: "254110000001" }],
    ["TransactionDesc omitted", { TransactionDesc: undefined }],
    [
      "12-character AccountReference and 13-character TransactionDesc",
      { AccountReference: "ABCDEFGHIJKL", TransactionDesc: "ABCDEFGHIJKLM" },
    ],
    ["a plain-http local callback", { CallBackURL: "http://127.0.0.1:9/hooks/pay" }],
  ])("accepts %s", async (_label, overrides) => {
    const emulator = await startDaraja();
    const answer = await new DarajaTestClient(emulator).push(overrides);
    expect(answer.status).toBe(200);
    expect(emulator.pushes()).toHaveLength(1);
  });

  it("accepts the doc sample's password for its timestamp when the clock agrees", async () => {
    // providers.md §1.3: the sample password decodes to 174379 + sandbox passkey + 20210628092408.
    const docSampleNow = Date.UTC(2021, 5, 28, 6, 24, 8); // 09:24:08 in Kenya
    const emulator = await startDaraja({ clock: () => docSampleNow });
    const client = new DarajaTestClient(emulator, { clock: () => docSampleNow });
    const answer = await client.push({
      Timestamp: "20210628092408",
      Password:
        "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkzMDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4",
    });
    expect(answer.status).toBe(200);
  });

  it("accepts Buy Goods on a till shortcode whose PartyB is the till number", async () => {
    const emulator = await startDaraja({
      shortcodes: [
        {
          shortcode: "5544332",
          passkey: "tillkey",
          transactionType: "CustomerBuyGoodsOnline",
          partyB: "887766",
        },
      ],
    });
    const client = new DarajaTestClient(emulator, { shortcode: "5544332", passkey: "tillkey" });
    expect(await client.push({ TransactionType: "CustomerBuyGoodsOnline", PartyB: "887766" })).toMatchObject({
      status: 200,
    });
    expect(
      await client.push({
        TransactionType: "CustomerBuyGoodsOnline",
        PartyB: "5544332",
        PhoneNumber: msisdn(2),
      }),
    ).toMatchObject({ status: 400, body: { errorMessage: "Bad Request - Invalid PartyB" } });
    expect(
      await client.push({
        TransactionType: "CustomerPayBillOnline",
        PartyB: "887766",
        PhoneNumber: msisdn(3),
      }),
    ).toMatchObject({ status: 400, body: { errorMessage: "Bad Request - Invalid TransactionType" } });
  });

  it("can accept any well-formed Timestamp when timestampToleranceMs is null", async () => {
    const emulator = await startDaraja({ timestampToleranceMs: null });
    const client = new DarajaTestClient(emulator);
    const timestamp = toDarajaTimestamp(Date.now() - 48 * HOUR);
    expect((await client.push({ Timestamp: timestamp, Password: client.password(timestamp) })).status).toBe(
      200,
    );
  });

  it("answers a body that is not JSON with 400.002.02", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const answer = await client.call(DARAJA_PATHS.stkPush, {
      token: await client.token(),
      text: "{not json",
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { errorCode: "400.002.02", errorMessage: "Bad Request - Invalid JSON" },
    });
  });
});

describe("Daraja emulator: accepted pushes", () => {
  it("answers Daraja's success shape and records a pending push with the validated fields", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const answer = await client.push({ Amount: "250" });
    expect(answer).toEqual({
      status: 200,
      body: {
        MerchantRequestID: expect.stringMatching(/^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\d+$/),
        CheckoutRequestID: expect.stringMatching(/^ws_CO_\d{20,}$/),
        ResponseCode: "0",
        ResponseDescription: "Success. Request accepted for processing",
        CustomerMessage: "Success. Request accepted for processing",
      },
    });
    const push = await emulator.nextPush();
    expect(push).toMatchObject({
      checkoutRequestId: answer.body.CheckoutRequestID,
      merchantRequestId: answer.body.MerchantRequestID,
      businessShortCode: "174379",
      transactionType: "CustomerPayBillOnline",
      amount: 250,
      partyA: SANDBOX_MSISDN,
      partyB: "174379",
      phoneNumber: SANDBOX_MSISDN,
      callBackUrl: "https://shop.example.co.ke/hooks/pay/7f3a9c",
      accountReference: "ord_4XK2PQ",
      transactionDesc: "Duka order",
      status: "pending",
      result: undefined,
    });
    // The raw request is kept, so a test can see that Amount went out as a string here.
    expect(push.request.Amount).toBe("250");
    expect(emulator.pushes({ status: "pending" })).toHaveLength(1);
  });

  it("gives every push distinct ids", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.push({ PartyA: msisdn(i), PhoneNumber: msisdn(i) }, token)),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body.CheckoutRequestID)).size).toBe(20);
    expect(new Set(answers.map((answer) => answer.body.MerchantRequestID)).size).toBe(20);
  });

  it("locks a phone with a pending push, and unlocks it once the push completes", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    const first = await client.push({}, token);
    expect(first.status).toBe(200);

    const second = await client.push({ AccountReference: "other" }, token);
    expect(second).toEqual({
      status: 500,
      body: { requestId: expect.any(String), errorCode: "500.001.1001", errorMessage: LOCKED },
    });
    // Another phone is not affected.
    expect((await client.push({ PartyA: msisdn(7), PhoneNumber: msisdn(7) }, token)).status).toBe(200);

    emulator.complete(first.body.CheckoutRequestID as string, { resultCode: 1032, delivery: "drop" });
    expect((await client.push({}, token)).status).toBe(200);
    expect(emulator.pushes({ phone: "0708374149" }).map((push) => push.status)).toEqual([
      "completed",
      "pending",
    ]);
  });

  it("lets exactly one of several simultaneous pushes to one phone through", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.push({}, token)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, ...Array(9).fill(500)]);
    expect(emulator.pushes()).toHaveLength(1);
  });
});

describe("Daraja emulator: nextPush", () => {
  it("waits for a push that arrives later and filters by phone in any local format", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const waiting = emulator.nextPush({ phone: "+254 711 000 005" });
    const token = await client.token();
    await client.push({ PartyA: msisdn(4), PhoneNumber: msisdn(4) }, token);
    await client.push({ PartyA: "254711000005", PhoneNumber: "254711000005" }, token);
    expect((await waiting).phoneNumber).toBe("254711000005");
    // Each push is returned once: the next call gets the other one.
    expect((await emulator.nextPush()).phoneNumber).toBe(msisdn(4));
  });

  it("rejects on timeout, naming the pushes and the recent rejections", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    await client.push({ Amount: 0 });
    const error = await emulator.nextPush({ timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DarajaEmulatorError);
    expect((error as DarajaEmulatorError).code).toBe("timeout");
    expect((error as Error).message).toContain("Pushes: none");
    expect((error as Error).message).toContain("400 400.002.02 Bad Request - Invalid Amount");
  });
});
