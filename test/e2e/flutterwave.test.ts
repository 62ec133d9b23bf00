/**
 * Payments through a Flutterwave hosted link, end to end: the real bot and emulated Telegram, the
 * flutterwave plugin against the Flutterwave emulator, verif-hash webhooks into our route (each
 * verified by transaction id before it counts), the inbox, the settle job, and refunds by the merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChargeEvent,
  createFlutterwaveEmulator,
  DEFAULT_SECRET_HASH,
  DEFAULT_SECRET_KEY,
  type FlutterwaveEmulator,
} from "../../sandbox/flutterwave/index.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import {
  checkoutWith,
  confirmedAndSettled,
  orderOf as orderAndPayment,
  referenceIn,
  startProviderShop,
  type TestShop,
} from "../helpers/shop.js";

let flutterwave: FlutterwaveEmulator;
let shop: TestShop;
let webhookUrl: string;

beforeAll(async () => {
  flutterwave = await createFlutterwaveEmulator({ webhookRetryDelaysMs: [] });
  ({ shop, webhookUrl } = await startProviderShop(
    "flutterwave",
    {
      FLUTTERWAVE_SECRET_KEY: DEFAULT_SECRET_KEY,
      FLUTTERWAVE_SECRET_HASH: DEFAULT_SECRET_HASH,
      FLUTTERWAVE_BASE_URL: flutterwave.baseUrl,
      ADMIN_TOKEN: "admin-token-for-flutterwave-tests-0123",
    },
    { reconcileDelaysMs: [3_000, 6_000] },
  ));
  flutterwave.setWebhookUrl(webhookUrl);
});

afterAll(async () => {
  await shop.stop();
  await flutterwave.close();
});

const hasLink = (message: { readonly buttons: readonly { readonly url?: string }[] }) =>
  message.buttons.some((b) => b.url !== undefined);

/**
 * /start → Tomatoes (KES 120.00) → checkout → Flutterwave's card (or M-Pesa) button → e-mail: the
 * link message and its tx_ref.
 */
async function payByFlutterwave(shopper: TelegramUser, button = "Card (Flutterwave)") {
  const checkout = await checkoutWith(shopper, "Tomatoes", 1, button);
  await shopper.nextMessage(/e-mail/);
  shopper.sendText(`shopper${shopper.id}@example.com`);
  const linkMessage = await shopper.nextMessage(hasLink);
  const url = linkMessage.buttons.find((b) => b.url)!.url!;
  return {
    checkout,
    ref: referenceIn(linkMessage),
    txRef: decodeURIComponent(url.split("/").at(-1)!),
    url,
    linkMessage,
  };
}

const orderOf = (ref: string) => orderAndPayment(shop, ref);

/** Pays with no webhook sent, so the test decides which (forged, duplicated, tampered) event arrives. */
function payQuietly(txRef: string, options: Parameters<FlutterwaveEmulator["pay"]>[1] = {}): ChargeEvent {
  flutterwave.setWebhookUrl(undefined);
  try {
    flutterwave.pay(txRef, options);
  } finally {
    flutterwave.setWebhookUrl(webhookUrl);
  }
  return flutterwave.events().at(-1)!;
}

describe("payments through a Flutterwave hosted link", () => {
  it("sends the link, settles on the verified charge.completed, and tells both parties", async () => {
    const shopper = shop.shopper(9501, "Wanjiru");
    const { checkout, ref, txRef, url, linkMessage } = await payByFlutterwave(
      shopper,
      "M-Pesa (Flutterwave)",
    );
    // One plugin, two ways to pay: two buttons that say which.
    expect(checkout.buttons.map((b) => b.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Card (Flutterwave)"),
        expect.stringContaining("M-Pesa (Flutterwave)"),
      ]),
    );
    expect(linkMessage.text).toContain("KES 120.00");
    expect(flutterwave.payment(txRef)).toMatchObject({
      amount: 120,
      currency: "KES",
      email: "shopper9501@example.com",
    });

    // The shopper pays by M-Pesa on the hosted page, over HTTP like a browser.
    await fetch(url, { method: "POST", body: new URLSearchParams({ method: "mpesa" }) });
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("paid");
    expect(payment).toMatchObject({ status: "succeeded", providerRef: txRef, method: "mobile_money" });
    expect(payment.receipt).toMatch(/^DRT/);
  });

  it.each([
    ["forged" as const, 9511],
    ["none" as const, 9512],
  ])("answers a webhook with a %s verif-hash with 401 and settles nothing", async (hash, shopperId) => {
    const { ref, txRef } = await payByFlutterwave(shop.shopper(shopperId));
    const [delivery] = await flutterwave.sendEvent(payQuietly(txRef), { hash });
    expect(delivery?.status).toBe(401);
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.status).toBe("pending");
  });

  it("settles once when the same event arrives five times at once", async () => {
    const shopper = shop.shopper(9503);
    const { ref, txRef } = await payByFlutterwave(shopper);
    const deliveries = await flutterwave.sendEvent(payQuietly(txRef), { copies: 5 });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200]);
    await shopper.nextMessage(/confirmed/);
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("does not settle a short payment, and alerts the merchant", async () => {
    const { ref, txRef } = await payByFlutterwave(shop.shopper(9504));
    const event = payQuietly(txRef, { amount: 100 });
    // The event claims the full amount; verify says what was taken.
    const claimed = JSON.stringify({ ...event, data: { ...event.data, amount: 120 } });
    const [delivery] = await flutterwave.sendEvent(event, { bodyOverride: claimed });
    expect(delivery?.status).toBe(200);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*not settled`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.flag?.reason).toBe("amount_mismatch");
  });

  it("does not settle an event claiming success that verify contradicts", async () => {
    const shopper = shop.shopper(9505);
    const { ref, txRef } = await payByFlutterwave(shopper);
    const event = payQuietly(txRef, { status: "failed" });
    const claimed = JSON.stringify({ ...event, data: { ...event.data, status: "successful" } });
    const [delivery] = await flutterwave.sendEvent(event, { bodyOverride: claimed });
    expect(delivery?.status).toBe(200);
    await shopper.nextMessage(/did not go through/);
    const { order, payment } = await orderOf(ref);
    expect(order.status).not.toBe("paid");
    expect(payment.status).toBe("failed");
  });

  it("expires a link not used in time, and still settles a payment made on it afterwards", async () => {
    const shopper = shop.shopper(9507);
    const { ref, txRef } = await payByFlutterwave(shopper);
    // Verify by tx_ref finds nothing at each reconciliation check; after the last, the payment ends.
    const expired = await shopper.nextMessage(/not used in time/, { timeoutMs: 15_000 });
    expect(expired.text).toContain(ref);
    expect((await orderOf(ref)).payment.status).toBe("expired");

    flutterwave.pay(txRef);
    await shopper.nextMessage(/confirmed/);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("paid");
    expect(payment.status).toBe("succeeded");
  });

  it("refunds a paid order on the merchant's /refund", async () => {
    const shopper = shop.shopper(9506);
    const { ref, txRef } = await payByFlutterwave(shopper);
    const paid = flutterwave.pay(txRef);
    await shopper.nextMessage(/confirmed/);
    shop.merchant.sendText(`/refund ${ref}`);
    expect((await shop.merchant.nextMessage(/refunded/)).text).toContain(ref);
    expect((await shopper.nextMessage(/refunded/)).text).toContain("KES 120.00");
    expect(flutterwave.refunds().filter((refund) => refund.tx_id === paid.id)).toMatchObject([
      { amount_refunded: 120 },
    ]);
    expect((await orderOf(ref)).order.status).toBe("refunded");
  });
});
