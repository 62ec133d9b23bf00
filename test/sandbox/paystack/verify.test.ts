import { afterEach, describe, expect, it } from "vitest";
import { TEST_CARDS } from "../../../sandbox/paystack/index.js";
import { runCleanups } from "../shared-helpers.js";
import { api, initialize, startEmulator, verify } from "./helpers.js";

afterEach(runCleanups);

describe("Paystack emulator: GET /transaction/verify/:reference", () => {
  it("answers 200 for success, failed and abandoned alike: only data.status differs", async () => {
    const emulator = await startEmulator();
    const paid = await initialize(emulator, { reference: "DK-paid" });
    const failed = await initialize(emulator, { reference: "DK-failed" });
    await initialize(emulator, { reference: "DK-abandoned" });
    await emulator.pay(paid.reference);
    await emulator.pay(failed.reference, { card: TEST_CARDS.declined });

    const results = await Promise.all(
      ["DK-paid", "DK-failed", "DK-abandoned"].map((ref) => verify(emulator, ref)),
    );
    expect(results.map((r) => [r.status, r.body.status, r.body.message, r.body.data.status])).toEqual([
      [200, true, "Verification successful", "success"],
      [200, true, "Verification successful", "failed"],
      [200, true, "Verification successful", "abandoned"],
    ]);
    const [success, failure, abandoned] = results.map((r) => r.body.data);
    expect(success).toMatchObject({ gateway_response: "Successful", message: null, fees: 435 });
    expect(failure).toMatchObject({
      gateway_response: "Declined",
      paid_at: null,
      fees: null,
      authorization: {},
    });
    expect(abandoned).toMatchObject({
      gateway_response: "The transaction was not completed",
      paid_at: null,
      log: null,
      authorization: {},
    });
  });

  it("returns the documented data shape", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator, { email: "Shopper@Example.com", amount: "15000" });
    await emulator.pay(reference);
    const { body } = await verify(emulator, reference);
    const data = body.data;
    expect(data).toMatchObject({
      id: expect.any(Number),
      domain: "test",
      status: "success",
      reference,
      receipt_number: null,
      amount: 15000,
      currency: "KES",
      channel: "card",
      metadata: "",
      requested_amount: 15000,
      customer: {
        id: expect.any(Number),
        email: "Shopper@Example.com",
        customer_code: expect.stringMatching(/^CUS_/),
        first_name: null,
        risk_action: "default",
      },
      authorization: {
        authorization_code: expect.stringMatching(/^AUTH_/),
        card_type: "visa ",
        bank: "TEST BANK",
        channel: "card",
        signature: expect.stringMatching(/^SIG_/),
      },
      plan: null,
      split: {},
      subaccount: {},
    });
    // Ids exceed 32 bits but stay exact as JSON numbers.
    expect(data.id).toBeGreaterThan(2 ** 32);
    expect(Number.isSafeInteger(data.id)).toBe(true);
    // Dates are ISO-8601 UTC with zeroed milliseconds; camelCase aliases agree.
    for (const key of ["paid_at", "created_at", "transaction_date"]) expect(data[key]).toMatch(/\.000Z$/);
    expect(data.paidAt).toBe(data.paid_at);
    expect(data.createdAt).toBe(data.created_at);
  });

  it("answers 400 Transaction reference not found for an unknown reference", async () => {
    const emulator = await startEmulator();
    expect(await verify(emulator, "never-created")).toEqual({
      status: 400,
      body: { status: false, message: "Transaction reference not found" },
    });
  });

  it("fetches by id too, 404 when unknown", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    const id = emulator.transaction(reference)?.id;
    const found = await api(emulator, "GET", `/transaction/${id}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      message: "Transaction retrieved",
      data: { reference, status: "abandoned" },
    });
    expect((await api(emulator, "GET", "/transaction/123")).status).toBe(404);
  });

  it("uses the clock option for dates", async () => {
    const fixed = Date.parse("2026-03-01T08:30:15.678Z");
    const emulator = await startEmulator({ now: () => fixed });
    const { reference } = await initialize(emulator);
    await emulator.pay(reference);
    const { body } = await verify(emulator, reference);
    expect(body.data.created_at).toBe("2026-03-01T08:30:15.000Z");
    expect(body.data.paid_at).toBe("2026-03-01T08:30:15.000Z");
  });
});
