/**
 * Card payments through a Paystack link, end to end: the real bot and emulated Telegram, the
 * paystack plugin against the Paystack emulator, signed webhooks into our route, the inbox, the
 * settle and reconcile jobs, and refunds by the merchant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/free-port.js";
import {
  createPaystackEmulator,
  DEFAULT_SECRET_KEY,
  type PaystackEmulator,
} from "../../sandbox/paystack/index.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { button, referenceIn, startTestShop, type TestShop } from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-for-paystack-tests-0123";
let paystack: PaystackEmulator;
let shop: TestShop;
let webhookUrl: string;

beforeAll(async () => {
  paystack = await createPaystackEmulator();
  const port = await freePort();
  shop = await startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      PAYSTACK_SECRET_KEY: DEFAULT_SECRET_KEY,
      PAYSTACK_BASE_URL: paystack.baseUrl,
      ADMIN_TOKEN,
    },
    reconcileDelaysMs: [3_000, 6_000],
  });
  const [instance] = await shop.duka.store.providers.list({ plugin: "paystack" });
  webhookUrl = `http://127.0.0.1:${port}/webhooks/paystack/${instance!._id}`;
  paystack.setWebhookUrl(webhookUrl);
});

afterAll(async () => {
  await shop.stop();
  await paystack.close();
});

/** /start → Sukuma × 2 → checkout → card (→ e-mail when asked): the link message. */
async function payByCard(shopper: TelegramUser, email?: string) {
  shopper.sendText("/start");
  const catalog = await shopper.nextMessage(/Choose a product/);
  shopper.pressButton(catalog, button(catalog, "Sukuma"));
  const prompt = await shopper.nextMessage(/How many/);
  shopper.pressButton(prompt, button(prompt, "2"));
  const added = await shopper.nextMessage(/Added/);
  shopper.pressButton(added, button(added, "Checkout"));
  const checkout = await shopper.nextMessage(/How would you like to pay/);
  shopper.pressButton(checkout, button(checkout, "Card (Paystack)"));
  if (email) {
    await shopper.nextMessage(/e-mail/);
    shopper.sendText(email);
  }
  const linkMessage = await shopper.nextMessage((message) =>
    message.buttons.some((b) => b.url !== undefined),
  );
  const url = linkMessage.buttons.find((b) => b.url)!.url!;
  return { ref: referenceIn(linkMessage), accessCode: url.split("/").at(-1)!, linkMessage };
}

async function orderOf(ref: string) {
  const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
  const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
  return { order: order!, payment: payment! };
}

