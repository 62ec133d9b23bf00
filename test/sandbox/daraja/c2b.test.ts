/**
 * The emulator's C2B side over plain HTTP: Register URL (v1/v2), validation and confirmation POSTs
 * to the registered URLs, simulate, and the duplicate / late / missing confirmation faults. The
 * receiver is a tiny express app, not Duka.
 */
import { createHash } from "node:crypto";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { DARAJA_PATHS, SANDBOX_SHORTCODE } from "../../../sandbox/daraja/index.js";
import { listen, runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, startDaraja } from "./helpers.js";

afterEach(runCleanups);

const TILL_STORE = "600100";
const TILL = "654321";
const PASSKEY = "till-passkey";

interface C2bReceiver {
  readonly base: string;
  readonly posts: { kind: string; body: Record<string, string> }[];
  /** The validation answer; undefined: never answer (the emulator's deadline applies). */
  validationAnswer: Record<string, unknown> | undefined;
  /** Resolves at the next POST of this kind. */
  next(kind: string): Promise<Record<string, string>>;
}

async function startC2bReceiver(): Promise<C2bReceiver> {
  const waiters: { kind: string; resolve: (body: Record<string, string>) => void }[] = [];
  const receiver: C2bReceiver = {
    base: "",
    posts: [],
    validationAnswer: { ResultCode: "0", ResultDesc: "Accepted" },
    next: (kind) => new Promise((resolve) => waiters.push({ kind, resolve })),
  };
  const app = express();
  app.use(express.json());
  app.post("/hooks/c2b/:kind", (req, res) => {
    if (req.params.kind === "result") {
      receiver.posts.push({ kind: "result", body: req.body });
      for (const waiter of waiters.filter((candidate) => candidate.kind === "result")) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(req.body);
      }
      res.json({ ResultCode: 0 });
      return;
    }
    const kind = String(req.params.kind);
    receiver.posts.push({ kind, body: req.body });
    for (const waiter of waiters.filter((candidate) => candidate.kind === kind)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(req.body);
    }
    if (kind === "validation" && receiver.validationAnswer === undefined) return; // never answers
    res.json(kind === "validation" ? receiver.validationAnswer : { ResultCode: 0, ResultDesc: "Success" });
  });
  return Object.assign(receiver, { base: `${await listen(app)}/hooks/c2b` });
}

async function setup(options: Parameters<typeof startDaraja>[0] = {}) {
  const daraja = await startDaraja({
    shortcodes: [
      { shortcode: SANDBOX_SHORTCODE, passkey: "x" },
      { shortcode: TILL_STORE, passkey: PASSKEY, transactionType: "CustomerBuyGoodsOnline", partyB: TILL },
    ],
    ...options,
  });
  const client = new DarajaTestClient(daraja);
  const receiver = await startC2bReceiver();
  return { daraja, client, receiver };
}

async function register(
  client: DarajaTestClient,
  receiver: C2bReceiver,
  overrides: Record<string, unknown> = {},
  path: string = DARAJA_PATHS.c2bRegisterV2,
) {
  return client.call(path, {
    token: await client.token(),
    json: {
      ShortCode: SANDBOX_SHORTCODE,
      ResponseType: "Completed",
      ConfirmationURL: `${receiver.base}/confirmation`,
      ValidationURL: `${receiver.base}/validation`,
      ...overrides,
    },
  });
}

const invalid = (field: string) => ({
  status: 400,
  body: expect.objectContaining({ errorCode: "400.002.02", errorMessage: `Bad Request - Invalid ${field}` }),
});

