import { afterEach, describe, expect, it } from "vitest";
import { formatTranscriptEntry, TelegramEmulatorError } from "../../../sandbox/telegram/index.js";
import { runCleanups } from "../shared-helpers.js";
import { createBot, startEmulator } from "./helpers.js";

afterEach(runCleanups);

describe("Telegram emulator: the user driver's read cursor", () => {
  it("returns unconsumed earlier messages first, then waits for new ones", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 7001, firstName: "Alice" });
    await bot.api.sendMessage(alice.chatId, "one");
    await bot.api.sendMessage(alice.chatId, "two");

    expect((await alice.nextMessage()).text).toBe("one");
    expect((await alice.nextMessage()).text).toBe("two");
    const later = alice.nextMessage();
    await bot.api.sendMessage(alice.chatId, "three");
    expect((await later).text).toBe("three");
  });

  it("skips (and consumes) non-matching messages on the way to a match", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 7002, firstName: "Alice" });
    for (const text of ["Welcome", "Catalog", "Pay with M-Pesa", "Receipt"])
      await bot.api.sendMessage(alice.chatId, text);

    expect((await alice.nextMessage(/M-Pesa/)).text).toBe("Pay with M-Pesa");
    expect((await alice.nextMessage()).text).toBe("Receipt");
    expect(alice.messages().map((m) => m.text)).toEqual(["Welcome", "Catalog", "Pay with M-Pesa", "Receipt"]);
    alice.skipPending();
    await expect(alice.nextMessage(undefined, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      TelegramEmulatorError,
    );
  });

  it("times out with the recent conversation in the error", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 7003, firstName: "Alice" });
    alice.sendText("/start");
    await bot.api.sendMessage(alice.chatId, "Hello Alice");

    const error = (await alice
      .nextMessage("Goodbye", { timeoutMs: 50 })
      .catch((e: unknown) => e)) as TelegramEmulatorError;
    expect(error).toBeInstanceOf(TelegramEmulatorError);
    expect(error.code).toBe("timeout");
    expect(error.message).toContain('waited 50 ms for a bot message whose text contains "Goodbye"');
    expect(error.message).toContain('unread: #2 "Hello Alice"');
    expect(error.message).toContain('7003 → bot #1: "/start"');
    expect(error.message).toContain('bot → 7003 #2: "Hello Alice"');
  });

  it("rejects pending waits when the emulator closes", async () => {
    const emulator = await startEmulator();
    const alice = emulator.user({ id: 7004, firstName: "Alice" });
    const waiting = alice.nextMessage();
    await emulator.close();
    await expect(waiting).rejects.toMatchObject({ code: "closed" });
  });

  it("keeps a readable transcript of both directions", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const lines: string[] = [];
    emulator.on("message", (entry) => lines.push(formatTranscriptEntry(entry)));
    const alice = emulator.user({ id: 7005, firstName: "Alice" });
    alice.sendText("hi");
    await bot.api.sendMessage(alice.chatId, "Pick", {
      reply_markup: { inline_keyboard: [[{ text: "Tea", callback_data: "t" }]] },
    });
    alice.pressButton(await alice.nextMessage(), "t");

    expect(lines).toEqual([
      '7005 → bot #1: "hi"',
      'bot → 7005 #2: "Pick" [Tea]',
      '7005 → bot #2: (pressed) "Tea" data="t"',
    ]);
    expect(emulator.transcript(7005).map((e) => e.kind)).toEqual(["message", "message", "press"]);
  });

  it("returns the same driver and chat for the same user id", async () => {
    const emulator = await startEmulator();
    const first = emulator.user({ id: 7006, firstName: "Alice" });
    expect(emulator.user({ id: 7006, firstName: "Someone else" })).toBe(first);
  });
});
