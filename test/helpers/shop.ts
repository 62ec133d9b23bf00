/**
 * A whole shop for end-to-end tests: the Bot API emulator, and Duka (real grammY bot, real
 * BullMQ on the test Redis, embedded store in a temp directory) pointed at it. Each shop has its
 * own queue prefix and data directory, removed on stop. With MONGODB_URI set, the store is
 * mongoose on that server instead, in a database of the shop's own, dropped on stop. With `channel: "whatsapp"` the shop talks
 * WhatsApp instead: the real adapter over the whatsapp-web.js stand-in, the merchant on WhatsApp.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import mongoose from "mongoose";
import { freePort } from "../../sandbox/free-port.js";
import {
  type ChatMessage,
  createTelegramEmulator,
  type TelegramEmulator,
  type TelegramUser,
} from "../../sandbox/telegram/index.js";
import {
  createWhatsAppStandIn,
  type WhatsAppStandIn,
  type WhatsAppUser,
} from "../../sandbox/whatsapp/index.js";
import { createDuka, type Duka, type DukaOptions } from "../../src/app.js";
import { telegramChannel } from "../../src/bot/telegram/channel.js";
import { createWhatsAppChannel, whatsappChannel } from "../../src/bot/whatsapp/channel.js";
import type { WhatsAppClientLike } from "../../src/bot/whatsapp/client.js";
import { type Config, loadConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/domain/errors.js";
import type { Store } from "../../src/store/types.js";

export const MERCHANT_ID = 9001;
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Config as `loadConfig` makes it from `env`, on the test Redis; any free port unless PORT is given. */
export function testConfig(env: Record<string, string>): Config {
  const config = loadConfig({ LOG_LEVEL: "silent", REDIS_URL, PROOF_REMINDER_MINUTES: "0", ...env });
  return env.PORT ? config : { ...config, http: { ...config.http, port: 0 } };
}

/** The message of the ConfigError `loadConfig(env)` throws (fails the test when it throws none). */
export function configErrorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

/** Deletes every Redis key under a test's prefix. */
export async function clearPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * The shop's store: MONGODB_URI with a database named after the queue prefix when it is set (so a
 * restart finds the same data), the embedded store otherwise. `drop` removes that database.
 */
export function testStore(prefix: string): {
  env: Record<string, string>;
  /** Throws unless the store opened is the one MONGODB_URI asks for, so a run on it is one. */
  opened(kind: Store["kind"]): void;
  drop(): Promise<void>;
} {
  if (!process.env.MONGODB_URI) return { env: {}, opened: () => undefined, drop: async () => undefined };
  const uri = new URL(process.env.MONGODB_URI);
  uri.pathname = `/duka_e2e_${prefix.replace(/\W/g, "_")}`;
  return {
    env: { MONGODB_URI: uri.toString() },
    opened(kind) {
      if (kind !== "mongodb") throw new Error("MONGODB_URI is set, yet the shop opened the embedded store");
    },
    async drop() {
      const connection = await mongoose.createConnection(uri.toString()).asPromise();
      try {
        await connection.dropDatabase();
      } finally {
        await connection.close();
      }
    },
  };
}

/** Everything a shop's store holds, as text: to check what never reaches it (a secret). */
export async function storedText(config: Config): Promise<string> {
  if (!config.storage.mongodbUri) {
    const storeDir = join(config.storage.dataDir, "store");
    const files = await readdir(storeDir);
    return (await Promise.all(files.map((file) => readFile(join(storeDir, file), "utf8")))).join("\n");
  }
  const connection = await mongoose.createConnection(config.storage.mongodbUri).asPromise();
  try {
    const collections = await connection.db!.listCollections().toArray();
    const documents = await Promise.all(
      collections.map(({ name }) => connection.collection(name).find({}).toArray()),
    );
    return mongoose.mongo.BSON.EJSON.stringify(documents.flat());
  } finally {
    await connection.close();
  }
}