describe("Daraja emulator: C2B Register URL", () => {
  it("registers v2 URLs and answers Daraja's success body", async () => {
    const { daraja, client, receiver } = await setup();
    const answer = await register(client, receiver);
    expect(answer).toMatchObject({
      status: 200,
      body: { ResponseCode: "0", ResponseDescription: "Success" },
    });
    expect(answer.body.OriginatorCoversationID).toEqual(expect.any(String));
    expect(daraja.registeredUrls(SANDBOX_SHORTCODE)).toEqual({
      shortcode: SANDBOX_SHORTCODE,
      version: "v2",
      responseType: "Completed",
      confirmationUrl: `${receiver.base}/confirmation`,
      validationUrl: `${receiver.base}/validation`,
    });
  });

  it.each([
    ["a lower-case ResponseType", { ResponseType: "completed" }, "ResponseType"],
    ["an unknown shortcode", { ShortCode: "600999" }, "ShortCode"],
    ["'mpesa' in the URL", { ConfirmationURL: "https://shop.example/mpesa/confirm" }, "ConfirmationURL"],
    ["'Query' in the URL", { ValidationURL: "https://shop.example/Query/v" }, "ValidationURL"],
    ["a relative URL", { ConfirmationURL: "/confirm" }, "ConfirmationURL"],
  ])("refuses %s", async (_label, overrides, field) => {
    const { daraja, client, receiver } = await setup();
    expect(await register(client, receiver, overrides)).toMatchObject(invalid(field));
    expect(daraja.registeredUrls(SANDBOX_SHORTCODE)).toBeUndefined();
  });

  it("needs a bearer token", async () => {
    const { client } = await setup();
    const answer = await client.call(DARAJA_PATHS.c2bRegisterV2, { json: {} });
    expect(answer).toMatchObject({ status: 404, body: { errorCode: "404.001.03" } });
  });

  it("overwrites in sandbox mode and refuses a second registration in production mode", async () => {
    const sandbox = await setup();
    await register(sandbox.client, sandbox.receiver);
    expect((await register(sandbox.client, sandbox.receiver, { ResponseType: "Cancelled" })).status).toBe(
      200,
    );
    expect(sandbox.daraja.registeredUrls(SANDBOX_SHORTCODE)?.responseType).toBe("Cancelled");

    const production = await setup({ c2bRegisterOnce: true });
    await register(production.client, production.receiver);
    expect(
      await register(production.client, production.receiver, { ResponseType: "Cancelled" }),
    ).toMatchObject({
      status: 500,
      body: { errorCode: "500.003.1001", errorMessage: "Urls are already registered" },
    });
  });
});

