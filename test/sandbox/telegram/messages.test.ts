import { GrammyError, InlineKeyboard, Keyboard } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { runCleanups } from "../shared-helpers.js";
import { callRaw, createBot, startEmulator, startPolling } from "./helpers.js";

afterEach(runCleanups);

describe("Telegram emulator: messages, keyboards and callback queries", () => {
  it("returns a real Message for sendMessage and round-trips an inline keyboard", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2001, firstName: "Alice", username: "alice" });
    const keyboard = new InlineKeyboard()
      .text("Tea", "product:tea")
      .text("Coffee", "product:coffee")
      .row()
      .url("Shop", "https://duka.example/shop");

    const sent = await bot.api.sendMessage(alice.chatId, "Pick one", { reply_markup: keyboard });
    const second = await bot.api.sendMessage(alice.chatId, "Still there?");

    expect(sent).toMatchObject({
      message_id: 1,
      chat: { id: 2001, type: "private", first_name: "Alice", username: "alice" },
      from: { id: emulator.botInfo.id, is_bot: true, username: emulator.botInfo.username },
      text: "Pick one",
      reply_markup: { inline_keyboard: keyboard.inline_keyboard },
    });
    expect(second.message_id).toBe(2);
    expect(second.reply_markup).toBeUndefined();
    // Seconds, not milliseconds.
    expect(Math.abs(sent.date - Date.now() / 1000)).toBeLessThan(5);

    const received = await alice.nextMessage();
    expect(received.messageId).toBe(sent.message_id);
    expect(alice.buttons(received)).toEqual([
      { text: "Tea", callback_data: "product:tea" },
      { text: "Coffee", callback_data: "product:coffee" },
      { text: "Shop", url: "https://duka.example/shop" },
    ]);
  });

  it("rejects callback_data over 64 bytes (UTF-8) with BUTTON_DATA_INVALID", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2002, firstName: "Alice" });

    // 32 two-byte characters = 64 bytes: allowed. 33 = 66 bytes (but only 33 characters): refused.
    await bot.api.sendMessage(alice.chatId, "ok", {
      reply_markup: new InlineKeyboard().text("x", "é".repeat(32)),
    });
    const error = await bot.api
      .sendMessage(alice.chatId, "too long", { reply_markup: new InlineKeyboard().text("x", "é".repeat(33)) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(400);
    expect((error as GrammyError).description).toBe("Bad Request: BUTTON_DATA_INVALID");
    await expect(
      bot.api.sendMessage(alice.chatId, "65 bytes", {
        reply_markup: new InlineKeyboard().text("x", `${"é".repeat(32)}a`),
      }),
    ).rejects.toMatchObject({ description: "Bad Request: BUTTON_DATA_INVALID" });
    expect(alice.messages().map((m) => m.text)).toEqual(["ok"]);
  });

  it("turns pressButton into a callback_query the bot answers, and records the answer", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const queries: { data?: string; chat_instance: string; messageId?: number }[] = [];
    bot.command("start", (ctx) =>
      ctx.reply("Menu", { reply_markup: new InlineKeyboard().text("Add tea", "add:tea") }),
    );
    bot.callbackQuery(/^add:/, async (ctx) => {
      queries.push({
        data: ctx.callbackQuery.data,
        chat_instance: ctx.callbackQuery.chat_instance,
        messageId: ctx.callbackQuery.message?.message_id,
      });
      await ctx.answerCallbackQuery({ text: "Added to cart" });
      await ctx.editMessageText("Tea is in your cart");
    });
    await startPolling(bot);
    const alice = emulator.user({ id: 2003, firstName: "Alice" });

    alice.sendText("/start");
    const menu = await alice.nextMessage("Menu");
    const pressed = alice.pressButton(menu, "add:tea");
    const answer = await alice.waitForCallbackAnswer(pressed);
    await alice.waitForEdit(menu, "Tea is in your cart");

    expect(answer).toMatchObject({ text: "Added to cart", showAlert: false });
    expect(emulator.callbackAnswer(answer.callbackQueryId)).toEqual(answer);
    expect(queries).toEqual([
      { data: "add:tea", chat_instance: expect.any(String), messageId: menu.messageId },
    ]);
    expect(emulator.calls("answerCallbackQuery")).toHaveLength(1);
    // The edit removed the keyboard (no reply_markup given), so the button cannot be pressed again.
    expect(menu.buttons).toEqual([]);
    expect(() => alice.pressButton(menu, "add:tea")).toThrow(/no inline button with callback_data "add:tea"/);
  });

  it("refuses to press a button that is not on the message unless forced", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2004, firstName: "Alice" });
    await bot.api.sendMessage(alice.chatId, "Menu", { reply_markup: new InlineKeyboard().text("A", "a") });
    const menu = await alice.nextMessage();

    expect(() => alice.pressButton(menu, "b")).toThrow(/its buttons: \[\{"text":"A","callback_data":"a"\}\]/);
    const forced = alice.pressButton(menu, "garbage\u0000", { force: true });
    const update = emulator.pendingUpdates().find((u) => u.update_id === forced);
    expect(update?.callback_query?.data).toBe("garbage\u0000");
  });

  it("answers 400 for an unknown or already answered callback query id", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2005, firstName: "Alice" });
    await bot.api.sendMessage(alice.chatId, "Menu", { reply_markup: new InlineKeyboard().text("A", "a") });
    const pressed = alice.pressButton(await alice.nextMessage(), "a");
    const queryId = emulator.pendingUpdates().find((u) => u.update_id === pressed)?.callback_query?.id ?? "";

    const invalid = "Bad Request: query is too old and response timeout expired or query ID is invalid";
    await expect(bot.api.answerCallbackQuery("12345")).rejects.toMatchObject({ description: invalid });
    await expect(bot.api.answerCallbackQuery(queryId)).resolves.toBe(true);
    await expect(bot.api.answerCallbackQuery(queryId)).rejects.toMatchObject({ description: invalid });
  });

  it("validates text length after parsing and stores HTML as plain text plus the raw markup", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2006, firstName: "Alice" });

    await expect(bot.api.sendMessage(alice.chatId, "   ")).rejects.toMatchObject({
      error_code: 400,
      description: "Bad Request: message text is empty",
    });
    await expect(bot.api.sendMessage(alice.chatId, "x".repeat(4097))).rejects.toMatchObject({
      description: "Bad Request: message is too long",
    });
    // 4096 visible characters are fine even though the markup makes the raw text longer.
    await bot.api.sendMessage(alice.chatId, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
    await expect(
      bot.api.sendMessage(alice.chatId, "<b>Total</b> <i>KES 150", { parse_mode: "HTML" }),
    ).rejects.toMatchObject({
      description: "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"i\"",
    });
    const sent = await bot.api.sendMessage(
      alice.chatId,
      '<b>Order</b> <a href="https://duka.example/o/1">DK-7F3K2</a> &amp; co',
      {
        parse_mode: "HTML",
      },
    );

    expect(sent.text).toBe("Order DK-7F3K2 & co");
    expect(sent.entities).toEqual([
      { type: "bold", offset: 0, length: 5 },
      { type: "text_link", offset: 6, length: 8, url: "https://duka.example/o/1" },
    ]);
    const stored = alice.lastMessage();
    expect(stored?.text).toBe("Order DK-7F3K2 & co");
    expect(stored?.rawText).toBe('<b>Order</b> <a href="https://duka.example/o/1">DK-7F3K2</a> &amp; co');
    expect(alice.messages()).toHaveLength(2);
  });

  it("validates MarkdownV2 escaping like Telegram", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2007, firstName: "Alice" });
    await expect(
      bot.api.sendMessage(alice.chatId, "Total: KES 1.50", { parse_mode: "MarkdownV2" }),
    ).rejects.toMatchObject({
      description:
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
    const sent = await bot.api.sendMessage(alice.chatId, "*Total:* KES 1\\.50", { parse_mode: "MarkdownV2" });
    expect(sent.text).toBe("Total: KES 1.50");
    expect(sent.entities).toEqual([{ type: "bold", offset: 0, length: 6 }]);
  });

  it("edits text and markup, refuses no-op edits, and deletes", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2008, firstName: "Alice" });
    const markup = new InlineKeyboard().text("Pay", "pay");
    const sent = await bot.api.sendMessage(alice.chatId, "Cart: 1 item", { reply_markup: markup });

    await expect(
      bot.api.editMessageText(alice.chatId, sent.message_id, "Cart: 1 item", { reply_markup: markup }),
    ).rejects.toMatchObject({ description: expect.stringMatching(/^Bad Request: message is not modified/) });
    await expect(
      bot.api.editMessageReplyMarkup(alice.chatId, sent.message_id, { reply_markup: markup }),
    ).rejects.toMatchObject({
      description: expect.stringMatching(/^Bad Request: message is not modified/),
    });

    const edited = await bot.api.editMessageText(alice.chatId, sent.message_id, "Cart: 2 items", {
      reply_markup: markup,
    });
    expect(edited).toMatchObject({
      message_id: sent.message_id,
      text: "Cart: 2 items",
      edit_date: expect.any(Number),
    });
    const stored = await alice.nextMessage();
    expect(stored).toMatchObject({
      text: "Cart: 2 items",
      edits: 1,
      buttons: [{ text: "Pay", callback_data: "pay" }],
    });

    await bot.api.editMessageReplyMarkup(alice.chatId, sent.message_id);
    expect(stored.buttons).toEqual([]);
    await expect(bot.api.deleteMessage(alice.chatId, sent.message_id)).resolves.toBe(true);
    expect(stored.deleted).toBe(true);
    await expect(bot.api.deleteMessage(alice.chatId, sent.message_id)).rejects.toMatchObject({
      description: "Bad Request: message to delete not found",
    });
    await expect(bot.api.editMessageText(alice.chatId, 999, "x")).rejects.toMatchObject({
      description: "Bad Request: message to edit not found",
    });
  });

  it("tracks reply keyboards; a request_contact button shares the user's own contact", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const contacts: { phone: string; own: boolean }[] = [];
    bot.on("message:contact", async (ctx) => {
      const contact = ctx.message.contact;
      contacts.push({ phone: contact.phone_number, own: contact.user_id === ctx.from.id });
      await ctx.reply("Thanks", { reply_markup: { remove_keyboard: true } });
    });
    await startPolling(bot);
    const alice = emulator.user({ id: 2009, firstName: "Alice", phone: "254708374149" });

    await bot.api.sendMessage(alice.chatId, "Share your phone", {
      reply_markup: new Keyboard().requestContact("Share phone").oneTime(),
    });
    await alice.nextMessage("Share your phone");
    expect(alice.replyKeyboard()).toEqual([["Share phone"]]);
    alice.pressKeyboardButton("Share phone");
    await alice.nextMessage("Thanks");
    alice.shareContact("254700000001", { own: false, firstName: "Bob" });
    await alice.nextMessage("Thanks");

    expect(contacts).toEqual([
      { phone: "254708374149", own: true },
      { phone: "254700000001", own: false },
    ]);
    expect(alice.replyKeyboard()).toBeUndefined();
  });

  it("gives a leading /command a bot_command entity", async () => {
    const emulator = await startEmulator();
    const alice = emulator.user({ id: 2010, firstName: "Alice" });
    alice.sendText("/start@duka_test_bot ref-42");
    const [update] = emulator.pendingUpdates();
    expect(update?.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 20 }]);
  });

  it("answers 403 after the user blocks the bot and tells the bot with my_chat_member", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2011, firstName: "Alice" });
    alice.block();
    await expect(bot.api.sendMessage(alice.chatId, "Promo!")).rejects.toMatchObject({
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    expect(emulator.pendingUpdates()[0]?.my_chat_member?.new_chat_member.status).toBe("kicked");
  });

  it("answers 400 chat not found for chats no user has opened", async () => {
    const emulator = await startEmulator();
    const { body } = await callRaw(emulator, "sendMessage", { json: { chat_id: 999_999, text: "hi" } });
    expect(body).toEqual({ ok: false, error_code: 400, description: "Bad Request: chat not found" });
  });

  it("records setMyCommands and sendChatAction", async () => {
    const emulator = await startEmulator();
    const { bot } = createBot(emulator);
    const alice = emulator.user({ id: 2012, firstName: "Alice" });
    await bot.api.setMyCommands([{ command: "cart", description: "Show your cart" }]);
    await expect(bot.api.sendChatAction(alice.chatId, "typing")).resolves.toBe(true);
    await expect(bot.api.setMyCommands([{ command: "Bad Command", description: "x" }])).rejects.toMatchObject(
      {
        error_code: 400,
      },
    );
    expect(emulator.commands()).toEqual([{ command: "cart", description: "Show your cart" }]);
    expect(emulator.calls("sendChatAction").map((c) => c.params.action)).toEqual(["typing"]);
  });
});
