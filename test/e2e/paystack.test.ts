/**
 * Card payments through a Paystack link, end to end: the real bot and emulated Telegram, the
 * paystack plugin against the Paystack emulator, signed webhooks into our route, the inbox, the
 * settle and reconcile jobs, and refunds by the merchant.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../sandbox/free-port.js";
import {
  createPaystackEmulator,
  DEFAULT_SECRET_KEY,
  type PaystackEmulator,
} from "../../sandbox/paystack/index.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import type { ResultEvent } from "../../src/domain/conversation.js";
import { createRefunds } from "../../src/payments/refunds.js";
import {
  checkoutWith,
  confirmedAndSettled,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

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
  await checkoutWith(shopper, "Sukuma", 2, "Card (Paystack)");
  const hasLink = (message: { readonly buttons: readonly { readonly url?: string }[] }) =>
    message.buttons.some((b) => b.url !== undefined);
  let linkMessage = await shopper.nextMessage(
    (message) => hasLink(message) || /e-mail/.test(message.text ?? ""),
  );
  if (!hasLink(linkMessage)) {
    expect(email, "the shop asked for an e-mail").toBeDefined();
    shopper.sendText(email!);
    linkMessage = await shopper.nextMessage(hasLink);
  }
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
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });

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

describe("refund claims", () => {
  const adminRefund = (ref: string) =>
    fetch(`http://127.0.0.1:${shop.duka.port()}/admin/api/orders/${ref}/refund`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });

  /** A paid card order, confirmed to the shopper. */
  async function paidOrder(chatId: number) {
    const shopper = shop.shopper(chatId);
    const { ref } = await payByCard(shopper, `claims${chatId}@example.com`);
    const { payment } = await orderOf(ref);
    await paystack.pay(payment.providerRef!);
    await shopper.nextMessage(/confirmed/);
    return { shopper, ref };
  }

  /** The payments layer's refunds over the running shop's store and registry, telling a list. */
  function refundsOverShop() {
    const told: ResultEvent[] = [];
    const refunds = createRefunds({
      store: shop.duka.store,
      registry: shop.duka.providers,
      tellShopper: async (_order, result) => void told.push(result),
      logger: pino({ level: "silent" }),
    });
    return { refunds, told };
  }

  /** The refund calls Paystack received for an order's transaction. */
  async function refundCallsFor(ref: string) {
    const reference = (await orderOf(ref)).payment.providerRef;
    return paystack
      .calls("refund.create")
      .filter((call) => (call.body as { transaction?: unknown } | undefined)?.transaction === reference);
  }

  it("calls the provider once when the admin API and the merchant's /refund race", async () => {
    const { shopper, ref } = await paidOrder(9310);
    shop.merchant.sendText(`/refund ${ref}`);
    const answers = await Promise.all([adminRefund(ref), adminRefund(ref), adminRefund(ref)]);
    const merchantReply = await shop.merchant.nextMessage(/refunded:|under way|already refunded|refused/);
    expect(merchantReply.text).toContain(ref);

    expect(await refundCallsFor(ref)).toHaveLength(1);
    const statuses = answers.map((answer) => answer.status);
    const winners =
      statuses.filter((status) => status === 200).length +
      (/refunded:/.test(merchantReply.text ?? "") ? 1 : 0);
    expect(winners).toBe(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 409)).toBe(true);
    expect((await shopper.nextMessage(/refunded/)).text).toContain("KES 60.00");
    expect((await orderOf(ref)).order.status).toBe("refunded");
  });

  it("keeps the claim when the answer is lost, refuses a second refund meanwhile, and the reconciler settles it", async () => {
    const { ref } = await paidOrder(9311);
    paystack.failNext("refund.create", { status: 503, message: "Service unavailable" });
    const lost = await adminRefund(ref);
    expect(lost.status).toBe(202);
    expect((await orderOf(ref)).payment.refundClaim?.actor).toBe("admin");

    const second = await adminRefund(ref);
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: "in_progress" } });

    // Paystack made no refund: the reconciler drops the claim, and the merchant can ask again.
    const { refunds } = refundsOverShop();
    expect(await refunds.reconcileClaims(new Date(Date.now() - 60_000))).toBe(0);
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1))).toBe(1);
    expect((await orderOf(ref)).payment).toMatchObject({ status: "succeeded" });
    expect((await orderOf(ref)).payment.refundClaim).toBeUndefined();
    expect((await adminRefund(ref)).status).toBe(200);
    expect((await orderOf(ref)).order.status).toBe("refunded");
  });

  it("settles a claim whose refund Paystack made before the process lost its answer", async () => {
    const { ref } = await paidOrder(9312);
    const { payment } = await orderOf(ref);
    // The crash: claimed and refunded at Paystack, never recorded here.
    await shop.duka.store.payments.claimRefund(payment.tenantId, payment._id, {
      at: new Date(),
      actor: "admin",
    });
    const instance = await shop.duka.store.providers.findById(payment.instanceId!);
    const made = await shop.duka.providers.client(instance!).refund!(payment, payment.amount);
    const callsBefore = paystack.calls("refund.create").length;

    const { refunds, told } = refundsOverShop();
    expect(await refunds.reconcileClaims(new Date(Date.now() + 1))).toBe(1);

    const after = await orderOf(ref);
    expect(after.payment).toMatchObject({ status: "refunded", refund: { providerRef: made.providerRef } });
    expect(after.order.status).toBe("refunded");
    expect(told).toEqual([{ kind: "payment_refunded", orderRef: ref, amount: payment.amount }]);
    expect(paystack.calls("refund.create")).toHaveLength(callsBefore);
  });
});
