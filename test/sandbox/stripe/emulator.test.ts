/** The Stripe emulator as the official SDK and a webhook endpoint see it, over real HTTP. */
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createStripeEmulator,
  DEFAULT_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET,
  type StripeEmulator,
  TEST_CARDS,
} from "../../../sandbox/stripe/index.js";
import { startStripeReceiver } from "../../payments/stripe/harness.js";

let emulator: StripeEmulator;
let receiver: Awaited<ReturnType<typeof startStripeReceiver>>;
let sdk: Stripe;

beforeAll(async () => {
  emulator = await createStripeEmulator({ webhookRetryDelaysMs: [] });
  receiver = await startStripeReceiver();
  emulator.setWebhookUrl(receiver.url("pi_test"));
  const { port } = new URL(emulator.baseUrl);
  sdk = new Stripe(DEFAULT_SECRET_KEY, { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
});
afterEach(() => emulator.webhookIdle());
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const create = (unitAmount = 12_000, options?: Stripe.RequestOptions) =>
  sdk.checkout.sessions.create(
    {
      mode: "payment",
      line_items: [
        {
          quantity: 2,
          price_data: { currency: "kes", unit_amount: unitAmount, product_data: { name: "Tea" } },
        },
      ],
      client_reference_id: "pay_1",
      metadata: { order_ref: "DK-AAAAA" },
      expires_at: inAnHour(),
    },
    options,
  );
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected Stripe to refuse");
    },
    (error: unknown) => error as InstanceType<typeof Stripe.errors.StripeError>,
  );
const { webhooks } = Stripe;

/** The next webhook received whose body names `id`, passing over older ones. */
async function nextAbout(id: string) {
  for (;;) {
    const webhook = await receiver.next();
    if (webhook.rawBody.toString("utf8").includes(id)) return webhook;
  }
}

describe("Checkout Sessions", () => {
  it("reads bracketed form params and answers Stripe's session shape", async () => {
    const session = await create();
    expect(session).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      amount_total: 24_000,
      currency: "kes",
      client_reference_id: "pay_1",
      metadata: { order_ref: "DK-AAAAA" },
      url: `${emulator.baseUrl}/c/pay/${session.id}`,
    });
    expect(session.id).toMatch(/^cs_test_/);
  });

  it("refuses a wrong key, a session outside 30 min–24 h, and an unknown session", async () => {
    const wrongKey = new Stripe("sk_test_wrong", {
      host: "127.0.0.1",
      port: new URL(emulator.baseUrl).port,
      protocol: "http",
    });
    expect((await failure(wrongKey.checkout.sessions.retrieve("cs_test_x"))).statusCode).toBe(401);
    const tooSoon = sdk.checkout.sessions.create({
      mode: "payment",
      line_items: [
        { quantity: 1, price_data: { currency: "kes", unit_amount: 100, product_data: { name: "x" } } },
      ],
      expires_at: Math.floor(Date.now() / 1000) + 600,
    });
    expect(await failure(tooSoon)).toMatchObject({ statusCode: 400, param: "expires_at" });
    expect(await failure(sdk.checkout.sessions.retrieve("cs_test_nope"))).toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("replays an Idempotency-Key's first answer, and refuses the key with other params", async () => {
    const first = await create(12_000, { idempotencyKey: "key-1" });
    expect((await create(12_000, { idempotencyKey: "key-1" })).id).toBe(first.id);
    expect(await failure(create(13_000, { idempotencyKey: "key-1" }))).toMatchObject({
      statusCode: 400,
      type: "StripeIdempotencyError",
    });
  });

  it("pays on the hosted page: 4242 completes it with a signed event, 0002 and 9995 leave it open", async () => {
    const session = await create();
    const page = (card: string) =>
      fetch(session.url!, { method: "POST", body: new URLSearchParams({ card }) }).then((answer) =>
        answer.text(),
      );
    expect(await page(TEST_CARDS.declined)).toContain("Your card was declined.");
    expect(await page(TEST_CARDS.insufficientFunds)).toContain("insufficient funds");
    expect((await sdk.checkout.sessions.retrieve(session.id)).status).toBe("open");
    expect(await page(TEST_CARDS.success)).toContain("Payment succeeded.");
    const webhook = await nextAbout(session.id);
    const event = webhooks.constructEvent(
      webhook.rawBody,
      webhook.headers["stripe-signature"]!,
      DEFAULT_WEBHOOK_SECRET,
    );
    expect(event).toMatchObject({
      type: "checkout.session.completed",
      data: { object: { id: session.id, payment_status: "paid" } },
    });
    expect(await sdk.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "complete", url: null });
  });

  it("expires an open session by API with checkout.session.expired", async () => {
    const session = await create();
    expect((await sdk.checkout.sessions.expire(session.id)).status).toBe("expired");
    expect(JSON.parse((await nextAbout(session.id)).rawBody.toString())).toMatchObject({
      type: "checkout.session.expired",
    });
    expect(await failure(sdk.checkout.sessions.expire(session.id))).toMatchObject({ statusCode: 400 });
  });
});

