/**
 * Webhook → settled, and → the shopper's confirmation at the Bot API, at a steady rate of paid
 * card payments. Duka runs whole (role `all`) in this process with the Bot API emulator; the
 * Paystack emulator, standing in for Paystack's servers, runs in a child process. Payments are
 * prepared in the store and paid at the emulator first, then their signed charge.success
 * webhooks are posted at the rate. Optionally ordinary messages are queued first: confirmations
 * must overtake them.
 */
import { createHmac } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { createTelegramEmulator, type TelegramEmulator } from "../../sandbox/telegram/index.js";
import { createDuka, type Duka } from "../../src/app.js";
import { loadConfig } from "../../src/config/index.js";
import { deterministicId } from "../../src/domain/ids.js";
import { createChatOrder } from "../../src/queue/chat-order.js";
import { createOutbox } from "../../src/queue/outbox.js";
import { createQueues } from "../../src/queue/queues.js";
import { startChildServer } from "../lib/child.js";
import type { BenchContext } from "../lib/context.js";
import { type Distribution, distribution } from "../lib/stats.js";

export interface SettlementFigures {
  readonly perSecond: number;
  readonly payments: number;
  readonly background: number;
  readonly settledMs: Distribution;
  readonly confirmedMs: Distribution;
  /** Ordinary messages the Bot API received before the last confirmation. */
  readonly ordinaryBeforeLastConfirmation: number;
  /** Messages the merchant got about the paid orders (alerts, or digests of them). */
  readonly merchantMessages: number;
  /** From the first webhook until the merchant had been told of every paid order. */
  readonly merchantToldMs: number;
}

const MERCHANT = 9_001;
const SHOPPER_BASE = 700_000;

interface Paystack {
  readonly baseUrl: string;
  readonly secretKey: string;
}