describe("card payments through Paystack", () => {
  it("sends a link, settles on the signed webhook after verifying, and tells both parties; the e-mail is remembered", async () => {
    const shopper = shop.shopper(9301, "Chidi");
    const { ref, accessCode, linkMessage } = await payByCard(shopper, "chidi@example.com");
    expect(linkMessage.text).toContain("KES 60.00");
    const transaction = paystack.transaction(accessCode)!;
    expect(transaction).toMatchObject({ amount: 6000, currency: "KES", email: "chidi@example.com" });

    await paystack.pay(accessCode);
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    // A card payment's receipt is a Paystack reference, not an M-Pesa receipt.
    expect(confirmed.text).toMatch(/\(reference /);
    expect(confirmed.text).not.toContain("M-Pesa");
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid.*card`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("paid");
    expect(payment.status).toBe("succeeded");
    expect(paystack.calls("transaction.verify").length).toBeGreaterThan(0);

    // The next order does not ask for the e-mail again.
    const again = await payByCard(shopper);
    expect(paystack.transaction(again.accessCode)?.email).toBe("chidi@example.com");
  });

  it.each([
    ["wrong-key" as const, 9311],
    ["reserialized" as const, 9312],
    ["none" as const, 9313],
  ])("answers a webhook signed %s with 401 and settles nothing", async (signWith, shopperId) => {
    const shopper = shop.shopper(shopperId);
    const { ref, accessCode } = await payByCard(shopper, "forge@example.com");
    paystack.setWebhookUrl(undefined);
    await paystack.pay(accessCode);
    paystack.setWebhookUrl(webhookUrl);
    const [delivery] = await paystack.sendWebhook(paystack.transaction(accessCode)!.reference, {
      signWith,
      retryDelaysMs: [],
    });
    expect(delivery?.status).toBe(401);
    // Only the reconciler (seconds later, through verify) may settle it; the forged request did nothing.
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.status).toBe("pending");
  });

  it("settles once when the same event arrives five times at once; an unknown reference is acknowledged and ignored", async () => {
    const shopper = shop.shopper(9303);
    const { ref, accessCode } = await payByCard(shopper, "five@example.com");
    paystack.setWebhookUrl(undefined);
    await paystack.pay(accessCode);
    paystack.setWebhookUrl(webhookUrl);
    const deliveries = await paystack.sendWebhook(paystack.transaction(accessCode)!.reference, {
      copies: 5,
      retryDelaysMs: [],
    });
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200]);
    await shopper.nextMessage(/confirmed/);
    shopper.sendText("/help");
    await shopper.nextMessage(/\/orders/);
    expect(shopper.messages().filter((message) => /confirmed/.test(message.text ?? ""))).toHaveLength(1);
    expect(
      await shop.duka.store.audit.list(
        shop.config.tenantId,
        { orderRef: ref, action: "payment.settled" },
        10,
      ),
    ).toHaveLength(1);

    const unknown = JSON.stringify({
      event: "charge.success",
      data: { id: 999_999_001, reference: "not-ours-123", amount: 6000, currency: "KES", status: "success" },
    });
    const [ack] = await paystack.sendWebhook(JSON.parse(unknown), {
      bodyOverride: unknown,
      retryDelaysMs: [],
    });
    expect(ack?.status).toBe(200);
  });

  it("does not settle a correctly signed event whose amount differs, and alerts the merchant", async () => {
    const shopper = shop.shopper(9304);
    const { ref, accessCode } = await payByCard(shopper, "amount@example.com");
    paystack.setWebhookUrl(undefined);
    await paystack.pay(accessCode);
    paystack.setWebhookUrl(webhookUrl);
    const data = paystack.transactionData(accessCode);
    const tampered = JSON.stringify({ event: "charge.success", data: { ...data, amount: 100 } });
    const [delivery] = await paystack.sendWebhook(JSON.parse(tampered), {
      bodyOverride: tampered,
      retryDelaysMs: [],
    });
    expect(delivery?.status).toBe(200);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*not settled`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.flag?.reason).toBe("amount_mismatch");
  });

  it("settles through verify when the webhook never comes", async () => {
    const shopper = shop.shopper(9305);
    const { ref, accessCode } = await payByCard(shopper, "quiet@example.com");
    paystack.setWebhookUrl(undefined);
    await paystack.pay(accessCode);
    const confirmed = await shopper.nextMessage(/confirmed/, { timeoutMs: 15_000 });
    paystack.setWebhookUrl(webhookUrl);
    expect(confirmed.text).toContain(ref);
  });

  it("refunds a paid order on the merchant's /refund and tells the shopper; refuses an unpaid one", async () => {
    const shopper = shop.shopper(9306);
    const { ref, accessCode } = await payByCard(shopper, "refund@example.com");
    await paystack.pay(accessCode);
    await shopper.nextMessage(/confirmed/);
    const refundsBefore = paystack.refunds().length;
    shop.merchant.sendText(`/refund ${ref}`);
    expect((await shop.merchant.nextMessage(/refunded/)).text).toContain(ref);
    expect((await shopper.nextMessage(/refunded/)).text).toContain("KES 60.00");
    expect(paystack.refunds()).toHaveLength(refundsBefore + 1);
    expect((await orderOf(ref)).order.status).toBe("refunded");

    const unpaid = await payByCard(shop.shopper(9307), "unpaid@example.com");
    const response = await fetch(
      `http://127.0.0.1:${shop.duka.port()}/admin/api/orders/${unpaid.ref}/refund`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: { code: "not_paid" } });
    expect((await orderOf(unpaid.ref)).order.status).toBe("awaiting_payment");
  });
});
