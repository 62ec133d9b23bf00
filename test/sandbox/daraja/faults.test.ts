import { afterEach, describe, expect, it } from "vitest";
import { DARAJA_PATHS, DarajaEmulatorError } from "../../../sandbox/daraja/index.js";
import { runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, startDaraja, startReceiver } from "./helpers.js";

afterEach(runCleanups);

describe("Daraja emulator: fault injection", () => {
  it("answers an injected Spike Arrest before any effect, then recovers", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    emulator.failNext(DARAJA_PATHS.stkPush, { errorCode: "500.003.02" });

    expect(await client.push({}, token)).toEqual({
      status: 500,
      body: {
        requestId: expect.any(String),
        errorCode: "500.003.02",
        errorMessage: "Error Occurred: Spike Arrest Violation",
      },
    });
    expect(emulator.pushes()).toEqual([]);
    expect((await client.push({}, token)).status).toBe(200);
    expect(emulator.calls(DARAJA_PATHS.stkPush).map((call) => [call.status, call.injected ?? false])).toEqual(
      [
        [500, true],
        [200, false],
      ],
    );
  });

  it("injects a custom status and message for the next N calls of a path only", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    emulator.failNext(
      DARAJA_PATHS.stkQuery,
      { status: 503, errorCode: "500.003.1001", errorMessage: "Service Unavailable" },
      2,
    );
    const push = await client.push({}, token);
    expect(push.status).toBe(200);
    const id = push.body.CheckoutRequestID as string;
    for (let i = 0; i < 2; i++) {
      expect(await client.query(id, {}, token)).toMatchObject({
        status: 503,
        body: { errorCode: "500.003.1001", errorMessage: "Service Unavailable" },
      });
    }
    expect((await client.query(id, {}, token)).body.errorMessage).toBe("The transaction is being processed");
  });

  it("can fail the OAuth endpoint, which still counts the request", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    emulator.failNext(DARAJA_PATHS.oauth, { errorCode: "500.003.03" });
    expect(await client.requestToken()).toMatchObject({
      status: 500,
      body: { errorCode: "500.003.03", errorMessage: "Error Occurred: Quota Violation" },
    });
    expect((await client.requestToken()).status).toBe(200);
    expect(emulator.tokenRequestCount()).toBe(2);
  });

  it("can drop the connection without an answer", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    emulator.failNext("*", { dropConnection: true });
    await expect(client.push({}, token)).rejects.toThrow(TypeError);
    expect(emulator.pushes()).toEqual([]);
    const [call] = emulator.calls(DARAJA_PATHS.stkPush);
    expect(call?.injected).toBe(true);
    expect(call?.status).toBeUndefined();
  });

  it("fails randomly with the given probability and stops when removed", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const rolls = [0.1, 0.9, 0.2];
    const remove = emulator.failRandomly(
      DARAJA_PATHS.oauth,
      { errorCode: "500.003.02" },
      0.5,
      () => rolls.shift() ?? 1,
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.requestToken()).status);
    expect(statuses).toEqual([500, 200, 500]);
    remove();
    rolls.push(0);
    expect((await client.requestToken()).status).toBe(200);
    emulator.failNext(DARAJA_PATHS.oauth, { errorCode: "500.003.02" });
    emulator.clearFaults();
    expect((await client.requestToken()).status).toBe(200);
  });
});

