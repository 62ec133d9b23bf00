import { afterEach, describe, expect, it } from "vitest";
import { runCleanups } from "../shared-helpers.js";
import { api, startEmulator, verify } from "./helpers.js";

afterEach(runCleanups);

const init = (emulator: Awaited<ReturnType<typeof startEmulator>>, json: Record<string, unknown>) =>
  api(emulator, "POST", "/transaction/initialize", { json });

describe("Paystack emulator: POST /transaction/initialize", () => {
  it("creates an abandoned transaction and a checkout URL on the emulator", async () => {
    const emulator = await startEmulator();
    const result = await init(emulator, { email: "shopper@example.com", amount: 15000 });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      status: true,
      message: "Authorization URL created",
      data: {
        authorization_url: expect.stringMatching(/\/checkout\/[a-z0-9]{15}$/),
        access_code: expect.stringMatching(/^[a-z0-9]{15}$/),
        reference: expect.stringMatching(/^[a-z0-9]{10}$/),
      },
    });
    const { data } = result.body;
    expect(data.authorization_url).toBe(`${emulator.baseUrl}/checkout/${data.access_code}`);
    expect(emulator.transaction(data.reference)).toMatchObject({
      status: "abandoned",
      amount: 15000,
      currency: "KES",
      email: "shopper@example.com",
      accessCode: data.access_code,
      metadata: undefined,
    });
  });

  it("takes the amount as an integer or a string of digits", async () => {
    const emulator = await startEmulator();
    const asString = await init(emulator, { email: "a@b.co", amount: "20000" });
    const asNumber = await init(emulator, { email: "a@b.co", amount: 20000 });
    for (const result of [asString, asNumber]) {
      expect(result.status).toBe(200);
      expect(emulator.transaction(result.body.data.reference)?.amount).toBe(20000);
    }
  });

  it.each([
    ["decimal number", 150.5],
    ["decimal string", "150.50"],
    ["zero", 0],
    ["negative", -100],
    ["words", "a lot"],
    ["exponent", "1e4"],
  ])("refuses a %s amount with Invalid Amount Sent", async (_label, amount) => {
    const emulator = await startEmulator();
    const result = await init(emulator, { email: "a@b.co", amount });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({
      status: false,
      message: "Invalid Amount Sent",
      type: "validation_error",
    });
    expect(emulator.transactions()).toEqual([]);
  });

  it("requires an email, in Paystack's documented error shape", async () => {
    const emulator = await startEmulator();
    const result = await init(emulator, { amount: 100 });
    expect(result).toEqual({
      status: 400,
      body: {
        status: false,
        message: "Email Address is required",
        meta: { nextStep: "Provide all required params" },
        type: "validation_error",
        code: "missing_params",
      },
    });
  });

  it.each(["not-an-email", "a@b", "user@@example.com", "254700000001@duka.local", "a b@example.com"])(
    "refuses the email %j",
    async (email) => {
      const emulator = await startEmulator();
      const result = await init(emulator, { email, amount: 100 });
      expect(result.status).toBe(400);
      expect(result.body.message).toBe("Invalid Email Address Passed");
    },
  );

  it("requires an amount", async () => {
    const emulator = await startEmulator();
    const result = await init(emulator, { email: "a@b.co" });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ message: "Amount is required", code: "missing_params" });
  });

  it("keeps a given reference and refuses one with other characters", async () => {
    const emulator = await startEmulator();
    const good = await init(emulator, { email: "a@b.co", amount: 100, reference: "DK-7F3K2.a=1" });
    expect(good.body.data.reference).toBe("DK-7F3K2.a=1");
    for (const reference of ["DK 7F3K2", "DK_7F3K2", "DK/1", "ref#1"]) {
      const bad = await init(emulator, { email: "a@b.co", amount: 100, reference });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/only -, \., = and alphanumeric/);
    }
    expect(emulator.transactions()).toHaveLength(1);
  });

  it("refuses a reused reference with Duplicate Transaction Reference", async () => {
    const emulator = await startEmulator();
    expect((await init(emulator, { email: "a@b.co", amount: 100, reference: "DK-1" })).status).toBe(200);
    const again = await init(emulator, { email: "other@b.co", amount: 999, reference: "DK-1" });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ status: false, message: "Duplicate Transaction Reference" });
    // The original is untouched.
    expect(emulator.transaction("DK-1")).toMatchObject({ amount: 100, email: "a@b.co" });
  });

  it("accepts metadata as an object or a JSON string and returns it as an object", async () => {
    const emulator = await startEmulator();
    const metadata = {
      order_id: "ord_1",
      custom_fields: [{ display_name: "Order", variable_name: "order", value: "DK-1" }],
    };
    const asObject = await init(emulator, { email: "a@b.co", amount: 100, metadata });
    const asString = await init(emulator, {
      email: "a@b.co",
      amount: 100,
      metadata: JSON.stringify(metadata),
    });
    for (const result of [asObject, asString]) {
      const verified = await verify(emulator, result.body.data.reference);
      expect(verified.body.data.metadata).toEqual(metadata);
    }
  });

  it('answers metadata "" on verify when none was sent', async () => {
    const emulator = await startEmulator();
    const result = await init(emulator, { email: "a@b.co", amount: 100 });
    expect((await verify(emulator, result.body.data.reference)).body.data.metadata).toBe("");
  });

  it.each([["not json"], ["[1,2]"], ["42"]])(
    "refuses metadata %j that is not a JSON object",
    async (metadata) => {
      const emulator = await startEmulator();
      const result = await init(emulator, { email: "a@b.co", amount: 100, metadata });
      expect(result.status).toBe(400);
      expect(result.body.message).toBe("Invalid metadata");
    },
  );

  it("checks currency against the account and defaults to the account's", async () => {
    const emulator = await startEmulator();
    const usd = await init(emulator, { email: "a@b.co", amount: 100, currency: "USD" });
    expect(usd.status).toBe(400);
    expect(usd.body.message).toBe("Currency not supported by merchant");
    const kes = await init(emulator, { email: "a@b.co", amount: 100, currency: "KES" });
    expect(emulator.transaction(kes.body.data.reference)?.currency).toBe("KES");
  });

  it("validates callback_url and channels", async () => {
    const emulator = await startEmulator();
    const badUrl = await init(emulator, { email: "a@b.co", amount: 100, callback_url: "not a url" });
    expect(badUrl).toMatchObject({ status: 400, body: { message: "Invalid callback_url" } });
    const badChannel = await init(emulator, { email: "a@b.co", amount: 100, channels: ["card", "crypto"] });
    expect(badChannel).toMatchObject({ status: 400, body: { message: "Invalid channels" } });
    const ok = await init(emulator, {
      email: "a@b.co",
      amount: 100,
      callback_url: "https://shop.example/paid?order=1",
      channels: ["card", "mobile_money"],
    });
    expect(emulator.transaction(ok.body.data.reference)).toMatchObject({
      callbackUrl: "https://shop.example/paid?order=1",
      channels: ["card", "mobile_money"],
    });
  });

  it("accepts a form-encoded body too", async () => {
    const emulator = await startEmulator();
    const result = await api(emulator, "POST", "/transaction/initialize", {
      form: { email: "a@b.co", amount: "500" },
    });
    expect(result.status).toBe(200);
    expect(emulator.transaction(result.body.data.reference)?.amount).toBe(500);
  });
});
