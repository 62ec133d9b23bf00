/**
 * Card payments through a Stripe Checkout link, end to end: the real bot and emulated Telegram, the
 * stripe plugin against the Stripe emulator, Stripe-Signature webhooks into our route, the inbox,
 * the settle and reconcile jobs, expiry, and refunds by the merchant.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStripeEmulator,
  DEFAULT_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET,
  type StripeEmulator,
} from "../../sandbox/stripe/index.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { createRefunds } from "../../src/payments/refunds.js";
import {
  checkoutWith,
  confirmedAndSettled,
  orderOf as orderAndPayment,
  referenceIn,
  startProviderShop,
  type TestShop,
} from "../helpers/shop.js";

let stripe: StripeEmulator;
let shop: TestShop;
let webhookUrl: string;

beforeAll(async () => {
  stripe = await createStripeEmulator({ webhookRetryDelaysMs: [] });
  ({ shop, webhookUrl } = await startProviderShop(
    "stripe",
    {
      STRIPE_SECRET_KEY: DEFAULT_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: DEFAULT_WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.baseUrl,
      ADMIN_TOKEN: "admin-token-for-stripe-tests-0123",
    },
    { reconcileDelaysMs: [3_000, 6_000] },
  ));
  stripe.setWebhookUrl(webhookUrl);
});

afterAll(async () => {
  await shop.stop();
  await stripe.close();
});

/** /start → Tomatoes (KES 120.00) → checkout → card: the link message and its session. */
async function payByStripe(shopper: TelegramUser) {
  await checkoutWith(shopper, "Tomatoes", 1, "Card (Stripe)");
  const linkMessage = await shopper.nextMessage((message) =>
    message.buttons.some((b) => b.url !== undefined),
  );
  const url = linkMessage.buttons.find((b) => b.url)!.url!;
  return { ref: referenceIn(linkMessage), sessionId: url.split("/").at(-1)!, url, linkMessage };
}

const orderOf = (ref: string) => orderAndPayment(shop, ref);

/** Pays with no webhook sent, so the test decides which (forged, stale, duplicated) event arrives. */
function payQuietly(sessionId: string) {
  stripe.setWebhookUrl(undefined);
  try {
    expect(stripe.pay(sessionId)).toEqual({ paid: true });
  } finally {
    stripe.setWebhookUrl(webhookUrl);
  }
  return stripe.lastEventAbout(sessionId, "checkout.session.completed")!;
}

