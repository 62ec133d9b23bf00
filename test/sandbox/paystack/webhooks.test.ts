import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../sandbox/free-port.js";
import { paystackSignature, TEST_CARDS } from "../../../sandbox/paystack/index.js";
import { runCleanups } from "../shared-helpers.js";
import { initialize, startEmulator, startReceiver, submitCheckout, verify } from "./helpers.js";

afterEach(runCleanups);

const hmac = (algorithm: string, key: string, bytes: Buffer | string) =>
  createHmac(algorithm, key).update(bytes).digest("hex");

describe("Paystack emulator: charge.success webhook", () => {
  it("POSTs charge.success signed over the raw bytes after a checkout payment", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    emulator.setWebhookUrl(receiver.url);
    const { authorization_url, reference } = await initialize(emulator, { metadata: { order: "DK-1" } });
    await submitCheckout(authorization_url, { card_number: TEST_CARDS.success });
    await emulator.webhookIdle();

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook?.valid).toBe(true);
    expect(hook?.signature).toBe(hmac("sha512", emulator.secretKey, hook?.raw ?? ""));
    expect(hook?.event.event).toBe("charge.success");
    // Same shape as verify's data.
    const verified = await verify(emulator, reference);
    expect(hook?.event.data).toEqual(verified.body.data);

    const deliveries = emulator.webhookDeliveries();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      source: "auto",
      event: "charge.success",
      reference,
      status: 200,
      delivered: true,
      final: true,
      attempt: 1,
      signWith: "right",
      url: receiver.url,
    });
    expect(deliveries[0]?.body.equals(hook?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(deliveries[0]?.signature).toBe(hook?.signature);
  });

  it("sends nothing for failed or abandoned payments", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    emulator.setWebhookUrl(receiver.url);
    const declined = await initialize(emulator);
    await initialize(emulator);
    await emulator.pay(declined.reference, { card: TEST_CARDS.declined });
    await emulator.pay((await initialize(emulator)).reference, { card: TEST_CARDS.insufficientFunds });
    await emulator.webhookIdle();
    expect(receiver.received).toEqual([]);
    expect(emulator.webhookDeliveries()).toEqual([]);
  });

  it("sends nothing without a webhook URL, and uses a URL set at run time", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    await emulator.pay((await initialize(emulator)).reference);
    await emulator.webhookIdle();
    expect(emulator.webhookDeliveries()).toEqual([]);
    emulator.setWebhookUrl(receiver.url);
    const { reference } = await initialize(emulator);
    await emulator.pay(reference);
    await emulator.webhookIdle();
    expect(receiver.received.map((hook) => hook.event.data.reference)).toEqual([reference]);
  });

  it("retries a receiver answering 500 on the configured schedule, then gives up", async () => {
    const emulator = await startEmulator({ webhookRetry: { delaysMs: [30, 30, 30] } });
    const receiver = await startReceiver(emulator.secretKey, () => 500);
    emulator.setWebhookUrl(receiver.url);
    await emulator.pay((await initialize(emulator)).reference);
    await emulator.webhookIdle();

    expect(receiver.received).toHaveLength(4);
    // Every retry carries the very same bytes and signature.
    expect(new Set(receiver.received.map((hook) => hook.raw.toString("hex"))).size).toBe(1);
    expect(receiver.received.every((hook) => hook.valid)).toBe(true);
    const deliveries = emulator.webhookDeliveries();
    expect(deliveries.map((d) => [d.attempt, d.status, d.delivered, d.final])).toEqual([
      [1, 500, false, false],
      [2, 500, false, false],
      [3, 500, false, false],
      [4, 500, false, true],
    ]);
    expect(new Set(deliveries.map((d) => d.deliveryId)).size).toBe(1);
    for (let i = 1; i < deliveries.length; i++) {
      const gap = (deliveries[i]?.sentAt.getTime() ?? 0) - (deliveries[i - 1]?.sentAt.getTime() ?? 0);
      expect(gap).toBeGreaterThanOrEqual(25);
    }
  });

  it("stops retrying once the receiver acknowledges", async () => {
    const emulator = await startEmulator({ webhookRetry: { delaysMs: [5, 5, 5, 5] } });
    const receiver = await startReceiver(emulator.secretKey, (n) => (n < 3 ? 503 : 200));
    emulator.setWebhookUrl(receiver.url);
    await emulator.pay((await initialize(emulator)).reference);
    await emulator.webhookIdle();
    expect(emulator.webhookDeliveries().map((d) => [d.status, d.delivered])).toEqual([
      [503, false],
      [503, false],
      [200, true],
    ]);
  });

  it("retries network errors and can require exactly 200", async () => {
    const emulator = await startEmulator({ webhookRetry: { delaysMs: [5], ack: "200" } });
    const receiver = await startReceiver(emulator.secretKey, (n) => (n === 1 ? 204 : 200));
    emulator.setWebhookUrl(receiver.url);
    await emulator.pay((await initialize(emulator)).reference);
    await emulator.webhookIdle();
    expect(emulator.webhookDeliveries().map((d) => [d.status, d.delivered])).toEqual([
      [204, false],
      [200, true],
    ]);

    emulator.clearWebhookDeliveries();
    emulator.setWebhookUrl(`http://127.0.0.1:${await freePort()}/unreachable`);
    await emulator.pay((await initialize(emulator)).reference);
    await emulator.webhookIdle();
    const failures = emulator.webhookDeliveries();
    expect(failures).toHaveLength(2);
    expect(failures.every((d) => d.status === undefined && d.error !== undefined && !d.delivered)).toBe(true);
  });
});

