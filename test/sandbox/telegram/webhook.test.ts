import express from "express";
import { webhookCallback } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../sandbox/free-port.js";
import { listen, runCleanups } from "../shared-helpers.js";
import { createBot, startEmulator } from "./helpers.js";

afterEach(runCleanups);

describe("Telegram emulator: webhook delivery", () => {
  it("POSTs updates to a grammY webhookCallback with the secret token header", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    const secrets: (string | undefined)[] = [];
    const app = express();
    app.use(express.json());
    app.use((req, _res, next) => {
      secrets.push(req.header("x-telegram-bot-api-secret-token"));
      next();
    });
    app.post("/webhooks/telegram", webhookCallback(bot, "express", { secretToken: "s3cret_Token-1" }));
    const origin = await listen(app);

    await bot.api.setWebhook(`${origin}/webhooks/telegram`, { secret_token: "s3cret_Token-1" });
    const alice = emulator.user({ id: 5001, firstName: "Alice" });
    const updateId = alice.sendText("hi");

    expect((await alice.nextMessage()).text).toBe("echo: hi");
    await emulator.webhookIdle();
    expect(secrets).toEqual(["s3cret_Token-1"]);
    expect(emulator.webhookDeliveries()).toEqual([
      expect.objectContaining({ updateId, attempt: 1, status: 200, delivered: true, final: true }),
    ]);
    expect(emulator.pendingUpdates()).toEqual([]);
    expect(await bot.api.getWebhookInfo()).toMatchObject({
      url: `${origin}/webhooks/telegram`,
      pending_update_count: 0,
    });
  });

  it("retries failed deliveries with backoff, keeping one chat's updates in order", async () => {
    const emulator = await startEmulator({ webhookRetry: { attempts: 3, initialDelayMs: 20 } });
    const { bot } = createBot(emulator);
    const handled: string[] = [];
    bot.on("message:text", (ctx) => {
      handled.push(ctx.message.text);
    });
    let failuresLeft = 1;
    const app = express();
    app.use(express.json());
    app.post("/hook", (_req, res, next) => {
      if (failuresLeft-- > 0) {
        res.status(500).send("boom");
        return;
      }
      next();
    });
    app.post("/hook", webhookCallback(bot, "express"));
    const origin = await listen(app);
    await bot.api.setWebhook(`${origin}/hook`);

    const alice = emulator.user({ id: 5002, firstName: "Alice" });
    const first = alice.sendText("first");
    const second = alice.sendText("second");
    await emulator.webhookIdle();

    expect(handled).toEqual(["first", "second"]);
    expect(emulator.webhookDeliveries().map((d) => [d.updateId, d.attempt, d.status, d.delivered])).toEqual([
      [first, 1, 500, false],
      [first, 2, 200, true],
      [second, 1, 200, true],
    ]);
  });

  it("gives up after the last attempt and reports the error in getWebhookInfo", async () => {
    const emulator = await startEmulator({ webhookRetry: { attempts: 2, initialDelayMs: 10 } });
    const { bot } = createBot(emulator);
    const app = express();
    app.use(express.json());
    // The bot expects another secret: grammY answers 401 to every delivery.
    app.post("/hook", webhookCallback(bot, "express", { secretToken: "expected" }));
    const origin = await listen(app);
    await bot.api.setWebhook(`${origin}/hook`, { secret_token: "different" });

    emulator.user({ id: 5003, firstName: "Alice" }).sendText("hello?");
    await emulator.webhookIdle();

    expect(emulator.webhookDeliveries().map((d) => [d.attempt, d.status, d.final])).toEqual([
      [1, 401, false],
      [2, 401, true],
    ]);
    const info = await bot.api.getWebhookInfo();
    expect(info.last_error_message).toBe("Wrong response from the webhook: 401 Unauthorized");
    expect(info.pending_update_count).toBe(0);
  });

  it("keeps undelivered updates for polling after deleteWebhook, unless asked to drop them", async () => {
    const emulator = await startEmulator({ webhookRetry: { attempts: 5, initialDelayMs: 60_000 } });
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 5004, firstName: "Alice" });
    await bot.api.setWebhook(`http://127.0.0.1:${await freePort()}/unreachable`);
    const firstAttempt = new Promise((resolve) => emulator.once("webhook", resolve));
    alice.sendText("kept");
    await firstAttempt;
    expect(emulator.webhookDeliveries()).toEqual([
      expect.objectContaining({ attempt: 1, error: "Connection refused", delivered: false, final: false }),
    ]);
    expect((await bot.api.getWebhookInfo()).last_error_message).toBe("Connection refused");

    // Deleting the webhook interrupts the 60 s backoff; the update stays queued for getUpdates.
    await bot.api.deleteWebhook();
    await emulator.webhookIdle();
    expect((await bot.api.getUpdates()).map((u) => u.message?.text)).toEqual(["kept"]);
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it("executes a method returned in the webhook response (webhook reply)", async () => {
    const emulator = await startEmulator();
    const app = express();
    app.use(express.json());
    app.post("/hook", (req, res) => {
      const chatId = (req.body as { message: { chat: { id: number } } }).message.chat.id;
      res.json({ method: "sendMessage", chat_id: chatId, text: "replied in the webhook answer" });
    });
    const origin = await listen(app);
    const { bot } = createBot(emulator);
    await bot.api.setWebhook(`${origin}/hook`);
    const alice = emulator.user({ id: 5005, firstName: "Alice" });
    alice.sendText("hi");

    expect((await alice.nextMessage()).text).toBe("replied in the webhook answer");
    expect(emulator.calls("sendMessage")[0]?.transport).toBe("webhook-reply");
  });
});
