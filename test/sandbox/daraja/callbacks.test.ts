import { afterEach, describe, expect, it } from "vitest";
import {
  DarajaEmulatorError,
  parseDarajaTimestamp,
  SANDBOX_MSISDN,
  type StkPush,
} from "../../../sandbox/daraja/index.js";
import { freePort } from "../../../sandbox/free-port.js";
import { runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, msisdn, type Receiver, startDaraja, startReceiver } from "./helpers.js";

afterEach(runCleanups);

async function pushTo(receiver: Receiver, overrides: Record<string, unknown> = {}) {
  const emulator = await startDaraja();
  const client = new DarajaTestClient(emulator);
  const answer = await client.push({ CallBackURL: receiver.url, ...overrides });
  expect(answer.status).toBe(200);
  return { emulator, client, push: await emulator.nextPush() };
}

describe("Daraja emulator: success callback", () => {
  it("POSTs the §1.4 success JSON: ResultCode a number, metadata items by Name, Balance without Value", async () => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver, { Amount: 150 });
    const before = Date.now();
    const completed = emulator.complete(push.checkoutRequestId, { resultCode: 0 });
    await emulator.deliveryIdle();

    expect(receiver.bodies).toHaveLength(1);
    const receipt = completed.result?.receipt;
    expect(receipt).toMatch(/^[A-Z0-9]{10}$/);
    expect(receiver.bodies[0]).toEqual({
      Body: {
        stkCallback: {
          MerchantRequestID: push.merchantRequestId,
          CheckoutRequestID: push.checkoutRequestId,
          ResultCode: 0,
          ResultDesc: "The service request is processed successfully.",
          CallbackMetadata: {
            Item: [
              { Name: "Amount", Value: 150 },
              { Name: "MpesaReceiptNumber", Value: receipt },
              { Name: "Balance" },
              { Name: "TransactionDate", Value: expect.any(Number) },
              { Name: "PhoneNumber", Value: 254708374149 },
            ],
          },
        },
      },
    });
    // Types on the wire, not just after parsing.
    expect(receiver.raw[0]).toContain('"ResultCode":0,');
    expect(receiver.raw[0]).toContain(`{"Name":"PhoneNumber","Value":${SANDBOX_MSISDN}}`);
    expect(receiver.raw[0]).toContain('{"Name":"Balance"}');

    const date = (
      receiver.bodies[0] as {
        Body: { stkCallback: { CallbackMetadata: { Item: { Name: string; Value?: number }[] } } };
      }
    ).Body.stkCallback.CallbackMetadata.Item.find((item) => item.Name === "TransactionDate")?.Value;
    expect(String(date)).toMatch(/^\d{14}$/);
    // Kenya time: the YYYYMMDDHHmmss read as EAT is "now", to the second.
    const at = parseDarajaTimestamp(String(date)) as number;
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now());

    expect(emulator.callbacks()).toEqual([
      expect.objectContaining({
        checkoutRequestId: push.checkoutRequestId,
        url: receiver.url,
        copy: 1,
        status: 200,
        delivered: true,
        responseBody: '{"ResultCode":0,"ResultDesc":"Accepted"}',
        body: receiver.bodies[0],
      }),
    ]);
  });

  it("reports a different Amount when a test asks for a mismatch, and can leave Balance out", async () => {
    const receiver = await startReceiver();
    const emulator = await startDaraja({ includeBalanceItem: false });
    const client = new DarajaTestClient(emulator);
    await client.push({ CallBackURL: receiver.url, Amount: 100 });
    const push = await emulator.nextPush();
    emulator.complete(push.checkoutRequestId, { resultCode: 0, amount: 99, receipt: "TESTRCPT01" });
    await emulator.deliveryIdle();
    const items = (receiver.bodies[0] as StkCallbackShape).Body.stkCallback.CallbackMetadata?.Item;
    expect(items?.map((item) => item.Name)).toEqual([
      "Amount",
      "MpesaReceiptNumber",
      "TransactionDate",
      "PhoneNumber",
    ]);
    expect(items?.[0]).toEqual({ Name: "Amount", Value: 99 });
    expect(items?.[1]).toEqual({ Name: "MpesaReceiptNumber", Value: "TESTRCPT01" });
    expect(emulator.push(push.checkoutRequestId)?.amount).toBe(100);
  });

  it("gives each payment its own receipt number", async () => {
    const receiver = await startReceiver();
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    const receipts = new Set<string | undefined>();
    for (let i = 0; i < 15; i++) {
      const answer = await client.push(
        { CallBackURL: receiver.url, PartyA: msisdn(i), PhoneNumber: msisdn(i) },
        token,
      );
      receipts.add(
        emulator.complete(answer.body.CheckoutRequestID as string, { resultCode: 0 }).result?.receipt,
      );
    }
    expect(receipts.size).toBe(15);
  });
});

