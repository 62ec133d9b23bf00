/**
 * What Duka answered to one inbound message, read from its outbox rather than from the chat:
 * Telegram delivery is paced at about one message a second per chat (src/bot/telegram/pacing.ts),
 * so a test sending hundreds of inputs from a few chats would wait minutes for the deliveries. The
 * outbox row is written by the turn itself (src/shop/inbound-router.ts, conversation-runner.ts),
 * with an id made from the update, so it is the answer, before the pacing.
 */
import { outboxId } from "../../../src/queue/outbox.js";
import type { ReliabilityShop } from "./shop.js";
import { waitUntil } from "./wait.js";

/** The text of the reply to update `updateId` from Telegram chat `chatId`; waits for it. */
export async function replyText(
  rel: ReliabilityShop,
  chatId: number,
  updateId: number,
  timeoutMs = 20_000,
): Promise<string> {
  const id = outboxId("turn", rel.shop.config.tenantId, "telegram", String(chatId), `tg-${updateId}`);
  const row = await waitUntil(
    () => rel.shop.duka.store.outbox.findById(id).then((found) => found ?? undefined),
    {
      timeoutMs,
      everyMs: 10,
      describe: () => `no reply to update ${updateId} in chat ${chatId}`,
    },
  );
  return row.replies.map((reply) => reply.text).join("\n");
}
