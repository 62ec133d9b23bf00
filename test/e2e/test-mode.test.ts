/**
 * Test mode end to end: one Stripe instance with a live and a test account (two emulators, each
 * accepting only its own key and signing with its own webhook secret), switched through the admin
 * API while the shop runs. The shopper is told before paying, the confirmation and the merchant's
 * alert say no money moved, the order is marked test, and /fulfil refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/free-port.js";
import {
  createStripeEmulator,
  DEFAULT_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET,
  type StripeEmulator,
} from "../../sandbox/stripe/index.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { captureLogs } from "../helpers/logs.js";
import { checkoutWith, referenceIn, startTestShop, type TestShop } from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-for-test-mode-0123456";
const LIVE_KEY = "sk_live_dukaEmulatorLive00000000";
const LIVE_WEBHOOK_SECRET = "whsec_dukaEmulatorLive00000000";

let live: StripeEmulator;
let test: StripeEmulator;
let shop: TestShop;
let instanceId: string;
let webhookUrl: string;
const logs = captureLogs();

beforeAll(async () => {
  live = await createStripeEmulator({
    secretKey: LIVE_KEY,
    webhookSecret: LIVE_WEBHOOK_SECRET,
    webhookRetryDelaysMs: [],
  });
  test = await createStripeEmulator({ webhookRetryDelaysMs: [] });
  const port = await freePort();
  // Seeded from live keys: live mode, no test credentials yet.
  shop = await startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      STRIPE_SECRET_KEY: LIVE_KEY,
      STRIPE_WEBHOOK_SECRET: LIVE_WEBHOOK_SECRET,
      STRIPE_API_BASE: live.baseUrl,
      ADMIN_TOKEN,
    },
    logger: logs.logger,
    reconcileDelaysMs: [3_000, 6_000],
  });
  const [instance] = await shop.duka.store.providers.list({ plugin: "stripe" });
  instanceId = instance!._id;
  webhookUrl = `http://127.0.0.1:${port}/webhooks/stripe/${instanceId}`;
  live.setWebhookUrl(webhookUrl);
  test.setWebhookUrl(webhookUrl);
});

afterAll(async () => {
  await shop.stop();
  await live.close();
  await test.close();
});

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`http://127.0.0.1:${shop.duka.port()}/admin/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, unknown> };
}

/** Checkout by Stripe (Tomatoes, KES 120.00): the ways-to-pay message and the link message. */
async function payByStripe(shopper: TelegramUser) {
  await checkoutWith(shopper, "Tomatoes", 1, "Card (Stripe)");
  const ways = shopper
    .messages()
    .findLast((message) => /How would you like to pay/.test(message.text ?? ""))!;
  const linkMessage = await shopper.nextMessage((message) =>
    message.buttons.some((b) => b.url !== undefined),
  );
  const url = linkMessage.buttons.find((b) => b.url)!.url!;
  return { ref: referenceIn(linkMessage), sessionId: url.split("/").at(-1)!, ways, linkMessage };
}

async function orderOf(ref: string) {
  const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
  const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
  return { order: order!, payment: payment! };
}