describe("Daraja emulator: C2B payments", () => {
  it("confirms a Paybill payment with the documented body and a masked MSISDN (v2)", async () => {
    const { daraja, client, receiver } = await setup();
    await register(client, receiver);
    const paid = await daraja.payBill({
      account: "DK-4ZTE5",
      amount: 100,
      phone: "0712345126",
      firstName: "WANJIKU",
    });
    expect(paid).toMatchObject({ status: "completed", kind: "paybill", amount: 100, account: "DK-4ZTE5" });
    // Validation is off until Safaricom enables it: only the confirmation comes.
    expect(receiver.posts.map((post) => post.kind)).toEqual(["confirmation"]);
    expect(receiver.posts[0]?.body).toEqual({
      TransactionType: "Pay Bill",
      TransID: paid.transId,
      TransTime: expect.stringMatching(/^\d{14}$/),
      TransAmount: "100.00",
      BusinessShortCode: SANDBOX_SHORTCODE,
      BillRefNumber: "DK-4ZTE5",
      InvoiceNumber: "",
      OrgAccountBalance: "100.00",
      ThirdPartyTransID: "",
      MSISDN: "2547 ***** 126",
      FirstName: "WANJIKU",
      MiddleName: "",
      LastName: "",
    });
    expect(paid.deliveries[0]).toMatchObject({ status: 200, answer: { ResultCode: 0 } });
  });

  it("hashes the MSISDN for v1 registrations and leaves BillRefNumber empty for a Till", async () => {
    const { daraja, client, receiver } = await setup();
    await register(client, receiver, { ShortCode: TILL_STORE }, DARAJA_PATHS.c2bRegisterV1);
    const paid = await daraja.payTill({ till: TILL, amount: 250, phone: "254712345126" });
    const body = receiver.posts[0]?.body;
    expect(body).toMatchObject({
      TransactionType: "Buy Goods",
      BillRefNumber: "",
      BusinessShortCode: TILL_STORE,
      TransID: paid.transId,
      MSISDN: createHash("sha256").update("254712345126").digest("hex"),
    });
  });

  it("asks the validation URL first when enabled, and a refusal moves no money", async () => {
    const { daraja, client, receiver } = await setup();
    await register(client, receiver);
    daraja.enableC2bValidation(SANDBOX_SHORTCODE);
    receiver.validationAnswer = { ResultCode: "C2B00012", ResultDesc: "Rejected" };
    const refused = await daraja.payBill({ account: "NOPE", amount: 100, phone: "0712345126" });
    expect(refused).toMatchObject({ status: "rejected", resultCode: "C2B00012" });
    expect(receiver.posts.map((post) => post.kind)).toEqual(["validation"]);
    expect(receiver.posts[0]?.body.OrgAccountBalance).toBe("");

    receiver.validationAnswer = { ResultCode: 0, ResultDesc: "Accepted" };
    const accepted = await daraja.payBill({ account: "DK-4ZTE5", amount: 100, phone: "0712345126" });
    expect(accepted).toMatchObject({ status: "completed", resultCode: "0" });
    expect(receiver.posts.map((post) => post.kind)).toEqual(["validation", "validation", "confirmation"]);
  });

  it("applies ResponseType when validation does not answer in time", async () => {
    const { daraja, client, receiver } = await setup({ c2bValidationTimeoutMs: 200 });
    await register(client, receiver, { ResponseType: "Cancelled" });
    daraja.enableC2bValidation(SANDBOX_SHORTCODE);
    receiver.validationAnswer = undefined;
    expect((await daraja.payBill({ account: "A", amount: 5, phone: "0712345126" })).status).toBe("rejected");
    await register(client, receiver, { ResponseType: "Completed" });
    expect((await daraja.payBill({ account: "A", amount: 5, phone: "0712345126" })).status).toBe("completed");
  });

  it("delivers duplicate, late and missing confirmations as asked", async () => {
    const { daraja, client, receiver } = await setup();
    await register(client, receiver);
    const twice = await daraja.payBill({
      account: "A",
      amount: 1,
      phone: "0712345126",
      delivery: "duplicate",
      copies: 3,
    });
    expect(receiver.posts.filter((post) => post.body.TransID === twice.transId)).toHaveLength(3);

    const late = await daraja.payBill({ account: "B", amount: 1, phone: "0712345126", delivery: "late" });
    expect(receiver.posts.some((post) => post.body.TransID === late.transId)).toBe(false);
    expect(await daraja.releaseLateConfirmations()).toBe(1);
    expect(receiver.posts.filter((post) => post.body.TransID === late.transId)).toHaveLength(1);

    const dropped = await daraja.payBill({ account: "C", amount: 1, phone: "0712345126", delivery: "drop" });
    expect(dropped.status).toBe("completed");
    expect(receiver.posts.some((post) => post.body.TransID === dropped.transId)).toBe(false);

    await daraja.redeliverConfirmation(late.transId);
    expect(receiver.posts.filter((post) => post.body.TransID === late.transId)).toHaveLength(2);
    // A dropped confirmation can still come at last, with the payment's own body.
    await daraja.redeliverConfirmation(dropped.transId);
    expect(receiver.posts.filter((post) => post.body.TransID === dropped.transId)).toEqual([
      expect.objectContaining({ body: expect.objectContaining({ BillRefNumber: "C", TransAmount: "1.00" }) }),
    ]);
  });

  it("simulates a payment over HTTP (sandbox) and validates the request", async () => {
    const { daraja, client, receiver } = await setup();
    await register(client, receiver);
    const token = await client.token();
    const confirmed = receiver.next("confirmation");
    const answer = await client.call(DARAJA_PATHS.c2bSimulateV2, {
      token,
      json: {
        ShortCode: 174379,
        CommandID: "CustomerPayBillOnline",
        Amount: 10,
        Msisdn: 254708374149,
        BillRefNumber: "dk 4zte5",
      },
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { ResponseCode: "0", ResponseDescription: "Accept the service request successfully." },
    });
    expect(await confirmed).toMatchObject({
      BillRefNumber: "dk 4zte5",
      TransAmount: "10.00",
      MSISDN: "2547 ***** 149",
    });
    expect(daraja.c2bPayments()).toHaveLength(1);

    const bad = await client.call(DARAJA_PATHS.c2bSimulateV2, {
      token,
      json: { ShortCode: 174379, CommandID: "PayBill", Amount: 10, Msisdn: 254708374149 },
    });
    expect(bad).toMatchObject(invalid("CommandID"));
  });
});