interface StkCallbackShape {
  Body: {
    stkCallback: {
      ResultCode: unknown;
      ResultDesc: string;
      CallbackMetadata?: { Item: { Name: string; Value?: unknown }[] };
    };
  };
}

describe("Daraja emulator: failure callbacks", () => {
  const FAILURES: Array<[number, string]> = [
    [1, "The balance is insufficient for the transaction."],
    [17, "Rule limited."],
    [1001, "Unable to lock subscriber, a transaction is already in process for the current subscriber"],
    [1019, "Transaction has expired"],
    [1025, "An error occurred while sending a push request"],
    [1032, "Request cancelled by user"],
    [1037, "DS timeout user cannot be reached"],
    [2001, "The initiator information is invalid."],
    [9999, "Request failed"],
    [4242, "The transaction could not be processed."],
  ];

  it.each(FAILURES)("ResultCode %i: no CallbackMetadata, ResultDesc %j", async (code, desc) => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver);
    const completed = emulator.complete(push.checkoutRequestId, { resultCode: code });
    await emulator.deliveryIdle();
    expect(receiver.bodies).toEqual([
      {
        Body: {
          stkCallback: {
            MerchantRequestID: push.merchantRequestId,
            CheckoutRequestID: push.checkoutRequestId,
            ResultCode: code,
            ResultDesc: desc,
          },
        },
      },
    ]);
    expect(receiver.raw[0]).not.toContain("CallbackMetadata");
    expect(completed.result).toMatchObject({ resultCode: code, receipt: undefined, amount: undefined });
  });

  it("sends a non-numeric code such as SFC_IC0003 as given, and Query reports it", async () => {
    const receiver = await startReceiver();
    const { emulator, client, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: "SFC_IC0003" });
    await emulator.deliveryIdle();
    expect((receiver.bodies[0] as StkCallbackShape).Body.stkCallback).toMatchObject({
      ResultCode: "SFC_IC0003",
      ResultDesc: "The operator does not exist",
    });
    expect((await client.query(push.checkoutRequestId)).body.ResultCode).toBe("SFC_IC0003");
  });

  it("uses a test's own ResultDesc", async () => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, {
      resultCode: 1032,
      resultDesc: "Request canceled by the user",
    });
    await emulator.deliveryIdle();
    expect((receiver.bodies[0] as StkCallbackShape).Body.stkCallback.ResultDesc).toBe(
      "Request canceled by the user",
    );
  });
});

