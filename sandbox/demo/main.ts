/**
 * `npm run demo`: the whole flow on embedded defaults, with no credentials and no internet.
 * Starts (or finds) Redis, a local Telegram Bot API emulator, and Duka with its real grammY bot
 * against it; plays a shopper and a merchant through a purchase; prints the conversation.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createDuka, type Duka } from "../../src/app.js";
import { loadConfig } from "../../src/config/index.js";
import { c2bEnv, createDarajaEmulator, type DarajaEmulator, stkPushEnv } from "../daraja/index.js";
import {
  createFlutterwaveEmulator,
  DEFAULT_SECRET_HASH as FLUTTERWAVE_SECRET_HASH,
  DEFAULT_SECRET_KEY as FLUTTERWAVE_SECRET_KEY,
  type FlutterwaveEmulator,
} from "../flutterwave/index.js";
import { freePort } from "../free-port.js";
import { createPaystackEmulator, DEFAULT_SECRET_KEY, type PaystackEmulator } from "../paystack/index.js";
import {
  createStripeEmulator,
  DEFAULT_SECRET_KEY as STRIPE_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET as STRIPE_WEBHOOK_SECRET,
  type StripeEmulator,
} from "../stripe/index.js";
import { createTelegramEmulator, type TelegramEmulator } from "../telegram/index.js";
import { createConversationPrinter } from "./printer.js";
import { ensureRedis, RedisMissingError } from "./redis.js";
import {
  FEATURE_PHONE,
  playCardPurchase,
  playCashOnDelivery,
  playFlutterwavePurchase,
  playMpesaPurchase,
  playPaybillAfterFailedPrompt,
  playPurchase,
  playReusedSms,
  playStripePurchase,
} from "./script.js";

const SHOPPER = { id: 254_700_001, firstName: "Amina", phone: "254708374149" };
const MERCHANT = { id: 254_700_002, firstName: "Mama Mboga (merchant)" };
const DEMO_TIMEOUT_MS = 90_000;

async function clearPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const redis = await ensureRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  write(redis.started ? `Started a temporary redis-server at ${redis.url}` : `Using Redis at ${redis.url}`);
  const dataDir = await mkdtemp(join(tmpdir(), "duka-demo-"));
  const prefix = `demo-${randomBytes(4).toString("hex")}`;
  let emulator: TelegramEmulator | undefined;
  let daraja: DarajaEmulator | undefined;
  let paystack: PaystackEmulator | undefined;
  let stripe: StripeEmulator | undefined;
  let flutterwave: FlutterwaveEmulator | undefined;
  let duka: Duka | undefined;
  try {
    emulator = await createTelegramEmulator();
    // The shopper's phone approves every M-Pesa prompt a moment after it arrives.
    // Every prompt is paid, except to a feature phone, which it cannot reach (1037).
    daraja = await createDarajaEmulator({
      autoComplete: (push) => ({ resultCode: push.phoneNumber === FEATURE_PHONE ? 1037 : 0 }),
      autoCompleteMs: 1_500,
    });
    paystack = await createPaystackEmulator();
    stripe = await createStripeEmulator();
    flutterwave = await createFlutterwaveEmulator();
    const port = await freePort();
    const config = loadConfig({
      LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
      REDIS_URL: redis.url,
      TELEGRAM_BOT_TOKEN: emulator.botToken,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      MERCHANT_CHAT_IDS: `telegram:${MERCHANT.id}`,
      DUKA_DATA_DIR: dataDir,
      QUEUE_PREFIX: prefix,
      PROOF_REMINDER_MINUTES: "0",
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...stkPushEnv(daraja),
      ...c2bEnv(daraja),
      PAYSTACK_SECRET_KEY: DEFAULT_SECRET_KEY,
      PAYSTACK_BASE_URL: paystack.baseUrl,
      STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.baseUrl,
      FLUTTERWAVE_SECRET_KEY,
      FLUTTERWAVE_SECRET_HASH,
      FLUTTERWAVE_BASE_URL: flutterwave.baseUrl,
      CASH_ON_DELIVERY: "on",
    });
    duka = await createDuka({ config });
    await duka.start();
    const [card] = await duka.store.providers.list({ plugin: "paystack" });
    paystack.setWebhookUrl(`${config.http.publicUrl}/webhooks/paystack/${card!._id}`);
    const [stripeCard] = await duka.store.providers.list({ plugin: "stripe" });
    stripe.setWebhookUrl(`${config.http.publicUrl}/webhooks/stripe/${stripeCard!._id}`);
    const [flutterwaveInstance] = await duka.store.providers.list({ plugin: "flutterwave" });
    flutterwave.setWebhookUrl(`${config.http.publicUrl}/webhooks/flutterwave/${flutterwaveInstance!._id}`);
    // Flutterwave also takes cards (one card provider at a time): off until the last purchase.
    await switchProvider(duka, config.tenantId, flutterwaveInstance!._id, false);
    write(
      `Duka is running (embedded store, Telegram emulator at ${emulator.apiRoot}, HTTP on port ${duka.port()}).`,
    );
    write(
      `Shop: ${duka.catalog.shop.name}, ${duka.catalog.products.length} products in ${duka.catalog.shop.currency}.\n`,
    );

    const names = new Map([
      [SHOPPER.id, SHOPPER.firstName],
      [MERCHANT.id, MERCHANT.firstName],
    ]);
    emulator.on("message", createConversationPrinter(names, write));
    let timer: NodeJS.Timeout | undefined;
    const shopper = emulator.user(SHOPPER);
    const merchant = emulator.user(MERCHANT);
    const refs = await Promise.race([
      (async () => [
        await (async () => {
          const paid = await playPurchase(shopper, merchant);
          write("\n🔁 The same M-Pesa SMS is pasted again, for a new order.\n");
          await playReusedSms(shopper, merchant, paid);
          return paid.ref;
        })(),
        await playMpesaPurchase(shopper, merchant),
        await (async () => {
          write("\n📵 The next M-Pesa prompt goes to a feature phone that cannot show it.\n");
          return playPaybillAfterFailedPrompt(shopper, merchant, daraja!);
        })(),
        await playCardPurchase(shopper, merchant, paystack!),
        await (async () => {
          // A shop offers one card provider at a time: the merchant switches cards to Stripe.
          await switchProvider(duka!, config.tenantId, card!._id, false);
          write("\n🔀 The merchant switches card payments from Paystack to Stripe.\n");
          return playStripePurchase(shopper, merchant);
        })(),
        await (async () => {
          await switchProvider(duka!, config.tenantId, stripeCard!._id, false);
          await switchProvider(duka!, config.tenantId, flutterwaveInstance!._id, true);
          write("\n🔀 The merchant switches card payments from Stripe to Flutterwave (cards and M-Pesa).\n");
          return playFlutterwavePurchase(shopper, merchant);
        })(),
        await (async () => {
          write("\n🚚 Cash on delivery: the merchant marks the order paid when the rider has the cash.\n");
          return playCashOnDelivery(shopper, merchant);
        })(),
      ])(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`The demo did not finish within ${DEMO_TIMEOUT_MS / 1000} s`)),
          DEMO_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    for (const ref of refs) {
      const order = await duka.store.orders.findByRef(config.tenantId, ref);
      if (order?.status !== "paid") throw new Error(`Order ${ref} ended ${order?.status}, not paid`);
    }
    write(
      `\n✅ Orders ${refs[0]} (transfer, pasted M-Pesa SMS), ${refs[1]} (M-Pesa), ${refs[2]} (M-Pesa Paybill, one tap after the prompt could not reach the phone), ${refs[3]} (card, Paystack), ${refs[4]} (card, Stripe), ${refs[5]} (card, Flutterwave) and ${refs[6]} (cash on delivery) are paid: every purchase ran end to end.`,
    );
  } finally {
    await duka?.stop();
    await emulator?.close();
    await daraja?.close();
    await paystack?.close();
    await stripe?.close();
    await flutterwave?.close();
    await clearPrefix(redis.url, prefix).catch(() => undefined);
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Turns a provider instance on or off, as the admin API does, and drops the cached choice. */
async function switchProvider(duka: Duka, tenantId: string, id: string, active: boolean): Promise<void> {
  await duka.store.providers.update(id, { active });
  duka.providers.invalidate(tenantId);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `\n${error instanceof RedisMissingError ? error.message : `Demo failed: ${error instanceof Error ? error.stack : error}`}\n`,
    );
    process.exit(1);
  },
);
