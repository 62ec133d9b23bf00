/**
 * The servers the bench loads, one per child process (see lib/child.ts): `duka` (the real
 * service, configured from the environment like `duka start`), and the baselines it is compared
 * with: `naive-ingest` (what a webhook handler minimally does) and `bare-grammy` (a grammY bot
 * that answers /start with one sendMessage); and `paystack`, the emulator standing in for
 * Paystack's servers, so their work is not counted as Duka's.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import { Queue } from "bullmq";
import express from "express";
import { Bot, webhookCallback } from "grammy";
import { Redis } from "ioredis";
import { createPaystackEmulator } from "../sandbox/paystack/index.js";
import { createDuka, type Role } from "../src/app.js";
import { loadConfig } from "../src/config/index.js";
import { createLogger } from "../src/log/index.js";

type Started = { server: Server; info?: Record<string, string>; stop: () => Promise<void> };

async function naiveIngest(): Promise<Started> {
  const secret = process.env.BENCH_SECRET!;
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queue = new Queue("settle", { connection, prefix: process.env.QUEUE_PREFIX! });
  const app = express();
  app.post("/webhook", express.raw({ type: "application/json", limit: "256kb" }), async (req, res) => {
    const body = req.body as Buffer;
    const expected = createHmac("sha512", secret).update(body).digest();
    const given = Buffer.from(String(req.headers["x-paystack-signature"] ?? ""), "hex");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).end();
      return;
    }
    const event = JSON.parse(body.toString("utf8")) as { data: { id: number } };
    await queue.add("settle", { id: event.data.id });
    res.status(200).json({ ok: true });
  });
  const server = await listen(app);
  const stop = async () => {
    await queue.close();
    connection.disconnect();
  };
  return { server, stop };
}

async function bareGrammy(): Promise<Started> {
  const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN!, {
    client: { apiRoot: process.env.TELEGRAM_API_ROOT! },
  });
  bot.command("start", (ctx) => ctx.reply("Welcome to the shop! Choose a product."));
  await bot.init();
  const app = express();
  app.use(express.json());
  app.post(
    "/webhook",
    webhookCallback(bot, "express", { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! }),
  );
  return { server: await listen(app), stop: async () => undefined };
}

async function duka(): Promise<Started> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.log.level });
  const instance = await createDuka({ config, role: (process.env.BENCH_ROLE ?? "all") as Role, logger });
  await instance.start();
  const [paystack] = await instance.store.providers.list({ plugin: "paystack" });
  return {
    server: undefined as never,
    info: { port: String(instance.port()), ...(paystack ? { paystackInstanceId: paystack._id } : {}) },
    stop: () => instance.stop(),
  };
}

/** The Paystack emulator on its own, standing in for Paystack's servers in the settlement case. */
async function paystack(): Promise<Started> {
  const emulator = await createPaystackEmulator();
  return {
    server: undefined as never,
    info: { port: new URL(emulator.baseUrl).port, baseUrl: emulator.baseUrl, secretKey: emulator.secretKey },
    stop: () => emulator.close(),
  };
}

function listen(app: express.Express): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

const kinds: Record<string, () => Promise<Started>> = {
  "naive-ingest": naiveIngest,
  "bare-grammy": bareGrammy,
  duka,
  paystack,
};

const kind = process.argv[2] ?? "";
const start = kinds[kind];
if (!start) throw new Error(`Unknown bench server "${kind}"`);
const started = await start();
const address = started.server?.address();
const port = address && typeof address === "object" ? address.port : Number(started.info?.port);
process.on("message", (message: { type: string; id: number }) => {
  if (message.type !== "usage") return;
  const cpu = process.cpuUsage();
  process.send!({
    type: "usage",
    id: message.id,
    cpuMicros: cpu.user + cpu.system,
    rssBytes: process.memoryUsage().rss,
  });
});
process.on("SIGTERM", () => {
  started.server?.close();
  started.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
process.send!({ type: "ready", port, info: started.info ?? {} });
