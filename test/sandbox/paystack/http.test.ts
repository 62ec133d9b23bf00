import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PUBLIC_KEY, DEFAULT_SECRET_KEY } from "../../../sandbox/paystack/index.js";
import { runCleanups } from "../shared-helpers.js";
import { api, initialize, startEmulator, verify } from "./helpers.js";

afterEach(runCleanups);

describe("Paystack emulator: HTTP surface", () => {
  it("uses the exported default test keys", async () => {
    const emulator = await startEmulator();
    expect(emulator.secretKey).toBe(DEFAULT_SECRET_KEY);
    expect(emulator.publicKey).toBe(DEFAULT_PUBLIC_KEY);
    expect(DEFAULT_SECRET_KEY).toMatch(/^sk_test_/);
    expect(emulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.accounts()).toEqual([
      expect.objectContaining({ currency: "KES", domain: "test", webhookUrl: undefined }),
    ]);
  });

  it.each([
    ["no Authorization header", null],
    ["a wrong secret key", "sk_test_nottherightkey"],
    ["the public key instead of the secret key", DEFAULT_PUBLIC_KEY],
  ])("answers 401 Invalid key for %s, on every API route", async (_label, key) => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    const attempts = [
      await api(emulator, "POST", "/transaction/initialize", { key, json: { email: "a@b.co", amount: 100 } }),
      await api(emulator, "GET", `/transaction/verify/${reference}`, { key }),
      await api(emulator, "POST", "/refund", { key, json: { transaction: reference } }),
      await api(emulator, "GET", "/refund/1", { key }),
    ];
    for (const attempt of attempts) {
      expect(attempt).toEqual({ status: 401, body: { status: false, message: "Invalid key" } });
    }
    // Nothing was created by the rejected initialize.
    expect(emulator.transactions()).toHaveLength(1);
  });

  it("rejects a malformed Authorization scheme", async () => {
    const emulator = await startEmulator();
    const response = await fetch(`${emulator.baseUrl}/transaction/verify/abc`, {
      headers: { authorization: emulator.secretKey },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ status: false, message: "Invalid key" });
  });

  it("answers 404 for unknown routes", async () => {
    const emulator = await startEmulator();
    const result = await api(emulator, "GET", "/charge/whatever");
    expect(result).toEqual({ status: 404, body: { status: false, message: "Route not found" } });
    expect(emulator.calls("unknown").map((call) => call.path)).toEqual(["/charge/whatever"]);
  });

  it("answers 400 in Paystack's envelope for a malformed JSON body", async () => {
    const emulator = await startEmulator();
    const result = await api(emulator, "POST", "/transaction/initialize", { rawBody: "{email:" });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ status: false, type: "validation_error", code: "invalid_params" });
    expect(emulator.transactions()).toEqual([]);
  });

  it("keeps accounts apart: keys, references and verify", async () => {
    const other = {
      secretKey: "sk_test_othermerchant1",
      publicKey: "pk_test_othermerchant1",
      currency: "NGN",
    };
    const emulator = await startEmulator({
      accounts: [{ secretKey: DEFAULT_SECRET_KEY, publicKey: DEFAULT_PUBLIC_KEY }, other],
    });
    const mine = await initialize(emulator, { reference: "shared-ref" });
    const theirs = await initialize(emulator, { reference: "shared-ref" }, other.secretKey);
    expect(mine.access_code).not.toBe(theirs.access_code);
    // The other account's transaction defaults to its own currency.
    expect((await verify(emulator, "shared-ref", other.secretKey)).body.data.currency).toBe("NGN");
    expect((await verify(emulator, "shared-ref")).body.data.currency).toBe("KES");
    // A reference only the other merchant has is "not found" for this one.
    const foreign = await initialize(emulator, { reference: "theirs-only" }, other.secretKey);
    expect(foreign.reference).toBe("theirs-only");
    expect((await verify(emulator, "theirs-only")).status).toBe(400);
    expect(emulator.calls("transaction.verify").map((call) => call.publicKey)).toEqual([
      other.publicKey,
      DEFAULT_PUBLIC_KEY,
      DEFAULT_PUBLIC_KEY,
    ]);
  });

  it("refuses invalid options", async () => {
    await expect(
      startEmulator({ accounts: [{ secretKey: "sk_test_abc", publicKey: "pk_live_abc" }] }),
    ).rejects.toThrow(/both be test keys/);
    await expect(
      startEmulator({ accounts: [{ secretKey: "secret", publicKey: "pk_test_abc" }] }),
    ).rejects.toThrow(/sk_test_/);
  });
});