describe("test mode through the admin API and the bot", () => {
  it("refuses switching to test mode while the instance has no test credentials", async () => {
    const refused = await admin("PATCH", `/providers/${instanceId}`, { testMode: true });
    // Semantically invalid input is a 422 with `issues` here, like every refused config.
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/no test credentials/);
    expect(refused.text).toContain("testConfig");
    const { json } = await admin("GET", `/providers/${instanceId}`);
    expect(json).toMatchObject({ testMode: false, credentials: { live: true, test: false }, test: null });
  });

  it("uses the test keys on the next call after the switch, tells the shopper before paying, and marks everything test", async () => {
    const switched = await admin("PATCH", `/providers/${instanceId}`, {
      testMode: true,
      testConfig: {
        secretKey: DEFAULT_SECRET_KEY,
        webhookSecret: DEFAULT_WEBHOOK_SECRET,
        apiBase: test.baseUrl,
      },
    });
    expect(switched.status).toBe(200);
    expect(switched.json).toMatchObject({ testMode: true, credentials: { live: true, test: true } });
    const liveSessions = live.calls("sessions.create").length;

    const shopper = shop.shopper(9801, "Achieng");
    const { ref, sessionId, ways, linkMessage } = await payByStripe(shopper);
    expect(ways.text).toContain("Card (Stripe) is in test mode");
    expect(ways.text).toContain("card 4242 4242 4242 4242, any future expiry date, any CVC");
    expect(linkMessage.text).toContain("No real money moves");
    expect(linkMessage.text).toContain("4242 4242 4242 4242");

    // The session was made with the test key at the test account; the live one saw nothing.
    expect(test.session(sessionId)).toBeDefined();
    expect(live.calls("sessions.create")).toHaveLength(liveSessions);

    // Paid at the test account; its event is signed with the test webhook secret.
    expect(test.pay(sessionId)).toEqual({ paid: true });
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    expect(confirmed.text).toContain("Test payment — no money moved");
    const alert = await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    expect(alert.text).toContain("TEST");
    expect(alert.text).toContain("Test payment — no money moved");

    const { order, payment } = await orderOf(ref);
    expect(payment).toMatchObject({ status: "succeeded", testMode: true });
    expect(order).toMatchObject({ status: "paid", testMode: true });

    shop.merchant.sendText("/orders paid");
    expect((await shop.merchant.nextMessage(/Recent orders/)).text).toContain(`🧪 TEST ${ref}`);
    shop.merchant.sendText(`/fulfil ${ref}`);
    expect((await shop.merchant.nextMessage(new RegExp(`${ref}.*test payment`))).text).toContain(
      "cannot be marked fulfilled",
    );
    expect((await orderOf(ref)).order.status).toBe("paid");
  });

  it("goes back to the live keys on the next call after switching back, and a live order is fulfilled", async () => {
    const switched = await admin("PATCH", `/providers/${instanceId}`, { testMode: false });
    expect(switched.status).toBe(200);
    const testSessions = test.calls("sessions.create").length;
    const shopper = shop.shopper(9802);
    const { ref, sessionId, ways, linkMessage } = await payByStripe(shopper);
    expect(ways.text).not.toContain("test mode");
    expect(linkMessage.text).not.toContain("test mode");
    expect(live.session(sessionId)).toBeDefined();
    expect(test.calls("sessions.create")).toHaveLength(testSessions);
    live.pay(sessionId);
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).not.toContain("no money moved");
    expect((await orderOf(ref)).order.testMode).toBeUndefined();
    shop.merchant.sendText(`/fulfil ${ref}`);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*fulfilled`));
    expect((await orderOf(ref)).order.status).toBe("fulfilled");
  });

  it("accepts a test payment's event, signed with the test secret, after switching back to live", async () => {
    expect((await admin("PATCH", `/providers/${instanceId}`, { testMode: true })).status).toBe(200);
    const shopper = shop.shopper(9803);
    const { ref, sessionId } = await payByStripe(shopper);
    // Paid while no webhook goes out; the merchant switches back to live before the event arrives.
    test.setWebhookUrl(undefined);
    expect(test.pay(sessionId)).toEqual({ paid: true });
    test.setWebhookUrl(webhookUrl);
    expect((await admin("PATCH", `/providers/${instanceId}`, { testMode: false })).status).toBe(200);
    const event = test.lastEventAbout(sessionId, "checkout.session.completed")!;
    const [delivery] = await test.sendEvent(event.id, { retryDelaysMs: [] });
    expect(delivery?.status).toBe(200);
    expect((await shopper.nextMessage(/confirmed/)).text).toContain("Test payment — no money moved");
    expect((await orderOf(ref)).order).toMatchObject({ status: "paid", testMode: true });
  });

  it("never shows or logs a secret of either set", async () => {
    const listed = await admin("GET", "/providers");
    expect(listed.status).toBe(200);
    for (const secret of [LIVE_KEY, LIVE_WEBHOOK_SECRET, DEFAULT_SECRET_KEY, DEFAULT_WEBHOOK_SECRET]) {
      expect(listed.text).not.toContain(secret);
      expect(logs.text()).not.toContain(secret);
    }
    const views = listed.json as unknown as { plugin: string; test: { secrets: Record<string, string> } }[];
    const view = views.find(({ plugin }) => plugin === "stripe");
    // Which test secrets are set shows, masked, as the live ones do.
    expect(view!.test.secrets).toEqual({ secretKey: "sk_test_…0000", webhookSecret: "whsec_du…0000" });
  });
});
