import { afterEach, describe, expect, it } from "vitest";
import { basicAuthorization, DARAJA_PATHS, DEFAULT_CONSUMER_KEY } from "../../../sandbox/daraja/index.js";
import { runCleanups } from "../shared-helpers.js";
import { DarajaTestClient, startDaraja } from "./helpers.js";

afterEach(runCleanups);

const INVALID_TOKEN = { errorCode: "404.001.03", errorMessage: "Invalid Access Token" };

describe("Daraja emulator: OAuth", () => {
  it('issues a 28-character token with expires_in as the string "3599"', async () => {
    const emulator = await startDaraja();
    const answer = await new DarajaTestClient(emulator).requestToken();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9]{28}$/),
      expires_in: "3599",
    });
  });

  it("can answer expires_in as a JSON number, like the doc sample", async () => {
    const emulator = await startDaraja({ expiresInType: "number", tokenTtlSeconds: 120 });
    const answer = await new DarajaTestClient(emulator).requestToken();
    expect(answer.body.expires_in).toBe(120);
  });

  it.each([
    ["no grant_type", { grantType: null }],
    ["a wrong grant_type", { grantType: "password" }],
  ])("refuses %s with 400.008.02", async (_label, init) => {
    const emulator = await startDaraja();
    const answer = await new DarajaTestClient(emulator).requestToken(init);
    expect(answer).toEqual({
      status: 400,
      body: {
        requestId: expect.any(String),
        errorCode: "400.008.02",
        errorMessage: "Invalid grant type passed",
      },
    });
  });

  it.each([
    ["no Authorization header", null],
    ["a Bearer header", "Bearer abc"],
    ["a misspelt scheme", `Baerer ${Buffer.from("a:b").toString("base64")}`],
  ])("refuses %s with 400.008.01 (not Basic)", async (_label, authorization) => {
    const emulator = await startDaraja();
    const answer = await new DarajaTestClient(emulator).requestToken({ authorization });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      errorCode: "400.008.01",
      errorMessage: "Invalid authentication type passed",
    });
  });

  it.each([
    ["a wrong secret", basicAuthorization(DEFAULT_CONSUMER_KEY, "wrong")],
    ["an unknown key", basicAuthorization("someoneElse", "secret")],
    ["Basic without a colon", `Basic ${Buffer.from("justakey").toString("base64")}`],
    ["Basic with junk", "Basic !!!"],
  ])("refuses %s with 400 Invalid Authentication passed", async (_label, authorization) => {
    const emulator = await startDaraja();
    const answer = await new DarajaTestClient(emulator).requestToken({ authorization });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      errorCode: "400.008.01",
      errorMessage: "Invalid Authentication passed",
    });
  });

  it("invalidates an app's previous token when it gets a new one", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const first = await client.token();
    const second = await client.token();
    expect(second).not.toBe(first);

    const withOld = await client.push({}, first);
    expect(withOld).toEqual({ status: 404, body: { requestId: expect.any(String), ...INVALID_TOKEN } });
    expect(emulator.pushes()).toEqual([]);

    const withNew = await client.push({}, second);
    expect(withNew.status).toBe(200);
  });

  it("keeps tokens of different apps independent", async () => {
    const emulator = await startDaraja({
      apps: [
        { consumerKey: "appOne", consumerSecret: "s1" },
        { consumerKey: "appTwo", consumerSecret: "s2" },
      ],
    });
    const one = new DarajaTestClient(emulator, { consumerKey: "appOne", consumerSecret: "s1" });
    const two = new DarajaTestClient(emulator, { consumerKey: "appTwo", consumerSecret: "s2" });
    const tokenOne = await one.token();
    await two.token();
    expect((await one.push({}, tokenOne)).status).toBe(200);
    // appTwo's pair does not open appOne.
    const crossed = await new DarajaTestClient(emulator, {
      consumerKey: "appOne",
      consumerSecret: "s2",
    }).requestToken();
    expect(crossed.status).toBe(400);
  });

  it("expires tokens after tokenTtlSeconds on the emulator's clock", async () => {
    let now = Date.now();
    const clock = () => now;
    const emulator = await startDaraja({ clock, tokenTtlSeconds: 3599 });
    const client = new DarajaTestClient(emulator, { clock });
    const token = await client.token();
    now += 3598 * 1000;
    expect((await client.push({}, token)).status).toBe(200);
    now += 2000;
    expect(await client.query("ws_CO_1", {}, token)).toMatchObject({ status: 404, body: INVALID_TOKEN });
  });

  it("revokeTokens() makes the current token invalid (a forced expiry)", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    const token = await client.token();
    emulator.revokeTokens();
    expect(await client.push({}, token)).toMatchObject({ status: 404, body: INVALID_TOKEN });
  });

  it.each([
    ["no Authorization", {}],
    ["a made-up token", { authorization: "Bearer c9SQxWWhmdVRlyh0zh8gZDTkubVF" }],
    ["Basic credentials", { authorization: basicAuthorization(DEFAULT_CONSUMER_KEY, "x") }],
  ])("answers HTTP 404 404.001.03 to API calls with %s", async (_label, headers) => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    for (const path of [DARAJA_PATHS.stkPush, DARAJA_PATHS.stkQuery]) {
      const answer = await client.call(path, { headers, json: client.pushBody() });
      expect(answer).toEqual({ status: 404, body: { requestId: expect.any(String), ...INVALID_TOKEN } });
    }
  });

  it("counts every token request, successful or not", async () => {
    const emulator = await startDaraja();
    const client = new DarajaTestClient(emulator);
    await Promise.all([client.token(), client.token(), client.requestToken({ grantType: "x" })]);
    await client.push({}, await client.token());
    expect(emulator.tokenRequestCount()).toBe(4);
    expect(emulator.calls(DARAJA_PATHS.oauth).map((call) => call.status)).toEqual(
      expect.arrayContaining([200, 200, 200, 400]),
    );
  });

  it("answers 405 405.001 to a POST on the OAuth path", async () => {
    const emulator = await startDaraja();
    const answer = await new DarajaTestClient(emulator).call(
      `${DARAJA_PATHS.oauth}?grant_type=client_credentials`,
      { method: "POST", json: {} },
    );
    expect(answer).toEqual({
      status: 405,
      body: { requestId: expect.any(String), errorCode: "405.001", errorMessage: "Method Not Allowed" },
    });
  });
});