describe("Paystack emulator: call log", () => {
  it("records route, body, account, status and response without secrets", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator, { metadata: { order: "DK-7F3K2" } });
    await verify(emulator, reference);
    await api(emulator, "GET", `/transaction/verify/${reference}`, { key: "sk_test_wrong" });

    const calls = emulator.calls();
    expect(calls.map((call) => [call.route, call.method, call.status])).toEqual([
      ["transaction.initialize", "POST", 200],
      ["transaction.verify", "GET", 200],
      ["transaction.verify", "GET", 401],
    ]);
    expect(calls[0]).toMatchObject({
      path: "/transaction/initialize",
      body: { email: "shopper@example.com", amount: 15000, metadata: { order: "DK-7F3K2" } },
      publicKey: emulator.publicKey,
      response: { status: true, message: "Authorization URL created", data: { reference } },
    });
    expect(calls[2]?.publicKey).toBeUndefined();
    expect(JSON.stringify(calls)).not.toContain(emulator.secretKey);
    expect(emulator.calls("transaction.verify")).toHaveLength(2);
    for (const call of calls) expect(call.finishedAt).toBeGreaterThanOrEqual(call.receivedAt);

    emulator.clearCalls();
    expect(emulator.calls()).toEqual([]);
  });

  it("emits request and response events", async () => {
    const emulator = await startEmulator();
    const seen: string[] = [];
    emulator.on("request", (call) => seen.push(`request ${call.route}`));
    emulator.on("response", (call) => seen.push(`response ${call.route} ${call.status}`));
    await initialize(emulator);
    expect(seen).toEqual(["request transaction.initialize", "response transaction.initialize 200"]);
  });
});

describe("Paystack emulator: fault injection", () => {
  it("fails the next N calls of a route before any effect, then recovers", async () => {
    const emulator = await startEmulator();
    emulator.failNext(
      "transaction.initialize",
      { status: 503, message: "Service temporarily unavailable" },
      2,
    );
    for (let i = 0; i < 2; i++) {
      const result = await api(emulator, "POST", "/transaction/initialize", {
        json: { email: "a@b.co", amount: 100, reference: "ref-1" },
      });
      expect(result).toEqual({
        status: 503,
        body: { status: false, message: "Service temporarily unavailable" },
      });
    }
    expect(emulator.transactions()).toEqual([]);
    const ok = await api(emulator, "POST", "/transaction/initialize", {
      json: { email: "a@b.co", amount: 100, reference: "ref-1" },
    });
    expect(ok.status).toBe(200);
    expect(emulator.calls("transaction.initialize").map((call) => call.injected ?? false)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("uses a default message per status and only touches the named route", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    emulator.failNext("transaction.verify", { status: 500 });
    expect((await initialize(emulator)).reference).toBeTruthy();
    expect(await verify(emulator, reference)).toEqual({
      status: 500,
      body: { status: false, message: "Internal Server Error" },
    });
    expect((await verify(emulator, reference)).status).toBe(200);
  });

  it("does not spend a fault on a request that fails authentication", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    emulator.failNext("transaction.verify", { status: 502 });
    expect((await verify(emulator, reference, "sk_test_wrong")).status).toBe(401);
    expect((await verify(emulator, reference)).status).toBe(502);
  });

  it("can drop the connection", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    emulator.failNext("*", { dropConnection: true });
    await expect(verify(emulator, reference)).rejects.toThrow();
    expect(emulator.calls("transaction.verify")[0]).toMatchObject({ injected: true, aborted: true });
  });

  it("fails randomly with a given probability until removed", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    const rolls = [0.1, 0.9, 0.2];
    const remove = emulator.failRandomly(
      "transaction.verify",
      { status: 500 },
      0.5,
      () => rolls.shift() ?? 1,
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await verify(emulator, reference)).status);
    expect(statuses).toEqual([500, 200, 500]);
    remove();
    rolls.push(0);
    expect((await verify(emulator, reference)).status).toBe(200);
  });
});