describe("Daraja emulator: routing and the call log", () => {
  it("answers 404.001.01 to unknown paths and 405.001 to the wrong method", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    expect(await client.call("/mpesa/stkpush/v2/processrequest", { method: "POST", json: {} })).toEqual({
      status: 404,
      body: { requestId: expect.any(String), errorCode: "404.001.01", errorMessage: "Resource not found" },
    });
    expect(await client.call(DARAJA_PATHS.stkPush, { method: "GET", token: await client.token() })).toEqual({
      status: 405,
      body: { requestId: expect.any(String), errorCode: "405.001", errorMessage: "Method Not Allowed" },
    });
  });

  it("records method, path, query, body, status, error and times for every request", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const started = Date.now();
    const token = await client.token();
    await client.push({ Amount: 0 }, token);
    const accepted = await client.push({}, token);
    await client.query(accepted.body.CheckoutRequestID as string, {}, token);

    const calls = emulator.calls();
    expect(calls.map((call) => [call.method, call.path, call.status, call.errorCode])).toEqual([
      ["GET", DARAJA_PATHS.oauth, 200, undefined],
      ["POST", DARAJA_PATHS.stkPush, 400, "400.002.02"],
      ["POST", DARAJA_PATHS.stkPush, 200, undefined],
      ["POST", DARAJA_PATHS.stkQuery, 500, "500.001.1001"],
    ]);
    expect(calls[0]).toMatchObject({ query: { grant_type: "client_credentials" }, auth: "basic" });
    expect(calls[1]).toMatchObject({
      auth: "bearer",
      body: { Amount: 0 },
      errorMessage: "Bad Request - Invalid Amount",
    });
    expect(calls[2]?.response).toEqual(accepted.body);
    for (const call of calls) {
      expect(call.receivedAt).toBeGreaterThanOrEqual(started);
      expect(call.finishedAt).toBeGreaterThanOrEqual(call.receivedAt);
    }
    expect(emulator.calls(DARAJA_PATHS.stkPush)).toHaveLength(2);
    expect(calls.map((call) => call.id)).toEqual([1, 2, 3, 4]);

    emulator.clearCalls();
    expect(emulator.calls()).toEqual([]);
  });

  it("emits request/response/push/complete/callback events", async () => {
    const receiver = await startReceiver();
    const emulator = await startDaraja();
    const seen: string[] = [];
    emulator
      .on("request", (call) => seen.push(`request ${call.path}`))
      .on("response", (call) => seen.push(`response ${call.status}`))
      .on("push", (push) => seen.push(`push ${push.status}`))
      .on("complete", (push) => seen.push(`complete ${String(push.result?.resultCode)}`))
      .on("callback", (delivery) => seen.push(`callback ${delivery.status}`));
    const client = new DarajaTestClient(emulator);
    const answer = await client.push({ CallBackURL: receiver.url });
    emulator.complete(answer.body.CheckoutRequestID as string, { resultCode: 0 });
    await emulator.deliveryIdle();
    expect(seen).toEqual([
      `request ${DARAJA_PATHS.oauth}`,
      "response 200",
      `request ${DARAJA_PATHS.stkPush}`,
      "push pending",
      "response 200",
      "complete 0",
      "callback 200",
    ]);
  });
});

describe("Daraja emulator: close()", () => {
  it("closes with a push pending: waits reject, timers and held callbacks are cancelled, the port is freed", async () => {
    const receiver = await startReceiver();
    const emulator = await startDaraja({ autoComplete: { resultCode: 0 }, autoCompleteMs: 60_000 });
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    await client.push({ CallBackURL: receiver.url }, token);
    const pending = await emulator.nextPush();
    const waiting = emulator.nextPush({ phone: "254799999999", timeoutMs: 60_000 });

    // Another completed push with a callback held and one delayed for a minute.
    const other = await client.push(
      { CallBackURL: receiver.url, PartyA: "254711000001", PhoneNumber: "254711000001" },
      token,
    );
    const otherId = other.body.CheckoutRequestID as string;
    emulator.complete(otherId, { resultCode: 0, delivery: "late" });
    emulator.redeliver(otherId, { delayMs: 60_000 });

    const closedAt = Date.now();
    await emulator.close();
    expect(Date.now() - closedAt).toBeLessThan(5_000);
    await expect(waiting).rejects.toMatchObject({ name: "DarajaEmulatorError", code: "closed" });
    await emulator.deliveryIdle(); // resolves: the delayed callback was cancelled
    expect(receiver.bodies).toEqual([]);
    expect(emulator.heldCallbackCount()).toBe(0);
    expect(emulator.push(pending.checkoutRequestId)?.status).toBe("pending");
    expect(() => emulator.complete(pending.checkoutRequestId, { resultCode: 0 })).toThrow(
      DarajaEmulatorError,
    );
    await expect(emulator.nextPush()).rejects.toMatchObject({ code: "closed" });
    await expect(fetch(`${emulator.baseUrl}${DARAJA_PATHS.oauth}`)).rejects.toThrow(TypeError);
    await emulator.close(); // idempotent
  });
});
