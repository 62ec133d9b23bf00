import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { Catalog } from "../catalog/types.js";
import { initialState, migrateState, step } from "../conversations/index.js";
import type { Action, ConversationEvent, StepContext } from "../conversations/types.js";
import type { InboundMessage, Reply } from "../domain/channel.js";
import type { ConversationState, ResultEvent } from "../domain/conversation.js";
import { DukaError, InternalError } from "../domain/errors.js";
import type { ChatAddress } from "../domain/order.js";
import type { PaymentService } from "../payments/payment-service.js";
import { type Outbox, outboxId } from "../queue/outbox.js";
import type { Store } from "../store/types.js";

/** Performs one action of the dialogue machine and reports its outcome as a result event. */
export type ActionPerformer = (
  action: Action,
  from: InboundMessage["from"],
  idempotencyKey: string,
) => Promise<ResultEvent>;

export interface ConversationRunnerOptions {
  readonly tenantId: string;
  readonly store: Store;
  readonly catalog: Catalog;
  readonly payments: PaymentService;
  readonly outbox: Outbox;
  readonly perform: ActionPerformer;
  readonly logger: Logger;
  /** The shopper's phone number when their chat address carries it (a WhatsApp id); null otherwise. */
  readonly phoneOf?: (chat: ChatAddress) => string | null;
}

/**
 * Saving loses to a concurrent writer at most this often before we give up loudly. Every settle
 * attempt of a payment re-delivers its news (several may run at once), and a shopper may be
 * typing meanwhile: room for each of them to win once.
 */
const SAVE_ATTEMPTS = 10;
/** A machine that keeps asking for actions is a bug; stop instead of looping. */
const MAX_ACTION_ROUNDS = 4;

/**
 * Runs the pure dialogue machine against stored state: load, step, perform the actions, feed
 * their results back, save with a version check, then send the replies through the outbox.
 * When another writer saved first, the whole turn is recomputed from the newer state; actions
 * are keyed by the inbound message, so a recomputed turn finds the effects the first one made.
 */
export function createConversationRunner(options: ConversationRunnerOptions) {
  const { tenantId, store, outbox, logger } = options;

  async function context(chat: InboundMessage["from"]): Promise<StepContext> {
    // Where the chat id is the shopper's number, M-Pesa can offer it without asking.
    const phone = options.phoneOf?.(chat) ?? null;
    return {
      catalog: options.catalog,
      paymentOptions: await options.payments.options(tenantId),
      ...(chat.name ? { customerName: chat.name } : {}),
      ...(phone ? { customerPhone: phone } : {}),
    };
  }

  async function turn(
    chat: InboundMessage["from"],
    event: ConversationEvent,
    turnKey: string,
  ): Promise<readonly Reply[]> {
    const ctx = await context(chat);
    for (let attempt = 1; attempt <= SAVE_ATTEMPTS; attempt++) {
      const stored = await store.conversations.load(tenantId, chat);
      let state: ConversationState = stored ? migrateState(stored.state) : initialState();
      let outcome = step(state, event, ctx);
      const replies = [...outcome.replies];
      for (let round = 0; outcome.actions.length > 0; round++) {
        if (round >= MAX_ACTION_ROUNDS)
          throw new InternalError("The dialogue machine kept asking for actions");
        state = outcome.state;
        let next = { state, replies: [] as Reply[], actions: [] as Action[] };
        for (const action of outcome.actions) {
          const result = await options.perform(action, chat, `${turnKey}:${action.kind}`);
          const stepped = step(next.state, { type: "result", result }, ctx);
          next = {
            state: stepped.state,
            replies: [...next.replies, ...stepped.replies],
            actions: [...next.actions, ...stepped.actions],
          };
        }
        outcome = next;
        replies.push(...next.replies);
      }
      if (await store.conversations.save(tenantId, chat, outcome.state, stored?.version ?? 0)) {
        logger.debug(
          { turnKey, step: outcome.state.step.name, replies: replies.length },
          "conversation turn",
        );
        return replies;
      }
      logger.debug({ attempt }, "conversation changed while stepping; recomputing the turn");
      // Spread the losers out so they do not meet again on the next version.
      await delay(Math.random() * 2 ** Math.min(attempt, 7));
    }
    throw new DukaError("conflict", `Conversation state kept changing under ${SAVE_ATTEMPTS} attempts`);
  }

  return {
    /** A person's message: one turn of the dialogue, replies sent once per inbound id. */
    async handle(message: InboundMessage): Promise<void> {
      const replies = await turn(message.from, { type: "input", content: message.content }, message.id);
      await outbox.send({
        id: outboxId("turn", tenantId, message.from.channel, message.from.chatId, message.id),
        tenantId,
        to: message.from,
        replies,
      });
    },

    /** News from elsewhere (a merchant's verdict); `messageKey` makes the message sent once. */
    async deliver(to: ChatAddress, result: ResultEvent, messageKey: string): Promise<void> {
      const replies = await turn(to, { type: "result", result }, messageKey);
      // News is a payment's outcome or a merchant's verdict: it goes ahead of ordinary replies.
      await outbox.send({
        id: outboxId("news", tenantId, messageKey),
        tenantId,
        to,
        replies,
        lane: "urgent",
      });
    },
  };
}

export type ConversationRunner = ReturnType<typeof createConversationRunner>;
