/** The Flutterwave emulator as a plain HTTP client and a webhook endpoint see it. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createFlutterwaveEmulator,
  DEFAULT_SECRET_HASH,
  DEFAULT_SECRET_KEY,
  type FlutterwaveEmulator,
  TEST_CARD,
  TEST_MPESA_NUMBER,
} from "../../../sandbox/flutterwave/index.js";
import { startFlutterwaveReceiver } from "../../payments/flutterwave/harness.js";

let emulator: FlutterwaveEmulator;
let receiver: Awaited<ReturnType<typeof startFlutterwaveReceiver>>;

beforeAll(async () => {
  emulator = await createFlutterwaveEmulator({ webhookRetryDelaysMs: [5, 5] });
  receiver = await startFlutterwaveReceiver();
  emulator.setWebhookUrl(receiver.url("pi_test"));
});
afterEach(async () => {
  await emulator.webhookIdle();
  emulator.setWebhookUrl(receiver.url("pi_test"));
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

/** v3's envelope (`data` is null in an error). */
interface FlutterwaveAnswer {
  readonly status: string;
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>>;
}

let sequence = 0;
const call = async (path: string, body?: unknown, key = DEFAULT_SECRET_KEY) => {
  const answer = await fetch(`${emulator.baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: answer.status, json: (await answer.json()) as FlutterwaveAnswer };
};
const create = async (amount = 450) => {
  const txRef = `pay_emu_${++sequence}`;
  const created = await call("/v3/payments", {
    tx_ref: txRef,
    amount,
    currency: "KES",
    customer: { email: "a@example.com" },
    payment_options: "card, mpesa",
  });
  return { txRef, created };
};

/** The next webhook received whose body names `txRef`, passing over older ones. */
async function nextAbout(txRef: string) {
  for (;;) {
    const webhook = await receiver.next();
    if (webhook.rawBody.toString("utf8").includes(`"${txRef}"`)) return webhook;
  }
}

describe("payments and verify", () => {
  it("answers a hosted link, refuses a wrong key and a payment without e-mail", async () => {
    const { txRef, created } = await create();
    expect(created).toEqual({
      status: 200,
      json: {
        status: "success",
        message: "Hosted Link",
        data: { link: `${emulator.baseUrl}/v3/hosted/pay/${txRef}` },
      },
    });
    expect((await call("/v3/transactions/1/verify", undefined, "FLWSECK_TEST-wrong-X")).status).toBe(401);
    const noEmail = await call("/v3/payments", { tx_ref: "pay_x", amount: 1, currency: "KES", customer: {} });
    expect(noEmail).toMatchObject({ status: 400, json: { status: "error", data: null } });
  });

  it("offers the test card and M-Pesa number; paying by M-Pesa there sends charge.completed with verif-hash", async () => {
    const { txRef, created } = await create();
    const link = created.json.data.link as string;
    const page = await (await fetch(link)).text();
    expect(page).toContain(TEST_CARD);
    expect(page).toContain(TEST_MPESA_NUMBER);
    await fetch(link, { method: "POST", body: new URLSearchParams({ method: "mpesa" }) });
    const webhook = await nextAbout(txRef);
    expect(webhook.headers["verif-hash"]).toBe(DEFAULT_SECRET_HASH);
    const event = JSON.parse(webhook.rawBody.toString("utf8"));
    expect(event).toMatchObject({
      event: "charge.completed",
      "event.type": "MPESA_TRANSACTION",
      data: { tx_ref: txRef, status: "successful", amount: 450, currency: "KES", payment_type: "mpesa" },
    });
    const byId = await call(`/v3/transactions/${event.data.id}/verify`);
    const byRef = await call(`/v3/transactions/verify_by_reference?tx_ref=${txRef}`);
    expect(byId.json).toEqual(byRef.json);
    expect(byId.json.data).toMatchObject({ id: event.data.id, status: "successful" });
  });

  it("answers an unknown transaction with HTTP 200 and status error", async () => {
    expect(await call("/v3/transactions/999/verify")).toEqual({
      status: 200,
      json: { status: "error", message: "No transaction was found for this id", data: null },
    });
  });

  it("answers a queued 503 once, then normally", async () => {
    emulator.apiFaults.failNext("payments.create", { status: 503 }, 1);
    expect((await create()).created.status).toBe(503);
    expect((await create()).created.status).toBe(200);
  });
});

describe("refunds", () => {
  it("refunds in parts, never more than was paid, and only a successful transaction", async () => {
    const { txRef } = await create();
    const paid = emulator.pay(txRef);
    expect((await call(`/v3/transactions/${paid.id}/refund`, { amount: 150 })).json).toMatchObject({
      status: "success",
      data: { tx_id: paid.id, amount_refunded: 150 },
    });
    expect((await call(`/v3/transactions/${paid.id}/refund`, { amount: 301 })).status).toBe(400);
    expect((await call(`/v3/transactions/${paid.id}/refund`, {})).json.data.amount_refunded).toBe(300);
    const failed = emulator.pay((await create()).txRef, { status: "failed" });
    expect((await call(`/v3/transactions/${failed.id}/refund`, { amount: 1 })).status).toBe(400);
  });
});

describe("webhook faults", () => {
  it("drops, duplicates and forges queued deliveries", async () => {
    emulator.webhookFaults.failNext("charge.completed", "drop", 1);
    const dropped = await create();
    emulator.pay(dropped.txRef);
    emulator.webhookFaults.failNext("charge.completed", "duplicate", 1);
    const doubled = await create();
    emulator.pay(doubled.txRef);
    const [first, second] = [await nextAbout(doubled.txRef), await receiver.next()];
    expect(second.rawBody.equals(first.rawBody)).toBe(true);
    emulator.webhookFaults.failNext("charge.completed", "forged", 1);
    const forged = await create();
    emulator.pay(forged.txRef);
    expect((await nextAbout(forged.txRef)).headers["verif-hash"]).not.toBe(DEFAULT_SECRET_HASH);
    expect(receiver.captured.some((webhook) => webhook.rawBody.includes(dropped.txRef))).toBe(false);
  });

  it("sends a late delivery after the payment", async () => {
    emulator.webhookFaults.failNext("charge.completed", "late", 1);
    const late = await create();
    emulator.pay(late.txRef);
    expect(emulator.deliveries().some((delivery) => delivery.body.includes(late.txRef))).toBe(false);
    expect((await nextAbout(late.txRef)).headers["verif-hash"]).toBe(DEFAULT_SECRET_HASH);
  });

  it("retries a delivery nobody answers, three attempts in all", async () => {
    emulator.setWebhookUrl("http://127.0.0.1:1/webhooks/flutterwave/pi_test");
    const { txRef } = await create();
    emulator.pay(txRef);
    const last = await emulator.waitForDelivery(
      (delivery) => delivery.body.includes(txRef) && delivery.attempt === 3,
    );
    expect(last.delivered).toBe(false);
    expect(last.error).toMatch(/\S/);
  });
});
