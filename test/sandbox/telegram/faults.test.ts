import { autoRetry } from "@grammyjs/auto-retry";
import { GrammyError, HttpError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { runCleanups } from "../shared-helpers.js";
import { callRaw, createBot, startEmulator } from "./helpers.js";

afterEach(runCleanups);

describe("Telegram emulator: fault injection", () => {
  it("answers an injected 429 in Telegram's envelope; grammY raises GrammyError with retry_after", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 4001, firstName: "Alice" });
    emulator.failNext("sendMessage", { errorCode: 429, retryAfter: 3 });

    const error = await bot.api.sendMessage(alice.chatId, "Your order is paid").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(429);
    expect((error as GrammyError).description).toBe("Too Many Requests: retry after 3");
    expect((error as GrammyError).parameters.retry_after).toBe(3);
    expect(alice.messages()).toEqual([]);

    // Only one call was failed; an immediate retry goes through but is flagged as not honouring retry_after.
    await bot.api.sendMessage(alice.chatId, "Your order is paid");
    const calls = emulator.calls("sendMessage");
    expect(calls.map((c) => [c.status, c.injected ?? false, c.earlyRetry ?? false])).toEqual([
      [429, true, false],
      [200, false, true],
    ]);
  });

  it("uses HTTP 429 and the exact JSON body on the wire", async () => {
    const emulator = await startEmulator();
    emulator.user({ id: 4002, firstName: "Alice" });
    emulator.failNext("SENDMESSAGE", { errorCode: 429, retryAfter: 7 });
    const { status, body } = await callRaw(emulator, "sendMessage", { json: { chat_id: 4002, text: "x" } });
    expect(status).toBe(429);
    expect(body).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 7",
      parameters: { retry_after: 7 },
    });
  });

  it("injects 500 for the next N calls", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    emulator.failNext("getMe", { errorCode: 500 }, 2);
    for (let i = 0; i < 2; i++) {
      await expect(bot.api.getMe()).rejects.toMatchObject({
        error_code: 500,
        description: "Internal Server Error",
      });
    }
    await expect(bot.api.getMe()).resolves.toMatchObject({ username: emulator.botInfo.username });
  });

  it("can drop the connection, which grammY reports as HttpError", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    emulator.failNext("getMe", { dropConnection: true });
    await expect(bot.api.getMe()).rejects.toBeInstanceOf(HttpError);
    expect(emulator.calls("getMe")[0]).toMatchObject({ injected: true, aborted: true });
  });

  it("lets auto-retry wait retry_after before the retry", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    bot.api.config.use(autoRetry());
    const alice = emulator.user({ id: 4003, firstName: "Alice" });
    emulator.failNext("sendMessage", { errorCode: 429, retryAfter: 1 });

    await bot.api.sendMessage(alice.chatId, "Confirmed");

    const [failed, retried] = emulator.calls("sendMessage");
    expect(failed?.status).toBe(429);
    expect(retried?.status).toBe(200);
    expect((retried?.receivedAt ?? 0) - (failed?.finishedAt ?? 0)).toBeGreaterThanOrEqual(950);
    expect(retried?.earlyRetry).toBeUndefined();
    expect(alice.messages().map((m) => m.text)).toEqual(["Confirmed"]);
  });
});
