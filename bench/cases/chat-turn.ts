/**
 * A chat turn: Telegram posts `/start` from many distinct chats to the webhook. Duka's `web` role
 * (dedupe, load the conversation, step the dialogue, save it, store the replies in the outbox and
 * queue them) against a bare grammY bot answering with one sendMessage. Both talk to the same
 * local Bot API emulator, which runs in the bench process.
 */

import { createTelegramEmulator } from "../../sandbox/telegram/index.js";
import { startChildServer } from "../lib/child.js";
import type { BenchContext } from "../lib/context.js";
import { compareUnderLoad, type LoadFigures } from "../lib/load.js";

const SECRET = "bench-webhook-secret_0123456789";

export async function chatTurn(context: BenchContext, chats: number): Promise<[LoadFigures, LoadFigures]> {
  const emulator = await createTelegramEmulator();
  for (let id = 1; id <= chats; id++) emulator.user({ id: 100_000 + id, firstName: `Shopper ${id}` });
  const bare = await startChildServer("bare-grammy", {
    TELEGRAM_BOT_TOKEN: emulator.botToken,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  });
  const duka = await startChildServer("duka", {
    ...(await context.dukaEnv("chat")),
    BENCH_ROLE: "web",
    TELEGRAM_BOT_TOKEN: emulator.botToken,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
  });
  let updateId = 0;
  const start = () => {
    updateId += 1;
    const chatId = 100_000 + (updateId % chats) + 1;
    const body = JSON.stringify({
      update_id: updateId,
      message: {
        message_id: updateId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: "private", first_name: "Shopper" },
        from: { id: chatId, is_bot: false, first_name: "Shopper" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    });
    return { body, headers: { "x-telegram-bot-api-secret-token": SECRET } };
  };
  try {
    return await compareUnderLoad(
      [
        { name: "duka", server: duka, path: "/webhooks/telegram", next: start },
        { name: "bare grammY", server: bare, path: "/webhook", next: start },
      ],
      { rounds: context.quick ? 1 : 4, seconds: context.quick ? 3 : 8, connections: 50 },
    );
  } finally {
    await Promise.all([bare.stop(), duka.stop()]);
    await emulator.close();
  }
}