async function prepare(duka: Duka, paystack: Paystack, telegram: TelegramEmulator, count: number) {
  const [instance] = await duka.store.providers.list({ plugin: "paystack" });
  const now = new Date();
  const references: { reference: string; paymentId: string; chatId: number }[] = [];
  for (let i = 0; i < count; i++) {
    const chatId = SHOPPER_BASE + i;
    telegram.user({ id: chatId, firstName: `Shopper ${i}` });
    const orderId = deterministicId("ord", "bench", String(i));
    const paymentId = deterministicId("pay", "bench", String(i));
    const ref = `DK-${i.toString(36).toUpperCase().padStart(5, "0")}`;
    const reference = `pay-bench-${paymentId.slice(4)}`;
    await duka.store.orders.create({
      _id: orderId,
      tenantId: duka.config.tenantId,
      ref,
      customer: { channel: "telegram", chatId: String(chatId) },
      lines: [{ sku: "TOMATO1KG", name: "Tomatoes (1 kg)", quantity: 1, unitAmount: 12_000 }],
      total: { amount: 12_000, currency: "KES" },
      status: "awaiting_payment",
      paymentId,
      createdAt: now,
      updatedAt: now,
    });
    await duka.store.payments.create({
      _id: paymentId,
      tenantId: duka.config.tenantId,
      orderId,
      orderRef: ref,
      method: "card",
      provider: "paystack",
      amount: { amount: 12_000, currency: "KES" },
      status: "pending",
      instanceId: instance!._id,
      // As the payment service records it: checked and settled with that mode's keys.
      testMode: instance!.testMode,
      providerRef: reference,
      createdAt: now,
      updatedAt: now,
    });
    const answer = await fetch(`${paystack.baseUrl}/transaction/initialize`, {
      method: "POST",
      headers: { authorization: `Bearer ${paystack.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "shopper@example.com", amount: 12_000, currency: "KES", reference }),
    });
    if (!answer.ok) throw new Error(`Paystack emulator refused to initialize: ${await answer.text()}`);
    const { data } = (await answer.json()) as { data: { authorization_url: string } };
    // The shopper pays on the hosted checkout with Paystack's success test card.
    const paid = await fetch(data.authorization_url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ card_number: "4084 0840 8408 4081", expiry: "12/30", cvv: "408" }),
    });
    if (!paid.ok) throw new Error(`The Paystack emulator's checkout refused the test card: ${paid.status}`);
    references.push({ reference, paymentId, chatId });
  }
  return { references, instanceId: instance!._id };
}

export async function settlement(
  context: BenchContext,
  perSecond: number,
  seconds: number,
  background = 0,
): Promise<SettlementFigures> {
  const telegram = await createTelegramEmulator();
  const paystackServer = await startChildServer("paystack", {});
  const paystack: Paystack = {
    baseUrl: paystackServer.info.baseUrl!,
    secretKey: paystackServer.info.secretKey!,
  };
  telegram.user({ id: MERCHANT, firstName: "Merchant" });
  const name = `settle-${perSecond}-${background}`;
  const env = await context.dukaEnv(name);
  const config = loadConfig({
    ...env,
    LOG_LEVEL: "error",
    TELEGRAM_BOT_TOKEN: telegram.botToken,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    MERCHANT_CHAT_IDS: `telegram:${MERCHANT}`,
    PAYSTACK_SECRET_KEY: paystack.secretKey,
    PAYSTACK_BASE_URL: paystack.baseUrl,
    RECONCILE_DELAYS_SECONDS: "3600",
  });
  const duka = await createDuka({ config });
  await duka.start();
  const redis = new Redis(context.redisUrl, { maxRetriesPerRequest: 1 });
  const queues = createQueues({ connection: redis, prefix: config.queue.prefix });
  try {
    const count = Math.round(perSecond * seconds);
    const { references, instanceId } = await prepare(duka, paystack, telegram, count);
    if (background > 0) {
      const outbox = createOutbox({
        store: duka.store,
        queues,
        order: createChatOrder(redis, config.queue.prefix),
      });
      for (let i = 0; i < background; i++) {
        const chatId = SHOPPER_BASE + (i % count);
        await outbox.send({
          id: `ob_background_${i}`,
          tenantId: config.tenantId,
          to: { channel: "telegram", chatId: String(chatId) },
          replies: [{ text: `Catalog page ${i}` }],
        });
      }
    }
    telegram.clearCalls();
    const url = `http://127.0.0.1:${duka.port()}/webhooks/paystack/${instanceId}`;
    const sentAt = new Map<string, number>();
    const settledAt = new Map<string, number>();
    const started = performance.now();
    const posts: Promise<unknown>[] = [];
    for (const [index, { reference, paymentId }] of references.entries()) {
      const due = started + (index * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      sentAt.set(paymentId, Date.now());
      posts.push(postChargeSuccess(url, paystack.secretKey, index + 1, reference));
    }
    await Promise.all(posts);
    // Confirmations drain at the channel's pace (about 30 a second); wait for all of them.
    const deadline = Date.now() + 60_000 + (count / 25) * 1000;
    const merchantTold = () =>
      telegram
        .calls("sendMessage")
        .filter((call) => String(call.params.chat_id) === String(MERCHANT))
        .reduce((told, call) => told + (String(call.params.text).match(/DK-/g)?.length ?? 0), 0);
    while (
      (settledAt.size < count || confirmations(telegram).size < count || merchantTold() < count) &&
      Date.now() < deadline
    ) {
      await collectSettled(duka, references, sentAt, settledAt);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const confirmed = confirmations(telegram);
    const byChat = new Map(references.map(({ paymentId, chatId }) => [String(chatId), paymentId]));
    const confirmedMs = [...confirmed.entries()].map(([chatId, at]) => at - sentAt.get(byChat.get(chatId)!)!);
    const lastConfirmation = Math.max(...confirmed.values());
    const ordinaryBeforeLastConfirmation = telegram
      .calls("sendMessage")
      .filter(
        (call) => String(call.params.text).startsWith("Catalog page") && call.receivedAt < lastConfirmation,
      ).length;
    const toMerchant = telegram
      .calls("sendMessage")
      .filter((call) => String(call.params.chat_id) === String(MERCHANT));
    const firstSent = Math.min(...sentAt.values());
    return {
      merchantMessages: toMerchant.length,
      merchantToldMs: Math.max(...toMerchant.map((call) => call.receivedAt)) - firstSent,
      perSecond,
      payments: count,
      background,
      settledMs: distribution([...settledAt.entries()].map(([id, at]) => at - sentAt.get(id)!)),
      confirmedMs: distribution(confirmedMs),
      ordinaryBeforeLastConfirmation,
    };
  } finally {
    await queues.close();
    redis.disconnect();
    await duka.stop();
    await Promise.all([telegram.close(), paystackServer.stop()]);
  }
}

/** Paystack's charge.success for a paid transaction, signed as Paystack signs (HMAC-SHA512). */
async function postChargeSuccess(
  url: string,
  secretKey: string,
  id: number,
  reference: string,
): Promise<void> {
  const body = JSON.stringify({
    event: "charge.success",
    data: {
      id,
      status: "success",
      reference,
      amount: 12_000,
      currency: "KES",
      paid_at: new Date().toISOString(),
    },
  });
  const answer = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-paystack-signature": createHmac("sha512", secretKey).update(body).digest("hex"),
    },
    body,
  });
  if (!answer.ok) throw new Error(`Duka answered ${answer.status} to a charge.success webhook`);
}

/** Notes when each sent payment settled, as the store recorded it. */
async function collectSettled(
  duka: Duka,
  references: readonly { paymentId: string }[],
  sentAt: ReadonlyMap<string, number>,
  settledAt: Map<string, number>,
): Promise<void> {
  for (const { paymentId } of references) {
    if (!sentAt.has(paymentId) || settledAt.has(paymentId)) continue;
    const payment = await duka.store.payments.findById(duka.config.tenantId, paymentId);
    if (payment?.status === "succeeded") settledAt.set(paymentId, payment.settledAt?.getTime() ?? Date.now());
  }
}

/** Shopper chat → when its payment confirmation reached the Bot API. */
function confirmations(telegram: TelegramEmulator): Map<string, number> {
  const found = new Map<string, number>();
  for (const call of telegram.calls("sendMessage")) {
    const chatId = String(call.params.chat_id);
    if (String(call.params.text).includes("confirmed") && !found.has(chatId))
      found.set(chatId, call.receivedAt);
  }
  return found;
}