describe("card payments through Stripe Checkout", () => {
  it("sends the session's page, settles on the signed event after retrieving the session, and tells both parties", async () => {
    const shopper = shop.shopper(9401, "Wanjiru");
    const { ref, sessionId, url, linkMessage } = await payByStripe(shopper);
    expect(linkMessage.text).toContain("KES 120.00");
    expect(stripe.session(sessionId)).toMatchObject({ amount_total: 12_000, currency: "kes", url });

    // The shopper pays on the hosted page, over HTTP like a browser.
    const page = await fetch(url, {
      method: "POST",
      body: new URLSearchParams({ card: "4242 4242 4242 4242" }),
    });
    expect(await page.text()).toContain("Payment succeeded.");
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid.*card`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("paid");
    expect(payment).toMatchObject({
      status: "succeeded",
      receipt: stripe.session(sessionId)!.payment_intent,
    });
    expect(stripe.calls("sessions.retrieve").length).toBeGreaterThan(0);
  });

  it.each([
    ["forged" as const, 9411],
    ["stale" as const, 9412],
  ])("answers a %s webhook with 401 and settles nothing", async (signWith, shopperId) => {
    const { ref, sessionId } = await payByStripe(shop.shopper(shopperId));
    const event = payQuietly(sessionId);
    const [delivery] = await stripe.sendEvent(event.id, { signWith, retryDelaysMs: [] });
    expect(delivery?.status).toBe(401);
    // Only the reconciler (seconds later, through retrieve) may settle it; the request did nothing.
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.status).toBe("pending");
  });

  it("settles once when the same event arrives five times at once", async () => {
    const shopper = shop.shopper(9403);
    const { ref, sessionId } = await payByStripe(shopper);
    const event = payQuietly(sessionId);
    const deliveries = await stripe.sendEvent(event.id, { copies: 5, retryDelaysMs: [] });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200]);
    await shopper.nextMessage(/confirmed/);
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("does not settle a rightly signed event whose amount differs, and alerts the merchant", async () => {
    const { ref, sessionId } = await payByStripe(shop.shopper(9404));
    const event = payQuietly(sessionId);
    const object = { ...(event.data.object as object), amount_total: 100 };
    const [delivery] = await stripe.sendEvent({ ...event, id: `${event.id}tampered`, data: { object } });
    expect(delivery?.status).toBe(200);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*not settled`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.flag?.reason).toBe("amount_mismatch");
  });

  it("ends the payment when the session expires unpaid", async () => {
    const shopper = shop.shopper(9405);
    const { ref, sessionId } = await payByStripe(shopper);
    const acknowledged = stripe.waitForDelivery((delivery) =>
      delivery.body.includes("checkout.session.expired"),
    );
    stripe.expire(sessionId);
    expect((await acknowledged).status).toBe(200);
    await shopper.nextMessage(/expired/);
    expect((await orderOf(ref)).payment.status).toBe("cancelled");
  });

  it("tells the shopper the smallest card payment before any session is made", async () => {
    const shopper = shop.shopper(9406);
    const sessions = stripe.calls("sessions.create").length;
    // Sukuma × 2 is KES 60.00, under the KES 65.00 floor.
    await checkoutWith(shopper, "Sukuma", 2, "Card (Stripe)");
    await shopper.nextMessage(/Card payments start at KES 65\.00/);
    expect(stripe.calls("sessions.create")).toHaveLength(sessions);
  });

  it("refunds a paid order on the merchant's /refund, and acknowledges Stripe's charge.refunded", async () => {
    const shopper = shop.shopper(9407);
    const { ref, sessionId } = await payByStripe(shopper);
    stripe.pay(sessionId);
    await shopper.nextMessage(/confirmed/);
    const refundEvent = stripe.waitForDelivery((delivery) => delivery.body.includes('"charge.refunded"'));
    shop.merchant.sendText(`/refund ${ref}`);
    expect((await shop.merchant.nextMessage(/refunded/)).text).toContain(ref);
    expect((await shopper.nextMessage(/refunded/)).text).toContain("KES 120.00");
    const paymentIntent = stripe.session(sessionId)!.payment_intent;
    expect(stripe.refunds().filter((refund) => refund.payment_intent === paymentIntent)).toMatchObject([
      { amount: 12_000, status: "succeeded" },
    ]);
    expect((await refundEvent).status).toBe(200);
    expect((await orderOf(ref)).order.status).toBe("refunded");
  });
});

describe("refund claims", () => {
  it("settles a claim whose refund Stripe made before the process lost its answer (findRefund)", async () => {
    const shopper = shop.shopper(9410);
    const { ref, sessionId } = await payByStripe(shopper);
    stripe.pay(sessionId);
    await shopper.nextMessage(/confirmed/);
    const { payment } = await orderOf(ref);
    // The crash: claimed and refunded at Stripe, never recorded here.
    const claimed = await shop.duka.store.payments.claimRefund(payment.tenantId, payment._id, {
      at: new Date(),
      actor: "admin",
    });
    const instance = await shop.duka.store.providers.findById(payment.instanceId!);
    const made = await shop.duka.providers.client(instance!).refund!(claimed!, payment.amount);
    const refundCalls = stripe.calls("refunds.create").length;

    const refunds = createRefunds({
      store: shop.duka.store,
      registry: shop.duka.providers,
      tellShopper: async () => {},
      logger: pino({ level: "silent" }),
    });
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1))).toBe(1);
    const after = await orderOf(ref);
    expect(after.payment).toMatchObject({ status: "refunded", refund: { providerRef: made.providerRef } });
    expect(after.order.status).toBe("refunded");
    expect(stripe.calls("refunds.create")).toHaveLength(refundCalls);
  });
});
