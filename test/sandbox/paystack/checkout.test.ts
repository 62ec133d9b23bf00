import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PUBLIC_KEY, DEFAULT_SECRET_KEY, TEST_CARDS } from "../../../sandbox/paystack/index.js";
import { runCleanups } from "../shared-helpers.js";
import { initialize, startEmulator, submitCheckout, verify } from "./helpers.js";

afterEach(runCleanups);

describe("Paystack emulator: hosted checkout page", () => {
  it("renders a self-contained card form with the amount and the merchant", async () => {
    const emulator = await startEmulator({
      accounts: [
        { secretKey: DEFAULT_SECRET_KEY, publicKey: DEFAULT_PUBLIC_KEY, businessName: "Mama <Mboga>" },
      ],
    });
    const { authorization_url, access_code, reference } = await initialize(emulator, { amount: 150_050 });
    const response = await fetch(authorization_url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("KES 1,500.50");
    expect(html).toContain("Mama &lt;Mboga&gt;");
    expect(html).toContain(reference);
    expect(html).toContain(`<form method="post" action="/checkout/${access_code}">`);
    for (const field of ["card_number", "expiry", "cvv"]) expect(html).toContain(`name="${field}"`);
    // No scripts and nothing loaded from elsewhere.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
    expect(emulator.calls("checkout.view")).toHaveLength(1);
  });

  it("answers 404 for an unknown access code", async () => {
    const emulator = await startEmulator();
    const response = await fetch(`${emulator.baseUrl}/checkout/doesnotexist123`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Transaction not found");
  });

  it("pays with the test card (spaces optional) and redirects 303 to callback_url with the reference", async () => {
    const emulator = await startEmulator();
    const { authorization_url, reference } = await initialize(emulator, {
      callback_url: "https://shop.example/paid?order=DK-1",
    });
    const result = await submitCheckout(authorization_url, { card_number: "4084084084084081", cvv: "408" });
    expect(result.status).toBe(303);
    const location = new URL(result.location ?? "");
    expect(location.origin + location.pathname).toBe("https://shop.example/paid");
    expect(location.searchParams.get("order")).toBe("DK-1");
    expect(location.searchParams.get("reference")).toBe(reference);
    expect(location.searchParams.get("trxref")).toBe(reference);

    const { body } = await verify(emulator, reference);
    expect(body.data).toMatchObject({
      status: "success",
      gateway_response: "Successful",
      channel: "card",
      ip_address: "127.0.0.1",
      authorization: {
        last4: "4081",
        bin: "408408",
        brand: "visa",
        exp_month: "12",
        exp_year: "2035",
        reusable: true,
      },
    });
    expect(Date.parse(body.data.paid_at)).not.toBeNaN();
    // The card number never reaches the call log in full.
    expect(JSON.stringify(emulator.calls("checkout.submit"))).not.toContain("4084084084084081");
  });

  it("uses the dashboard callback URL when initialize gave none, else shows a success page", async () => {
    const emulator = await startEmulator({
      accounts: [
        {
          secretKey: DEFAULT_SECRET_KEY,
          publicKey: DEFAULT_PUBLIC_KEY,
          callbackUrl: "https://shop.example/back",
        },
        { secretKey: "sk_test_second", publicKey: "pk_test_second" },
      ],
    });
    const first = await initialize(emulator);
    const withDashboardUrl = await submitCheckout(first.authorization_url, {
      card_number: TEST_CARDS.success,
    });
    expect(withDashboardUrl.location).toBe(
      `https://shop.example/back?reference=${first.reference}&trxref=${first.reference}`,
    );
    const second = await initialize(emulator, {}, "sk_test_second");
    const noCallback = await submitCheckout(second.authorization_url, { card_number: TEST_CARDS.success });
    expect(noCallback.status).toBe(200);
    expect(noCallback.html).toContain("Payment successful");
  });

  it.each([
    [TEST_CARDS.declined, "Declined", "Declined"],
    [TEST_CARDS.insufficientFunds, "Insufficient Funds", "Insufficient Funds"],
    ["4111 1111 1111 1111", "Invalid card", "Invalid card number"],
  ])(
    "fails card %s: the page shows the error, verify says failed, no redirect",
    async (card, gateway, message) => {
      const emulator = await startEmulator();
      const { authorization_url, reference } = await initialize(emulator, {
        callback_url: "https://shop.example/paid",
      });
      const result = await submitCheckout(authorization_url, { card_number: card });
      expect(result.status).toBe(200);
      expect(result.location).toBeNull();
      expect(result.html).toContain(`Payment failed: ${message}`);
      expect(result.html).toContain('name="card_number"');
      const { status, body } = await verify(emulator, reference);
      expect(status).toBe(200);
      expect(body.data).toMatchObject({
        status: "failed",
        gateway_response: gateway,
        message,
        paid_at: null,
      });
    },
  );

  it("declines the success card with a wrong CVV", async () => {
    const emulator = await startEmulator();
    const { authorization_url, reference } = await initialize(emulator);
    await submitCheckout(authorization_url, { card_number: TEST_CARDS.success, cvv: "123" });
    expect(emulator.transaction(reference)).toMatchObject({ status: "failed", gatewayResponse: "Declined" });
  });

  it("refuses malformed or expired details without an attempt", async () => {
    const emulator = await startEmulator();
    const { authorization_url, reference } = await initialize(emulator);
    const cases = [
      [{ card_number: TEST_CARDS.success, expiry: "01/20" }, "This card has expired"],
      [{ card_number: TEST_CARDS.success, expiry: "13/40" }, "Enter the expiry date as MM/YY"],
      [{ card_number: "4084", expiry: "12/40" }, "Card number must be 12 to 19 digits"],
      [{ card_number: TEST_CARDS.success, cvv: "4" }, "Enter the 3- or 4-digit CVV"],
    ] as const;
    for (const [card, error] of cases) {
      const result = await submitCheckout(authorization_url, card);
      expect(result.status).toBe(400);
      expect(result.html).toContain(error);
    }
    expect(emulator.transaction(reference)).toMatchObject({ status: "abandoned", attempts: 0 });
  });

  it("lets a failed transaction be paid on a later attempt, then refuses to charge it again", async () => {
    const emulator = await startEmulator();
    const { authorization_url, reference } = await initialize(emulator);
    await submitCheckout(authorization_url, { card_number: TEST_CARDS.declined });
    const paid = await submitCheckout(authorization_url, { card_number: TEST_CARDS.success });
    expect(paid.status).toBe(200);
    const { body } = await verify(emulator, reference);
    expect(body.data.status).toBe("success");
    expect(body.data.log).toMatchObject({ attempts: 2, errors: 1, success: true });
    expect(body.data.log.history.map((entry: { type: string }) => entry.type)).toEqual([
      "action",
      "error",
      "action",
      "success",
    ]);

    const again = await submitCheckout(authorization_url, { card_number: TEST_CARDS.success });
    expect(again.status).toBe(409);
    expect(again.html).toContain("already been paid");
    expect((await fetch(authorization_url).then((r) => r.text())).includes("already been paid")).toBe(true);
    expect(emulator.transaction(reference)?.attempts).toBe(2);
  });

  it("does not offer card payment when channels exclude card", async () => {
    const emulator = await startEmulator();
    const { authorization_url, reference } = await initialize(emulator, { channels: ["mobile_money"] });
    expect(await fetch(authorization_url).then((r) => r.text())).toContain("Card payments are not enabled");
    const result = await submitCheckout(authorization_url, { card_number: TEST_CARDS.success });
    expect(result.status).toBe(400);
    expect(emulator.transaction(reference)?.status).toBe("abandoned");
  });

  it("can fail the checkout page itself", async () => {
    const emulator = await startEmulator();
    const { authorization_url } = await initialize(emulator);
    emulator.failNext("checkout.view", { status: 503 });
    const response = await fetch(authorization_url);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("Service Unavailable");
  });
});

describe("Paystack emulator: in-process pay() and nextTransaction()", () => {
  it("pays by reference or access code like the form", async () => {
    const emulator = await startEmulator();
    const byReference = await initialize(emulator);
    const byAccessCode = await initialize(emulator);
    const paid = await emulator.pay(byReference.reference);
    expect(paid).toMatchObject({ status: "success", gatewayResponse: "Successful", card: { last4: "4081" } });
    expect(paid.paidAt).toBeInstanceOf(Date);
    expect(
      (await emulator.pay(byAccessCode.access_code, { card: TEST_CARDS.insufficientFunds })).status,
    ).toBe("failed");
    expect((await verify(emulator, byAccessCode.reference)).body.data.gateway_response).toBe(
      "Insufficient Funds",
    );
  });

  it("gives the same card the same signature and a new authorization code each time", async () => {
    const emulator = await startEmulator();
    const a = await emulator.pay((await initialize(emulator, { email: "a@x.co" })).reference);
    const b = await emulator.pay((await initialize(emulator, { email: "b@x.co" })).reference);
    expect(a.card?.signature).toBe(b.card?.signature);
    expect(a.card?.authorizationCode).not.toBe(b.card?.authorizationCode);
  });

  it("throws typed errors for misuse", async () => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    await expect(emulator.pay("nope")).rejects.toMatchObject({
      name: "PaystackEmulatorError",
      code: "not_found",
    });
    await expect(
      emulator.pay(reference, { card: { number: TEST_CARDS.success, expiry: "01/21" } }),
    ).rejects.toMatchObject({
      code: "invalid_card_details",
    });
    await emulator.pay(reference);
    await expect(emulator.pay(reference)).rejects.toMatchObject({ code: "already_paid" });
  });

  it("nextTransaction resolves with a transaction initialized after it started waiting", async () => {
    const emulator = await startEmulator();
    const waiting = emulator.nextTransaction();
    const { reference } = await initialize(emulator, { amount: 4200 });
    const next = await waiting;
    expect(next).toMatchObject({ reference, amount: 4200, status: "abandoned" });
  });

  it("nextTransaction is a read cursor: each transaction once, in order, with an optional matcher", async () => {
    const emulator = await startEmulator();
    const first = await initialize(emulator, { email: "one@x.co" });
    const second = await initialize(emulator, { email: "two@x.co" });
    const third = await initialize(emulator, { email: "three@x.co" });
    expect((await emulator.nextTransaction()).reference).toBe(first.reference);
    const matched = await emulator.nextTransaction({ match: (t) => t.email === "three@x.co" });
    expect(matched.reference).toBe(third.reference);
    // "two" was passed over by the matcher and is consumed too.
    await expect(emulator.nextTransaction({ timeoutMs: 50 })).rejects.toMatchObject({ code: "timeout" });
    expect(emulator.transactions().map((t) => t.reference)).toEqual([
      first.reference,
      second.reference,
      third.reference,
    ]);
  });

  it("nextTransaction rejects when the emulator closes", async () => {
    const emulator = await startEmulator();
    const waiting = emulator.nextTransaction({ timeoutMs: 10_000 });
    await emulator.close();
    await expect(waiting).rejects.toMatchObject({ code: "closed" });
  });

  it("emits transaction events with snapshots", async () => {
    const emulator = await startEmulator();
    const statuses: string[] = [];
    emulator.on("transaction", (transaction) => statuses.push(transaction.status));
    const { reference } = await initialize(emulator);
    await emulator.pay(reference, { card: TEST_CARDS.declined });
    await emulator.pay(reference);
    expect(statuses).toEqual(["abandoned", "failed", "success"]);
  });
});