describe("Paystack emulator: sendWebhook replay and forgery knobs", () => {
  it("replays a transaction's charge.success as identical copies", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    const { reference } = await initialize(emulator);
    await emulator.pay(reference);
    // No webhook URL was set during the payment; the test delivers explicitly.
    const attempts = await emulator.sendWebhook(reference, { copies: 3, url: receiver.url });
    expect(attempts).toHaveLength(3);
    expect(attempts.every((a) => a.source === "manual" && a.delivered)).toBe(true);
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(3);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((hook) => hook.raw.toString("hex"))).size).toBe(1);
    expect(receiver.received.every((hook) => hook.valid && hook.event.data.reference === reference)).toBe(
      true,
    );
  });

  it("sends a tampered body correctly signed (for amount-mismatch tests)", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    emulator.setWebhookUrl(receiver.url);
    const { reference } = await initialize(emulator, { amount: 15000 });
    await emulator.pay(reference);
    await emulator.webhookIdle();
    const data = { ...emulator.transactionData(reference), amount: 14999 };
    await emulator.sendWebhook({ event: "charge.success", data });
    expect(receiver.received.map((hook) => [hook.valid, hook.event.data.amount])).toEqual([
      [true, 15000],
      [true, 14999],
    ]);
  });

  it.each([
    ["wrong-key", false],
    ["other-body", false],
    ["sha256", false],
    ["uppercase", false],
    ["truncated", false],
    ["random", false],
    ["empty", false],
    ["none", false],
    ["right", true],
  ] as const)("signWith %s produces the described header", async (signWith, valid) => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    const { reference } = await initialize(emulator);
    await emulator.pay(reference);
    const [attempt] = await emulator.sendWebhook(reference, { signWith, url: receiver.url });
    const hook = receiver.received[0];
    expect(hook?.valid).toBe(valid);
    const bytes = hook?.raw ?? Buffer.alloc(0);
    const right = hmac("sha512", emulator.secretKey, bytes);
    const expected: Record<typeof signWith, (signature: string | undefined) => void> = {
      right: (s) => expect(s).toBe(right),
      "wrong-key": (s) => expect(s).toMatch(/^[0-9a-f]{128}$/),
      "other-body": (s) =>
        expect(s).toBe(hmac("sha512", emulator.secretKey, Buffer.concat([bytes, Buffer.from(" ")]))),
      sha256: (s) => expect(s).toBe(hmac("sha256", emulator.secretKey, bytes)),
      uppercase: (s) => expect(s).toBe(right.toUpperCase()),
      truncated: (s) => expect(s).toBe(right.slice(0, 64)),
      random: (s) => expect(s).toMatch(/^[0-9a-f]{128}$/),
      empty: (s) => expect(s).toBe(""),
      none: (s) => expect(s).toBeUndefined(),
    };
    expected[signWith](hook?.signature);
    if (signWith !== "right") expect(hook?.signature).not.toBe(right);
    expect(attempt?.signWith).toBe(signWith);
    expect(attempt?.signature).toBe(hook?.signature);
  });

  it("reserialized: the signature fits the compact body, the bytes sent are pretty-printed", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    const { reference } = await initialize(emulator);
    await emulator.pay(reference);
    await emulator.sendWebhook(reference, { signWith: "reserialized", url: receiver.url });
    const hook = receiver.received[0];
    expect(hook?.valid).toBe(false);
    const compact = JSON.stringify(JSON.parse(hook?.raw.toString("utf8") ?? ""));
    expect(hook?.raw.toString("utf8")).not.toBe(compact);
    expect(hook?.raw.toString("utf8")).toContain('\n  "event": "charge.success"');
    // A receiver that hashes JSON.stringify(req.body) would wrongly accept it.
    expect(hook?.signature).toBe(hmac("sha512", emulator.secretKey, compact));
  });

  it("bodyOverride sends exact bytes (unicode, odd whitespace) signed over those bytes", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    const raw =
      '{ "event":"charge.success",\n\t"data": {"reference":"DK-☕-1","customer":{"first_name":"Wanjikũ 🎉"}} }';
    await emulator.sendWebhook({ event: "ignored", data: {} }, { bodyOverride: raw, url: receiver.url });
    const hook = receiver.received[0];
    expect(hook?.raw.toString("utf8")).toBe(raw);
    expect(hook?.valid).toBe(true);
    expect(emulator.webhookDeliveries()[0]).toMatchObject({ event: "charge.success", reference: "DK-☕-1" });
  });

  it("an explicit signature wins; null sends no header", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    const event = { event: "charge.success", data: { reference: "x" } };
    await emulator.sendWebhook(event, { signature: "abc123", url: receiver.url });
    await emulator.sendWebhook(event, { signature: null, url: receiver.url });
    expect(receiver.received.map((hook) => hook.signature)).toEqual(["abc123", undefined]);
  });

  it("signs with the named account's key and exposes the signature helper", async () => {
    const other = { secretKey: "sk_test_merchanttwo", publicKey: "pk_test_merchanttwo" };
    const emulator = await startEmulator({
      accounts: [{ secretKey: "sk_test_merchantone", publicKey: "pk_test_merchantone" }, other],
    });
    const receiver = await startReceiver(other.secretKey);
    await emulator.sendWebhook(
      { event: "charge.success", data: {} },
      { account: other.publicKey, url: receiver.url },
    );
    expect(receiver.received[0]?.valid).toBe(true);
    expect(emulator.sign("{}", other.publicKey)).toBe(paystackSignature("{}", other.secretKey));
    expect(emulator.sign("{}")).toBe(hmac("sha512", "sk_test_merchantone", "{}"));
  });

  it("keeps up with a duplicate storm: every copy delivered, signed and recorded", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    const references: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { reference } = await initialize(emulator, { reference: `DK-storm-${i}` });
      await emulator.pay(reference);
      references.push(reference);
    }
    await Promise.all(
      references.map((reference, i) =>
        emulator.sendWebhook(reference, { copies: 1 + (i % 4), url: receiver.url }),
      ),
    );
    const expected = references.reduce((sum, _r, i) => sum + 1 + (i % 4), 0);
    expect(receiver.received).toHaveLength(expected);
    expect(receiver.received.every((hook) => hook.valid)).toBe(true);
    expect(new Set(receiver.received.map((hook) => hook.event.data.reference))).toEqual(new Set(references));
    expect(emulator.webhookDeliveries().filter((d) => d.delivered)).toHaveLength(expected);
  });

  it("refuses to send without any URL", async () => {
    const emulator = await startEmulator();
    await expect(emulator.sendWebhook({ event: "charge.success", data: {} })).rejects.toMatchObject({
      code: "no_webhook_url",
    });
  });

  it("emits webhook events for each attempt", async () => {
    const emulator = await startEmulator({ webhookRetry: { delaysMs: [1] } });
    const receiver = await startReceiver(emulator.secretKey, (n) => (n === 1 ? 500 : 200));
    const seen: Array<number | undefined> = [];
    emulator.on("webhook", (delivery) => seen.push(delivery.status));
    await emulator.sendWebhook({ event: "charge.success", data: {} }, { url: receiver.url });
    expect(seen).toEqual([500, 200]);
  });
});
