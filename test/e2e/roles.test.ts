/**
 * The service split into processes by role (DESIGN §2): a `telegram` process receives and
 * converses, a `worker` process sends, a `web` process serves HTTP. They share only the store
 * and Redis, as separate processes would with MongoDB.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator } from "../../sandbox/telegram/index.js";
import { createDuka, type Duka, type Role } from "../../src/app.js";
import { createStore } from "../../src/store/index.js";
import type { Store } from "../../src/store/types.js";
import { clearPrefix, MERCHANT_ID, REDIS_URL, testConfig, testStore } from "../helpers/shop.js";

const running: Duka[] = [];
let emulator: TelegramEmulator | undefined;
let store: Store | undefined;
let dataDir: string | undefined;
let prefix: string | undefined;
let dropStore: (() => Promise<void>) | undefined;

afterEach(async () => {
  for (const duka of running.splice(0)) await duka.stop();
  await emulator?.close();
  await store?.close();
  await dropStore?.();
  if (prefix) await clearPrefix(prefix);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("process roles", () => {
  it("a telegram process converses, a worker process sends, a web process serves HTTP", async () => {
    emulator = await createTelegramEmulator();
    dataDir = await mkdtemp(join(tmpdir(), "duka-roles-"));
    prefix = `t-${randomBytes(4).toString("hex")}`;
    // All roles share one store: MongoDB's when MONGODB_URI is set, as in production.
    const backing = testStore(prefix);
    dropStore = backing.drop;
    store = await createStore({
      ...(backing.env.MONGODB_URI ? { mongodbUri: backing.env.MONGODB_URI } : {}),
      dataDir: join(dataDir, "store"),
      mediaDir: join(dataDir, "media"),
    });
    backing.opened(store.kind);
    const config = testConfig({
      TELEGRAM_BOT_TOKEN: emulator.botToken,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      MERCHANT_CHAT_IDS: `telegram:${MERCHANT_ID}`,
      DUKA_DATA_DIR: dataDir,
      QUEUE_PREFIX: prefix,
    });
    const start = async (role: Role) => {
      const duka = await createDuka({ config, role, store });
      await duka.start();
      running.push(duka);
      return duka;
    };

    const telegram = await start("telegram");
    expect(telegram.port()).toBeUndefined();
    const events = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const outbound = new QueueEvents("outbound-telegram", { connection: events, prefix });
    await outbound.waitUntilReady();
    const queued = new Promise((resolve) => outbound.once("added", resolve));
    const shopper = emulator.user({ id: 7001, firstName: "Zawadi" });
    shopper.sendText("/start");
    // The reply is stored and queued, but nobody sends it until a worker runs.
    await queued;
    await outbound.close();
    events.disconnect();
    const chat = { channel: "telegram" as const, chatId: "7001" };
    expect((await store.conversations.load(config.tenantId, chat))?.version).toBe(1);
    expect(shopper.messages()).toEqual([]);

    await start("worker");
    expect((await shopper.nextMessage(/Choose a product/)).text).toContain("Mama Mboga");

    const web = await start("web");
    const ready = await fetch(`http://127.0.0.1:${web.port()}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: unknown }).checks).toEqual({
      redis: { ok: true },
      store: { ok: true },
      telegram: { ok: true },
    });
  });
});