describe("refunds", () => {
  it("refunds in parts, never more than was paid, and lists them newest first", async () => {
    const session = await create();
    emulator.pay(session.id);
    const paymentIntent = emulator.session(session.id)!.payment_intent!;
    const first = await sdk.refunds.create({ payment_intent: paymentIntent, amount: 4_000 });
    expect(
      await failure(sdk.refunds.create({ payment_intent: paymentIntent, amount: 20_001 })),
    ).toMatchObject({
      statusCode: 400,
      code: "amount_too_large",
    });
    const rest = await sdk.refunds.create({ payment_intent: paymentIntent });
    expect([first.amount, rest.amount]).toEqual([4_000, 20_000]);
    expect(await failure(sdk.refunds.create({ payment_intent: paymentIntent }))).toMatchObject({
      code: "charge_already_refunded",
    });
    expect(
      (await sdk.refunds.list({ payment_intent: paymentIntent })).data.map((refund) => refund.id),
    ).toEqual([rest.id, first.id]);
  });
});

describe("webhook faults", () => {
  async function paidEvent() {
    const session = await create();
    emulator.setWebhookUrl(undefined);
    emulator.pay(session.id);
    emulator.setWebhookUrl(receiver.url("pi_test"));
    return emulator.lastEventAbout(session.id, "checkout.session.completed")!;
  }

  it.each([
    ["forged", /No signatures found matching/],
    ["stale", /Timestamp outside the tolerance zone/],
  ] as const)("signs a %s delivery so the SDK refuses it", async (signWith, why) => {
    const event = await paidEvent();
    await emulator.sendEvent(event.id, { signWith });
    const webhook = await nextAbout(event.id);
    expect(() =>
      webhooks.constructEvent(webhook.rawBody, webhook.headers["stripe-signature"]!, DEFAULT_WEBHOOK_SECRET),
    ).toThrow(why);
  });

  it("drops, duplicates and delays queued deliveries of an event type", async () => {
    const session = await create();
    emulator.webhookFaults.failNext("checkout.session.expired", "drop", 1);
    emulator.expire(session.id);
    await emulator.webhookIdle();
    expect(emulator.deliveries().filter((delivery) => delivery.body.includes(session.id))).toHaveLength(0);

    const twice = await create();
    emulator.webhookFaults.failNext("checkout.session.expired", "duplicate", 1);
    emulator.expire(twice.id);
    await emulator.webhookIdle();
    const [a, b] = [await nextAbout(twice.id), await nextAbout(twice.id)];
    expect(a.rawBody.equals(b.rawBody)).toBe(true);

    const late = await create();
    emulator.webhookFaults.failNext("checkout.session.expired", "late", 1);
    emulator.expire(late.id);
    expect(emulator.deliveries().filter((delivery) => delivery.body.includes(late.id))).toHaveLength(0);
    const delivered = await emulator.waitForDelivery((delivery) => delivery.body.includes(late.id));
    expect(delivered.status).toBe(200);
  });

  it("retries an unacknowledged delivery on its delays", async () => {
    const event = await paidEvent();
    emulator.setWebhookUrl(`${receiver.origin}/not-a-webhook`);
    try {
      const attempts = await emulator.sendEvent(event.id, { retryDelaysMs: [10, 10] });
      expect(attempts.map((attempt) => [attempt.attempt, attempt.delivered])).toEqual([
        [1, false],
        [2, false],
        [3, false],
      ]);
    } finally {
      emulator.setWebhookUrl(receiver.url("pi_test"));
    }
  });
});

describe("API faults", () => {
  it("answers a queued 5xx in Stripe's error shape, then serves again", async () => {
    emulator.apiFaults.failNext("sessions.create", { status: 500 }, 1);
    expect(await failure(create())).toMatchObject({ statusCode: 500, type: "StripeAPIError" });
    expect((await create()).status).toBe("open");
  });
});