describe("Daraja emulator: delivery modes", () => {
  it("drop: records the result (push unlocked, Query final) but POSTs nothing", async () => {
    const receiver = await startReceiver();
    const { emulator, client, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: 0, delivery: "drop" });
    await emulator.deliveryIdle();
    expect(receiver.bodies).toEqual([]);
    expect(emulator.callbacks()).toEqual([]);
    expect(emulator.push(push.checkoutRequestId)?.result?.delivery).toBe("drop");
    expect((await client.query(push.checkoutRequestId)).body.ResultCode).toBe("0");
  });

  it("duplicate: POSTs identical copies, numbered, all at once", async () => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: 0, delivery: "duplicate", copies: 3 });
    await emulator.deliveryIdle();
    expect(receiver.raw).toHaveLength(3);
    expect(new Set(receiver.raw).size).toBe(1);
    expect(
      emulator
        .callbacks(push.checkoutRequestId)
        .map((delivery) => delivery.copy)
        .sort(),
    ).toEqual([1, 2, 3]);
  });

  it("duplicate defaults to two copies", async () => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: 1032, delivery: "duplicate" });
    await emulator.deliveryIdle();
    expect(receiver.bodies).toHaveLength(2);
  });

  it("late without delayMs: holds the callback until released, after Query already reported the result", async () => {
    const receiver = await startReceiver();
    const { emulator, client, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: 0, delivery: "late" });
    await emulator.deliveryIdle(); // held callbacks do not count as in flight
    expect(receiver.bodies).toEqual([]);
    expect(emulator.heldCallbackCount()).toBe(1);

    expect((await client.query(push.checkoutRequestId)).body).toMatchObject({ ResultCode: "0" });

    expect(emulator.releaseLateCallbacks()).toBe(1);
    await emulator.deliveryIdle();
    expect(receiver.bodies).toHaveLength(1);
    expect(emulator.heldCallbackCount()).toBe(0);
    expect(emulator.releaseLateCallbacks()).toBe(0);
  });

  it("late with delayMs: POSTs after the delay; deliveryIdle waits for it", async () => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver);
    const completed = emulator.complete(push.checkoutRequestId, {
      resultCode: 0,
      delivery: "late",
      delayMs: 80,
    });
    expect(receiver.bodies).toEqual([]);
    await emulator.deliveryIdle();
    expect(receiver.bodies).toHaveLength(1);
    const sentAt = emulator.callbacks()[0]?.sentAt.getTime() ?? 0;
    expect(sentAt - (completed.result?.completedAt.getTime() ?? 0)).toBeGreaterThanOrEqual(75);
  });

  it("redeliver: sends the same callback again later, numbered on", async () => {
    const receiver = await startReceiver();
    const { emulator, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: 0 });
    await emulator.deliveryIdle();
    emulator.redeliver(push.checkoutRequestId, { delivery: "duplicate", copies: 2 });
    await emulator.deliveryIdle();
    expect(receiver.raw).toHaveLength(3);
    expect(new Set(receiver.raw).size).toBe(1);
    expect(
      emulator
        .callbacks(push.checkoutRequestId)
        .map((delivery) => delivery.copy)
        .sort(),
    ).toEqual([1, 2, 3]);
  });

  it("makes one attempt only: a 500 from the receiver loses the callback", async () => {
    const receiver = await startReceiver(500);
    const { emulator, push } = await pushTo(receiver);
    emulator.complete(push.checkoutRequestId, { resultCode: 0 });
    await emulator.deliveryIdle();
    expect(receiver.bodies).toHaveLength(1);
    expect(emulator.callbacks()).toEqual([expect.objectContaining({ status: 500, delivered: false })]);
  });

  it("records a refused connection as an error", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    await client.push({ CallBackURL: `http://127.0.0.1:${await freePort()}/hooks/pay` });
    const push = await emulator.nextPush();
    emulator.complete(push.checkoutRequestId, { resultCode: 0 });
    await emulator.deliveryIdle();
    expect(emulator.callbacks()).toEqual([
      expect.objectContaining({
        status: undefined,
        delivered: false,
        error: expect.stringContaining("ECONNREFUSED"),
      }),
    ]);
  });
});

