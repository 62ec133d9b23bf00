import { EventEmitter } from "node:events";
import type { BotCommand, Update, UserFromGetMe } from "grammy/types";
import type { ResolvedTelegramEmulatorOptions } from "./options.js";
import { CallLog } from "./state/call-log.js";
import { CallbackQueryStore } from "./state/callback-queries.js";
import { type ChatChange, ChatStore } from "./state/chats.js";
import { FaultInjector } from "./state/faults.js";
import { FileStore } from "./state/files.js";
import { LongPollGate } from "./state/long-poll.js";
import { entryForMessage, Transcript } from "./state/transcript.js";
import { type NewUpdate, UpdateQueue } from "./state/update-queue.js";
import { WebhookSender } from "./state/webhook.js";
import type { CallbackAnswer, ChatMessage, TelegramEmulatorEvents } from "./types.js";

/** Events the user drivers wait on; kept apart from the public emitter so tests cannot unhook them. */
export interface InternalEvents {
  chat: [message: ChatMessage, change: ChatChange];
  answer: [answer: CallbackAnswer];
  closed: [];
}

/** All emulator state, shared by the HTTP side (methods) and the test side (user drivers). */
export interface EmulatorContext {
  readonly options: ResolvedTelegramEmulatorOptions;
  readonly botUser: UserFromGetMe;
  readonly events: EventEmitter<TelegramEmulatorEvents>;
  readonly internal: EventEmitter<InternalEvents>;
  readonly calls: CallLog;
  readonly faults: FaultInjector;
  readonly files: FileStore;
  readonly chats: ChatStore;
  readonly updates: UpdateQueue;
  readonly poll: LongPollGate;
  readonly callbacks: CallbackQueryStore;
  readonly webhook: WebhookSender;
  readonly transcript: Transcript;
  /** setMyCommands results by scope+language key. */
  readonly commands: Map<string, BotCommand[]>;
  /** Queues an update for the bot and wakes the long poll or the webhook sender. */
  enqueue(body: NewUpdate): Update;
  /** Set by close(). */
  closed: boolean;
}

export function createEmulatorContext(
  options: ResolvedTelegramEmulatorOptions,
  onWebhookReply: (method: string, params: Record<string, unknown>) => Promise<void>,
): EmulatorContext {
  const events = new EventEmitter<TelegramEmulatorEvents>();
  const internal = new EventEmitter<InternalEvents>();
  internal.setMaxListeners(0);
  const transcript = new Transcript((entry) => events.emit("message", entry));
  const updates = new UpdateQueue(options.firstUpdateId);
  const poll = new LongPollGate();
  const webhook = new WebhookSender({
    queue: updates,
    retry: options.webhookRetry,
    onDelivery: (delivery) => events.emit("webhook", delivery),
    onWebhookReply,
  });
  const chats = new ChatStore((message, change) => {
    transcript.record(entryForMessage(message, change));
    internal.emit("chat", message, change);
  });
  const botId = Number(options.botToken.split(":")[0]);

  const context: EmulatorContext = {
    options,
    botUser: {
      id: botId,
      is_bot: true,
      first_name: options.botFirstName,
      username: options.botUsername,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as UserFromGetMe,
    events,
    internal,
    calls: new CallLog(),
    faults: new FaultInjector(),
    files: new FileStore(),
    chats,
    updates,
    poll,
    callbacks: new CallbackQueryStore(),
    webhook,
    transcript,
    commands: new Map(),
    closed: false,
    enqueue(body) {
      const update = updates.push(body);
      events.emit("update", update);
      if (webhook.config !== undefined) webhook.kick();
      else poll.wake();
      return update;
    },
  };
  return context;
}
