import type { Logger } from "pino";
import type { InboundDedupe } from "../bot/inbound-dedupe.js";
import type { ChannelMap, InboundMessage, Reply } from "../domain/channel.js";
import type { ChatAddress } from "../domain/order.js";
import type { RateLimit } from "../domain/rate-limit.js";
import { type Outbox, outboxId } from "../queue/outbox.js";
import { whileStoreUnavailable } from "../store/while-unavailable.js";
import type { ConversationRunner } from "./conversation-runner.js";
import { isMerchant, isMerchantInput, type MerchantCommands } from "./merchant-commands.js";
import { MERCHANT_HELP } from "./merchant-messages.js";

const SORRY: Reply = { text: "Sorry, something went wrong on our side. Please try again in a minute." };
/**
 * A turn the store could not serve for a moment (FerretDB's SQLite busy with another writer, a
 * failover) runs again before the shopper is asked to: turns are idempotent per message id.
 */
const TURN_RETRY_PAUSES_MS = [250, 500];
const SLOW_DOWN: Reply = {
  text: "You are sending messages faster than we can answer. Please wait a few minutes before sending more.",
};

/**
 * Where every inbound message goes: duplicates are dropped, merchant commands go to the
 * merchant handler (and only from merchant chats), everything else to the shopper's dialogue.
 */
export function createInboundRouter(deps: {
  tenantId: string;
  merchants: readonly ChatAddress[];
  dedupe: InboundDedupe;
  conversations: ConversationRunner;
  merchantCommands: MerchantCommands;
  outbox: Outbox;
  channels: ChannelMap;
  /** Shoppers' messages per chat (shared by every process); unset: no limit. Merchants are not limited. */
  messagesPerChat?: RateLimit;
  logger: Logger;
}) {
  const { tenantId, merchants, outbox } = deps;

  const answer = (message: InboundMessage, reply: Reply) =>
    outbox.send({
      id: outboxId("turn", tenantId, message.from.channel, message.from.chatId, message.id),
      tenantId,
      to: message.from,
      replies: [reply],
    });

  async function route(message: InboundMessage): Promise<void> {
    const { content, from } = message;
    const merchant = isMerchant(from, merchants);
    if (isMerchantInput(content, from, merchants)) {
      const name = content.kind === "command" ? `/${content.command}` : "that button";
      deps.logger.info({ inputId: message.id, merchant, kind: content.kind }, "merchant input");
      await answer(
        message,
        merchant
          ? await deps.merchantCommands.handle(message)
          : { text: `Only the shop's staff can use ${name}. Send /help to see what you can do.` },
      );
      return;
    }
    if (merchant && content.kind === "command" && content.command === "help") {
      await answer(message, { text: MERCHANT_HELP });
      return;
    }
    if (deps.messagesPerChat && !merchant) {
      const verdict = await deps.messagesPerChat.take(`${tenantId}:${from.channel}:${from.chatId}`);
      if (!verdict.allowed) {
        deps.logger.warn({ inputId: message.id, channel: from.channel }, "shopper message dropped: too many");
        // Answered once per window: a flood gets one reply, not one per message.
        if (verdict.firstRefusal) await answer(message, SLOW_DOWN);
        return;
      }
    }
    await deps.conversations.handle(message);
  }

  return {
    async handle(message: InboundMessage): Promise<void> {
      if (!(await deps.dedupe.firstTime(message.id))) {
        deps.logger.debug({ inputId: message.id }, "duplicate inbound message ignored");
        return;
      }
      deps.logger.debug(
        { inputId: message.id, channel: message.from.channel, kind: message.content.kind },
        "inbound message",
      );
      try {
        await whileStoreUnavailable(
          () => route(message),
          TURN_RETRY_PAUSES_MS,
          (error, attempt) =>
            deps.logger.warn(
              { err: error, inputId: message.id, attempt },
              "store busy; handling the message again",
            ),
        );
      } catch (error) {
        deps.logger.error({ err: error, inputId: message.id }, "could not handle an inbound message");
        // Straight to the channel: the store or queue that failed may be what the outbox needs.
        await deps.channels[message.from.channel]?.send(message.from.chatId, SORRY).catch(() => undefined);
      }
    },
  };
}

export type InboundRouter = ReturnType<typeof createInboundRouter>;