describe("Daraja emulator: Transaction Status", () => {
  const query = (client: DarajaTestClient, receiver: C2bReceiver, transactionId: string, token: string) =>
    client.call(DARAJA_PATHS.transactionStatus, {
      token,
      json: {
        Initiator: "testapi",
        SecurityCredential: "c2VjcmV0",
        CommandID: "TransactionStatusQuery",
        TransactionID: transactionId,
        PartyA: SANDBOX_SHORTCODE,
        IdentifierType: "4",
        ResultURL: `${receiver.base}/result`,
        QueueTimeOutURL: `${receiver.base}/timeout`,
        Remarks: "check",
        Occasion: "DK-4ZTE5",
      },
    });

  it("acknowledges at once and posts the payment's details to the ResultURL", async () => {
    const { daraja, client, receiver } = await setup();
    await register(client, receiver);
    const paid = await daraja.payBill({ account: "DK-4ZTE5", amount: 60, phone: "0712345126" });
    const token = await client.token();
    const result = receiver.next("result");
    const answer = await query(client, receiver, paid.transId, token);
    expect(answer).toMatchObject({
      status: 200,
      body: { ResponseCode: "0", ConversationID: expect.stringMatching(/^AG_/) },
    });
    const body = (await result) as unknown as { Result: Record<string, unknown> };
    expect(body.Result).toMatchObject({ ResultType: 0, ResultCode: 0, TransactionID: paid.transId });
    expect(body.Result.ResultParameters).toEqual({
      ResultParameter: expect.arrayContaining([
        { Key: "TransactionStatus", Value: "Completed" },
        { Key: "Amount", Value: 60 },
        { Key: "ReceiptNo", Value: paid.transId },
        { Key: "FinalisedTime", Value: paid.deliveries[0]?.body.TransTime },
      ]),
    });
    expect(body.Result.ReferenceData).toEqual({ ReferenceItem: { Key: "Occasion", Value: "DK-4ZTE5" } });

    const unknown = receiver.next("result");
    await query(client, receiver, "NOSUCHTX01", token);
    expect(((await unknown) as unknown as { Result: Record<string, unknown> }).Result).toMatchObject({
      ResultCode: "R000001",
      TransactionID: "NOSUCHTX01",
    });
    await daraja.statusResultsIdle();
    expect(daraja.statusResults().map((result) => result.status)).toEqual([200, 200]);
  });

  it("refuses a query without an initiator or with a ResultURL Daraja would refuse", async () => {
    const { client, receiver } = await setup();
    const token = await client.token();
    const bad = await client.call(DARAJA_PATHS.transactionStatus, {
      token,
      json: {
        SecurityCredential: "x",
        CommandID: "TransactionStatusQuery",
        TransactionID: "A",
        PartyA: SANDBOX_SHORTCODE,
      },
    });
    expect(bad).toMatchObject(invalid("Initiator"));
    const forbidden = await client.call(DARAJA_PATHS.transactionStatus, {
      token,
      json: {
        Initiator: "testapi",
        SecurityCredential: "x",
        CommandID: "TransactionStatusQuery",
        TransactionID: "A",
        PartyA: SANDBOX_SHORTCODE,
        IdentifierType: "4",
        ResultURL: `${receiver.base}/mpesa-result`,
        QueueTimeOutURL: `${receiver.base}/timeout`,
      },
    });
    expect(forbidden).toMatchObject(invalid("ResultURL"));
  });
});