describe("Daraja emulator: autoComplete", () => {
  it("applies the default outcome after autoCompleteMs and delivers it", async () => {
    const receiver = await startReceiver();
    const emulator = await startDaraja({ autoComplete: { resultCode: 0 }, autoCompleteMs: 0 });
    const completed = new Promise<StkPush>((resolve) => emulator.once("complete", resolve));
    await new DarajaTestClient(emulator).push({ CallBackURL: receiver.url });
    expect((await completed).result?.resultCode).toBe(0);
    await emulator.deliveryIdle();
    expect((receiver.bodies[0] as StkCallbackShape).Body.stkCallback.ResultCode).toBe(0);
  });

  it("lets a function choose per push, or leave a push pending", async () => {
    const emulator = await startDaraja({
      autoComplete: (push) =>
        push.phoneNumber === msisdn(1) ? { resultCode: 1032, delivery: "drop" } : undefined,
      autoCompleteMs: 0,
    });
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    const completed = new Promise<StkPush>((resolve) => emulator.once("complete", resolve));
    await client.push({ PartyA: msisdn(2), PhoneNumber: msisdn(2) }, token);
    await client.push({ PartyA: msisdn(1), PhoneNumber: msisdn(1) }, token);
    expect((await completed).phoneNumber).toBe(msisdn(1));
    expect(emulator.pushes().map((push) => [push.phoneNumber, push.status, push.result?.resultCode])).toEqual(
      [
        [msisdn(2), "pending", undefined],
        [msisdn(1), "completed", 1032],
      ],
    );
  });

  it("a test's complete() wins over a later autoComplete", async () => {
    const receiver = await startReceiver();
    const emulator = await startDaraja({ autoComplete: { resultCode: 0 }, autoCompleteMs: 60_000 });
    await new DarajaTestClient(emulator).push({ CallBackURL: receiver.url });
    const push = await emulator.nextPush();
    emulator.complete(push.checkoutRequestId, { resultCode: 2001 });
    await emulator.deliveryIdle();
    expect(emulator.push(push.checkoutRequestId)?.result?.resultCode).toBe(2001);
    expect(receiver.bodies).toHaveLength(1);
  });
});

describe("Daraja emulator: complete() misuse", () => {
  it.each([
    ["an unknown id", (_push: StkPush) => ["ws_CO_000", { resultCode: 0 }] as const, /No STK push/],
    [
      "amount on a failure",
      (push: StkPush) => [push.checkoutRequestId, { resultCode: 1032, amount: 5 }] as const,
      /only exist on a successful/,
    ],
    [
      "copies without duplicate",
      (push: StkPush) => [push.checkoutRequestId, { resultCode: 0, copies: 3 }] as const,
      /copies only applies/,
    ],
    [
      "a numeric code as a string",
      (push: StkPush) => [push.checkoutRequestId, { resultCode: "0" }] as const,
      /must be a number/,
    ],
    [
      "a negative delay",
      (push: StkPush) => [push.checkoutRequestId, { resultCode: 0, delayMs: -1 }] as const,
      /delayMs/,
    ],
  ])("throws invalid_use for %s", async (_label, args, message) => {
    const emulator = await startDaraja();
    await new DarajaTestClient(emulator).push();
    const push = await emulator.nextPush();
    const [id, outcome] = args(push);
    let error: unknown;
    try {
      emulator.complete(id, outcome);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DarajaEmulatorError);
    expect((error as DarajaEmulatorError).code).toBe("invalid_use");
    expect((error as Error).message).toMatch(message);
    expect(emulator.push(push.checkoutRequestId)?.status).toBe("pending");
  });

  it("refuses to complete a push twice and to redeliver a pending one", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    await client.push({}, token);
    const push = await emulator.nextPush();
    expect(() => emulator.redeliver(push.checkoutRequestId)).toThrow(/still pending/);
    emulator.complete(push.checkoutRequestId, { resultCode: 0, delivery: "drop" });
    expect(() => emulator.complete(push.checkoutRequestId, { resultCode: 1032 })).toThrow(
      /already completed/,
    );
    expect(emulator.push(push.checkoutRequestId)?.result?.resultCode).toBe(0);
  });
});
