import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_PASSKEY } from "../../../sandbox/daraja/index.js";
import { runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, msisdn, startDaraja } from "./helpers.js";

afterEach(runCleanups);

const BEING_PROCESSED = {
  status: 500,
  body: {
    requestId: expect.any(String),
    errorCode: "500.001.1001",
    errorMessage: "The transaction is being processed",
  },
};

async function pendingPush(options?: Parameters<typeof startDaraja>[0]) {
  const emulator = await startDaraja(options);
  const client = new DarajaTestClient(emulator);
  const answer = await client.push();
  return {
    emulator,
    client,
    id: answer.body.CheckoutRequestID as string,
    merchantId: answer.body.MerchantRequestID,
  };
}

describe("Daraja emulator: STK query", () => {
  it("answers 'being processed' while pending, then the final result with ResultCode as a string", async () => {
    const { emulator, client, id, merchantId } = await pendingPush();
    expect(await client.query(id)).toEqual(BEING_PROCESSED);

    emulator.complete(id, { resultCode: 1032, delivery: "drop" });
    expect(await client.query(id)).toEqual({
      status: 200,
      body: {
        ResponseCode: "0",
        ResponseDescription: "The service request has been accepted successfully",
        MerchantRequestID: merchantId,
        CheckoutRequestID: id,
        ResultCode: "1032",
        ResultDesc: "Request cancelled by user",
      },
    });
  });

  it('reports success as ResultCode "0" and carries no receipt, amount or phone', async () => {
    const { emulator, client, id } = await pendingPush();
    emulator.complete(id, { resultCode: 0, delivery: "drop" });
    const answer = await client.query(id);
    expect(answer.body.ResultCode).toBe("0");
    expect(answer.body.ResultDesc).toBe("The service request is processed successfully.");
    expect(Object.keys(answer.body).sort()).toEqual(
      [
        "CheckoutRequestID",
        "MerchantRequestID",
        "ResponseCode",
        "ResponseDescription",
        "ResultCode",
        "ResultDesc",
      ].sort(),
    );
  });

  it("queryPendingFor(id, n) answers 'being processed' n more times even after completion", async () => {
    const { emulator, client, id } = await pendingPush();
    emulator.complete(id, { resultCode: 0, delivery: "drop" });
    emulator.queryPendingFor(id, 2);
    expect(await client.query(id)).toEqual(BEING_PROCESSED);
    expect(await client.query(id)).toEqual(BEING_PROCESSED);
    expect(await client.query(id)).toMatchObject({ status: 200, body: { ResultCode: "0" } });
  });

  it("queryPendingFirst applies to every new push (reliability test R18)", async () => {
    const emulator = await startDaraja({ queryPendingFirst: 2 });
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await client.push({ PartyA: msisdn(i), PhoneNumber: msisdn(i) }, token);
      ids.push(answer.body.CheckoutRequestID as string);
      emulator.complete(ids[i] as string, { resultCode: 0, delivery: "drop" });
    }
    for (const id of ids) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await client.query(id, {}, token)).status);
      expect(statuses).toEqual([500, 500, 200]);
    }
  });

  it("answers 400 Invalid CheckoutRequestID for an id it never issued, or issued to another shortcode", async () => {
    const emulator = await startDaraja({
      shortcodes: [
        { shortcode: "174379", passkey: SANDBOX_PASSKEY },
        { shortcode: "600100", passkey: "otherkey" },
      ],
    });
    const client = new DarajaTestClient(emulator);
    const other = new DarajaTestClient(emulator, { shortcode: "600100", passkey: "otherkey" });
    const answer = await client.push();
    const expected = {
      status: 400,
      body: {
        requestId: expect.any(String),
        errorCode: "400.002.02",
        errorMessage: "Bad Request - Invalid CheckoutRequestID",
      },
    };
    expect(await client.query("ws_CO_0000000000000000000000000")).toEqual(expected);
    expect(await other.query(answer.body.CheckoutRequestID as string)).toEqual(expected);
  });

  it.each([
    [
      "no CheckoutRequestID",
      { CheckoutRequestID: undefined },
      400,
      "Bad Request - Invalid CheckoutRequestID",
    ],
    ["a bad BusinessShortCode", { BusinessShortCode: "x" }, 400, "Bad Request - Invalid BusinessShortCode"],
    ["no Timestamp", { Timestamp: undefined }, 400, "Bad Request - Invalid Timestamp"],
    ["a wrong Password", { Password: "d3Jvbmc=" }, 500, "Wrong credentials"],
    ["an unknown shortcode", { BusinessShortCode: "600200" }, 500, "Merchant does not exist"],
  ])("checks the request like processrequest: %s", async (_label, overrides, status, message) => {
    const { client, id } = await pendingPush();
    const answer = await client.query(id, overrides);
    expect(answer.status).toBe(status);
    expect(answer.body.errorMessage).toBe(message);
  });

  it("rejects queryPendingFor on an unknown push", async () => {
    const emulator = await startDaraja();
    expect(() => emulator.queryPendingFor("ws_CO_404", 1)).toThrow(/No STK push/);
  });
});
