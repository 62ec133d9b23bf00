import { run } from "@grammyjs/runner";
import { GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { onCleanup, runCleanups } from "../shared-helpers.js";
import { callRaw, createBot, startEmulator, startPolling } from "./helpers.js";

afterEach(runCleanups);

describe("Telegram emulator: receiving updates by long polling", () => {
  it("delivers user messages to a polling grammY bot and confirms them by offset", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const seen: number[] = [];
    bot.on("message:text", async (ctx) => {
      seen.push(ctx.update.update_id);
      await ctx.reply(`echo: ${ctx.message.text}`);
    });
    await startPolling(bot);
    const alice = emulator.user({ id: 1001, firstName: "Alice" });

    const first = alice.sendText("hello");
    expect((await alice.nextMessage()).text).toBe("echo: hello");
    const second = alice.sendText("again");
    expect((await alice.nextMessage()).text).toBe("echo: again");

    expect(second).toBeGreaterThan(first);
    expect(seen).toEqual([first, second]);
    // The poll that follows the last batch carries offset = last update_id + 1, which forgets it.
    const poll = await emulator.waitForPoll();
    expect(poll.params.offset).toBe(second + 1);
    expect(emulator.pendingUpdates()).toEqual([]);
  });

  it("holds getUpdates open until an update arrives, then answers it at once", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    bot.on("message:text", (ctx) => ctx.reply("ok"));
    await startPolling(bot);
    const bob = emulator.user({ id: 1002, firstName: "Bob" });

    const held = await emulator.waitForPoll();
    expect(held.held).toBe(true);
    expect(held.params.timeout).toBe(30);
    expect(held.finishedAt).toBeUndefined();

    const updateId = bob.sendText("wake up");
    await bob.nextMessage("ok");
    expect(held.status).toBe(200);
    expect(held.result).toEqual([expect.objectContaining({ update_id: updateId })]);
    // Released by the update, not by grammY's 30 s timeout.
    expect((held.finishedAt ?? 0) - held.receivedAt).toBeLessThan(10_000);
  });

  it("answers an empty list when the long-poll timeout passes without updates", async () => {
    const emulator = await startEmulator();
    const started = Date.now();
    const { status, body } = await callRaw(emulator, "getUpdates", { json: { timeout: 1 } });
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("respects limit and keeps unconfirmed updates for the next call", async () => {
    const emulator = await startEmulator({ firstUpdateId: 500 });
    const carol = emulator.user({ id: 1003, firstName: "Carol" });
    const ids = [carol.sendText("a"), carol.sendText("b"), carol.sendText("c")];
    expect(ids).toEqual([500, 501, 502]);

    const firstTwo = await callRaw(emulator, "getUpdates", { json: { limit: 2 } });
    expect((firstTwo.body.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([500, 501]);
    const again = await callRaw(emulator, "getUpdates", { json: { offset: 501 } });
    expect((again.body.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([501, 502]);
    await callRaw(emulator, "getUpdates", { json: { offset: 503 } });
    expect(emulator.pendingUpdates()).toEqual([]);
  });

  it("ends the earlier of two concurrent getUpdates with 409 Conflict, like Telegram", async () => {
    const emulator = await startEmulator();
    const first = createBot(emulator).bot;
    const { running } = await startPolling(first);
    await emulator.waitForPoll();

    const second = createBot(emulator).bot;
    await startPolling(second);

    const error = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
  });

  it("refuses getUpdates with 409 while a webhook is set", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    await bot.api.setWebhook("http://127.0.0.1:9/telegram");
    const error = await bot.api.getUpdates().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
    expect((error as GrammyError).description).toMatch(
      /^Conflict: can't use getUpdates method while webhook is active/,
    );
  });

  it("drops updates of types the bot did not subscribe to", async () => {
    const emulator = await startEmulator();
    const dave = emulator.user({ id: 1004, firstName: "Dave" });
    dave.sendText("kept");
    dave.sendRawUpdate({
      message_reaction: { chat: dave.chat, message_id: 1, date: 0, old_reaction: [], new_reaction: [] },
    });
    const { body } = await callRaw(emulator, "getUpdates", { json: { allowed_updates: [] } });
    const types = (body.result as Record<string, unknown>[]).map((u) =>
      Object.keys(u).find((k) => k !== "update_id"),
    );
    expect(types).toEqual(["message"]);
  });

  it("works with @grammyjs/runner, which polls concurrently with its own loop", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    bot.on("message:text", (ctx) => ctx.reply(ctx.message.text.toUpperCase()));
    const runner = run(bot);
    onCleanup(() => (runner.isRunning() ? runner.stop() : undefined));
    const users = [1, 2, 3].map((n) => emulator.user({ id: 1100 + n, firstName: `User ${n}` }));

    const ids = users.map((user) => user.sendText(`hello ${user.id}`));
    const replies = await Promise.all(users.map((user) => user.nextMessage()));

    expect(replies.map((m) => m.text)).toEqual(["HELLO 1101", "HELLO 1102", "HELLO 1103"]);
    // The runner's next long poll confirms all three updates.
    expect((await emulator.waitForPoll()).params.offset).toBe(Math.max(...ids) + 1);
    expect(emulator.pendingUpdates()).toEqual([]);
    await runner.stop();
  });

  it("ends a held getUpdates when the emulator closes", async () => {
    const emulator = await startEmulator();
    const pending = callRaw(emulator, "getUpdates", { json: { timeout: 30 } });
    await emulator.waitForPoll();
    await emulator.close();
    expect(await pending).toEqual({ status: 200, body: { ok: true, result: [] } });
  });
});