export interface TestShop {
  readonly emulator: TelegramEmulator;
  readonly merchant: TelegramUser;
  readonly config: Config;
  duka: Duka;
  shopper(id: number, firstName?: string): TelegramUser;
  /** Stops this Duka and starts a new one on the same store and Redis: a process restart. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A shop on WhatsApp: the real adapter over the stand-in; the merchant writes from WhatsApp too. */
export interface WhatsAppTestShop {
  readonly standIn: WhatsAppStandIn;
  readonly merchant: WhatsAppUser;
  readonly config: Config;
  duka: Duka;
  /** The WhatsApp user with the number `whatsappNumber(id)`. */
  shopper(id: number, name?: string): WhatsAppUser;
  /** Calls `listener` after every message the bot sent through any of its clients; returns an unsubscribe. */
  onSent(listener: () => void): () => void;
  /** Stops this Duka and starts a new one (a new WhatsApp client) on the same store and Redis. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type TestShopOptions = { env?: Record<string, string> } & Pick<
  DukaOptions,
  "reminderDelayMs" | "sweepEveryMs" | "logger" | "reconcileDelaysMs"
>;

/**
 * A shop on a port of its own whose provider instance for `plugin` (seeded from `env`) takes its
 * webhooks at the returned URL, as a provider's dashboard would be told.
 */
export async function startProviderShop(
  plugin: string,
  env: Record<string, string>,
  options: Omit<TestShopOptions, "env"> = {},
): Promise<{ shop: TestShop; webhookUrl: string }> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const shop = await startTestShop({ ...options, env: { PORT: String(port), PUBLIC_URL: origin, ...env } });
  const [instance] = await shop.duka.store.providers.list({ plugin });
  if (!instance) throw new Error(`The environment made no ${plugin} instance`);
  return { shop, webhookUrl: `${origin}/webhooks/${plugin}/${instance._id}` };
}

/** A test person's WhatsApp number: 2547 and the id on eight digits (9001 → 254700009001). */
export function whatsappNumber(id: number): string {
  return `2547${String(id).padStart(8, "0")}`;
}

export function startTestShop(options?: TestShopOptions & { channel?: "telegram" }): Promise<TestShop>;
export function startTestShop(options: TestShopOptions & { channel: "whatsapp" }): Promise<WhatsAppTestShop>;
export async function startTestShop(
  options: TestShopOptions & { channel?: "telegram" | "whatsapp" } = {},
): Promise<TestShop | WhatsAppTestShop> {
  const { channel, ...rest } = options;
  return channel === "whatsapp" ? startWhatsAppShop(rest) : startTelegramShop(rest);
}

async function startTelegramShop(options: TestShopOptions): Promise<TestShop> {
  const emulator = await createTelegramEmulator();
  const dataDir = await mkdtemp(join(tmpdir(), "duka-test-"));
  const prefix = `t-${randomBytes(4).toString("hex")}`;
  const store = testStore(prefix);
  const config = testConfig({
    ...store.env,
    TELEGRAM_BOT_TOKEN: emulator.botToken,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    MERCHANT_CHAT_IDS: `telegram:${MERCHANT_ID}`,
    DUKA_DATA_DIR: dataDir,
    QUEUE_PREFIX: prefix,
    ...options.env,
  });
  const { env: _env, ...dukaOptions } = options;
  const launch = async () => {
    const duka = await createDuka({ config, ...dukaOptions });
    store.opened(duka.store.kind);
    await duka.start();
    return duka;
  };
  const shop: TestShop = {
    emulator,
    config,
    merchant: emulator.user({ id: MERCHANT_ID, firstName: "Baraka" }),
    duka: await launch(),
    shopper: (id, firstName = "Amina") => emulator.user({ id, firstName }),
    async restart() {
      await shop.duka.stop();
      shop.duka = await launch();
    },
    async stop() {
      await shop.duka.stop();
      await emulator.close();
      await clearPrefix(prefix);
      await store.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return shop;
}

/**
 * Passes every call through to a stand-in client, and tells `sent` after each sendMessage (the
 * stand-in records the message before the call returns). Waits need that signal; the adapter sees
 * the client unchanged.
 */
function tapSends(client: WhatsAppClientLike, sent: EventEmitter): WhatsAppClientLike {
  return {
    on: (event, listener) => client.on(event, listener),
    removeAllListeners: (event) => client.removeAllListeners(event),
    initialize: () => client.initialize(),
    destroy: () => client.destroy(),
    getContactLidAndPhone: (ids) => client.getContactLidAndPhone(ids),
    async sendMessage(chatId, content, sendOptions) {
      try {
        return await client.sendMessage(chatId, content, sendOptions);
      } finally {
        sent.emit("sent");
      }
    },
  };
}

async function startWhatsAppShop(options: TestShopOptions): Promise<WhatsAppTestShop> {
  const standIn = createWhatsAppStandIn();
  const sent = new EventEmitter();
  // One listener per waiting driver: many people may wait at once.
  sent.setMaxListeners(0);
  const dataDir = await mkdtemp(join(tmpdir(), "duka-test-"));
  const prefix = `t-${randomBytes(4).toString("hex")}`;
  const store = testStore(prefix);
  const config = testConfig({
    ...store.env,
    MERCHANT_CHAT_IDS: `whatsapp:${whatsappNumber(MERCHANT_ID)}@c.us`,
    DUKA_DATA_DIR: dataDir,
    QUEUE_PREFIX: prefix,
    ...options.env,
  });
  const { env: _env, ...dukaOptions } = options;
  const launch = async () => {
    const duka = await createDuka({
      config,
      ...dukaOptions,
      channels: [
        telegramChannel,
        createWhatsAppChannel({ clientFactory: () => tapSends(standIn.createClient(), sent) }),
      ],
    });
    store.opened(duka.store.kind);
    await duka.start();
    // The adapter's start does not wait for WhatsApp; people can only write once a client is ready.
    await duka.channel(whatsappChannel)!.waitForState("ready", 10_000);
    return duka;
  };
  const shop: WhatsAppTestShop = {
    standIn,
    config,
    merchant: standIn.user(whatsappNumber(MERCHANT_ID), "Baraka"),
    duka: await launch(),
    shopper: (id, name = "Amina") => standIn.user(whatsappNumber(id), name),
    onSent(listener) {
      sent.on("sent", listener);
      return () => sent.off("sent", listener);
    },
    async restart() {
      await shop.duka.stop();
      shop.duka = await launch();
    },
    async stop() {
      await shop.duka.stop();
      standIn.close();
      await clearPrefix(prefix);
      await store.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return shop;
}

/** The callback data of the first button whose label contains `label`; fails loudly otherwise. */
export function button(message: ChatMessage, label: string): string {
  const found = message.buttons.find((candidate) => candidate.text.includes(label));
  if (!found?.callback_data) {
    throw new Error(`No button "${label}" on: ${message.text}\nbuttons: ${JSON.stringify(message.buttons)}`);
  }
  return found.callback_data;
}

/** The order reference a message mentions. */
export function referenceIn(message: ChatMessage): string {
  const match = /DK-[2-9A-HJ-NP-Z]{5}/.exec(message.text ?? "");
  if (!match) throw new Error(`No order reference in: ${message.text}`);
  return match[0];
}

/**
 * The shopper's way to the payment choice and past it: /start, a product (by label), a quantity,
 * checkout, then the payment option labelled `method`. Returns nothing: each path waits for its own answer.
 */
export async function checkoutWith(
  shopper: TelegramUser,
  product: string,
  quantity: number,
  method: string,
): Promise<ChatMessage> {
  shopper.sendText("/start");
  const catalog = await shopper.nextMessage(/Choose a product/);
  shopper.pressButton(catalog, button(catalog, product));
  const prompt = await shopper.nextMessage(/How many/);
  shopper.pressButton(prompt, button(prompt, String(quantity)));
  const added = await shopper.nextMessage(/Added/);
  shopper.pressButton(added, button(added, "Checkout"));
  const checkout = await shopper.nextMessage(/How would you like to pay/);
  shopper.pressButton(checkout, button(checkout, method));
  return checkout;
}

/**
 * The shopper's way to an order paid by transfer: /start, a product (by label), a quantity,
 * checkout, "Bank transfer / manual". Returns the reference and the bot's "order placed" message.
 */
export async function orderByTransfer(
  shopper: TelegramUser,
  product: string,
  quantity = 1,
): Promise<{ ref: string; placed: ChatMessage }> {
  await checkoutWith(shopper, product, quantity, "Bank transfer / manual");
  const placed = await shopper.nextMessage(/DK-/);
  return { ref: referenceIn(placed), placed };
}

/** An order by its reference and the payment it points at, as stored now. */
export async function orderOf(shop: TestShop, ref: string) {
  const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
  const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
  return { order: order!, payment: payment! };
}

/**
 * How many confirmations the shopper's chat got and how many settlements `ref` has, once a /help
 * round trip is done: the chat's messages go out in order, so anything the duplicates handled
 * before it could send has arrived by then.
 */
export async function confirmedAndSettled(
  shop: TestShop,
  shopper: TelegramUser,
  ref: string,
): Promise<{ confirmations: number; settlements: number }> {
  shopper.sendText("/help");
  await shopper.nextMessage(/\/orders/);
  const settled = await shop.duka.store.audit.list(
    shop.config.tenantId,
    { orderRef: ref, action: "payment.settled" },
    10,
  );
  return {
    confirmations: shopper.messages().filter((message) => /confirmed/.test(message.text ?? "")).length,
    settlements: settled.length,
  };
}
