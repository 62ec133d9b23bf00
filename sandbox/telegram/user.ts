import type { CallbackQuery, Chat, Contact, Message, MessageEntity, User } from "grammy/types";
import { DEFAULT_WAIT_MS, type WaitOptions, waitUntil } from "../shared/wait.js";
import type { EmulatorContext } from "./context.js";
import { TelegramEmulatorError } from "./errors.js";
import { newCallbackQueryId } from "./ids.js";
import { botAsUser, nowSeconds } from "./methods/bot-message.js";
import { flattenInlineButtons, type InlineButton, replyKeyboardButtons } from "./reply-markup.js";
import type { ChatState } from "./state/chats.js";
import { formatTranscriptEntry } from "./state/transcript.js";
import type { NewUpdate } from "./state/update-queue.js";
import type { CallbackAnswer, ChatMessage, MessageMedia, TelegramUserProfile } from "./types.js";
import { USER_WAITS } from "./wait.js";

/** Text contains a string, matches a RegExp, or satisfies a predicate. */
export type MessageMatcher = string | RegExp | ((message: ChatMessage) => boolean);

export interface SendPhotoOptions {
  readonly caption?: string;
  /** Reported file_size of the largest size, e.g. 20 MB, without allocating it. Default: byte length. */
  readonly fileSize?: number;
  /** Default: read from a PNG/JPEG/GIF header, else 1280×960. */
  readonly width?: number;
  readonly height?: number;
}

export interface SendDocumentOptions {
  readonly fileName: string;
  readonly mimeType: string;
  readonly fileSize?: number;
  readonly caption?: string;
}

export interface ShareContactOptions {
  /** The user's own number (contact.user_id = user id). Default: true. */
  readonly own?: boolean;
  /** first_name on someone else's contact card. Default: "Contact". */
  readonly firstName?: string;
  readonly lastName?: string;
}

export interface PressButtonOptions {
  /** Send the callback query even if no such button is on the message (fuzzing, stale keyboards). */
  readonly force?: boolean;
}

function toPredicate(matcher: MessageMatcher | undefined): (message: ChatMessage) => boolean {
  if (matcher === undefined) return () => true;
  if (typeof matcher === "string") return (message) => message.text?.includes(matcher) ?? false;
  if (matcher instanceof RegExp) return (message) => message.text !== undefined && matcher.test(message.text);
  return matcher;
}

function describeMatcher(matcher: MessageMatcher | undefined): string {
  if (matcher === undefined) return "any bot message";
  if (typeof matcher === "string") return `a bot message whose text contains ${JSON.stringify(matcher)}`;
  if (matcher instanceof RegExp) return `a bot message whose text matches ${String(matcher)}`;
  return `a bot message satisfying ${matcher.name || "the predicate"}`;
}

/** Entities the Telegram client adds to a typed command: "/start" or "/start@bot" at offset 0. */
function commandEntities(text: string): MessageEntity[] | undefined {
  const command = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{5,32})?/.exec(text);
  return command === null ? undefined : [{ type: "bot_command", offset: 0, length: command[0].length }];
}

/**
 * Drives one simulated Telegram user in a private chat with the bot (chat id = user id). Sends become
 * updates in the bot's queue (delivered by getUpdates or the webhook) and return the update_id.
 *
 * Reading the bot's replies: every bot message in the chat is kept in order (`messages()`), and the
 * driver has a read cursor over them. `nextMessage(matcher)` looks at the bot messages after the
 * cursor, returns the first that matches and moves the cursor just past it; bot messages it passes
 * over are consumed too. If none matches yet, it waits (event-driven) for new bot messages. So a
 * message sent before the call but never consumed is still returned, and each message is returned by
 * at most one nextMessage call.
 */
export class TelegramUser {
  private cursor = 0;

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly state: ChatState,
  ) {}

  get id(): number {
    return this.state.user.id;
  }

  get chatId(): number {
    return this.state.chat.id;
  }

  get profile(): TelegramUserProfile {
    return this.state.profile;
  }

  /** The Telegram User object of this user. */
  get user(): User {
    return this.state.user;
  }

  get chat(): Chat.PrivateChat {
    return this.state.chat;
  }

  // --- sending -----------------------------------------------------------------------------------

  /** A text message; a leading "/command" gets a bot_command entity like the real client adds. */
  sendText(text: string): number {
    const entities = commandEntities(text);
    return this.send({ text, ...(entities === undefined ? {} : { entities }) }, undefined);
  }

  /** A photo; `bytes` are stored and downloadable via getFile. message.photo has 2–3 sizes, largest last. */
  sendPhoto(bytes: Uint8Array, options: SendPhotoOptions = {}): number {
    const { sizes, largest } = this.ctx.files.addPhoto(bytes, {
      ...(options.fileSize === undefined ? {} : { fileSize: options.fileSize }),
      ...(options.width === undefined ? {} : { width: options.width }),
      ...(options.height === undefined ? {} : { height: options.height }),
    });
    const media: MessageMedia = {
      kind: "photo",
      fileId: largest.fileId,
      fileUniqueId: largest.fileUniqueId,
      bytes,
      fileSize: largest.fileSize,
    };
    return this.send(
      { photo: sizes, ...(options.caption === undefined ? {} : { caption: options.caption }) },
      media,
    );
  }

  /** A file sent "as document" (how an uncompressed receipt image or a PDF arrives). */
  sendDocument(bytes: Uint8Array, options: SendDocumentOptions): number {
    const file = this.ctx.files.addDocument(bytes, {
      fileName: options.fileName,
      mimeType: options.mimeType,
      ...(options.fileSize === undefined ? {} : { fileSize: options.fileSize }),
    });
    const media: MessageMedia = {
      kind: "document",
      fileId: file.fileId,
      fileUniqueId: file.fileUniqueId,
      bytes,
      fileSize: file.fileSize,
      fileName: options.fileName,
      mimeType: options.mimeType,
    };
    const document = {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: options.fileName,
      mime_type: options.mimeType,
      file_size: file.fileSize,
    };
    return this.send(
      { document, ...(options.caption === undefined ? {} : { caption: options.caption }) },
      media,
    );
  }

  /** A contact card; `own` (default) sets contact.user_id to this user's id like the share-phone button. */
  shareContact(phone?: string, options: ShareContactOptions = {}): number {
    const phoneNumber = phone ?? this.profile.phone;
    if (phoneNumber === undefined) {
      throw new TelegramEmulatorError(
        "invalid_use",
        `shareContact needs a phone: pass one or set "phone" on user ${this.id}`,
      );
    }
    const own = options.own ?? true;
    const contact: Contact = own
      ? {
          phone_number: phoneNumber,
          first_name: this.profile.firstName,
          ...(this.profile.lastName === undefined ? {} : { last_name: this.profile.lastName }),
          user_id: this.id,
        }
      : {
          phone_number: phoneNumber,
          first_name: options.firstName ?? "Contact",
          ...(options.lastName === undefined ? {} : { last_name: options.lastName }),
        };
    return this.send({ contact }, undefined);
  }

  /** Labels of the reply keyboard the bot currently shows this user, or undefined. */
  replyKeyboard(): string[][] | undefined {
    const keyboard = this.state.replyKeyboard;
    return keyboard === undefined
      ? undefined
      : replyKeyboardButtons(keyboard).map((row) => row.map((b) => b.text));
  }

  /**
   * Taps a reply-keyboard button: sends its label, or the user's own contact for a request_contact
   * button. Throws if the bot shows no keyboard with that label. A one_time_keyboard hides afterwards.
   */
  pressKeyboardButton(label: string): number {
    const keyboard = this.state.replyKeyboard;
    const button =
      keyboard === undefined
        ? undefined
        : replyKeyboardButtons(keyboard)
            .flat()
            .find((b) => b.text === label);
    if (keyboard === undefined || button === undefined) {
      const shown = this.replyKeyboard();
      throw new TelegramEmulatorError(
        "invalid_use",
        `User ${this.id} sees no reply-keyboard button ${JSON.stringify(label)}; keyboard: ${shown === undefined ? "none" : JSON.stringify(shown)}`,
      );
    }
    if (keyboard.one_time_keyboard === true) this.state.replyKeyboard = undefined;
    if ("request_contact" in button && button.request_contact === true) return this.shareContact();
    return this.sendText(label);
  }

  /**
   * Presses an inline button: a callback_query update with id, from, message (as it is now),
   * chat_instance and data. Throws unless the message's current inline keyboard has a button with that
   * callback_data; `{ force: true }` skips the check (and allows a deleted message).
   */
  pressButton(
    target: ChatMessage | Message | number,
    callbackData: string,
    options: PressButtonOptions = {},
  ): number {
    const messageId =
      typeof target === "number" ? target : "messageId" in target ? target.messageId : target.message_id;
    const stored = this.state.messages.find((m) => m.messageId === messageId && m.direction === "bot");
    const button = stored?.buttons.find((b) => b.callback_data === callbackData);
    if (options.force !== true) {
      if (stored === undefined) {
        throw new TelegramEmulatorError("invalid_use", `No bot message #${messageId} in chat ${this.chatId}`);
      }
      if (stored.deleted) {
        throw new TelegramEmulatorError(
          "invalid_use",
          `Message #${messageId} in chat ${this.chatId} was deleted`,
        );
      }
      if (button === undefined) {
        throw new TelegramEmulatorError(
          "invalid_use",
          `Message #${messageId} in chat ${this.chatId} has no inline button with callback_data ${JSON.stringify(callbackData)}; ` +
            `its buttons: ${JSON.stringify(stored.buttons)}. Pass { force: true } to send it anyway.`,
        );
      }
    }
    const message: Message =
      stored !== undefined
        ? structuredClone(stored.message)
        : typeof target === "object" && !("messageId" in target)
          ? target
          : ({
              message_id: messageId,
              date: nowSeconds(),
              chat: this.state.chat,
              from: botAsUser(this.ctx),
            } as Message);
    const query: CallbackQuery = {
      id: newCallbackQueryId(),
      from: this.state.user,
      message,
      chat_instance: this.state.chatInstance,
      data: callbackData,
    };
    const update = this.ctx.enqueue({ callback_query: query });
    this.ctx.callbacks.add(query, update.update_id, this.chatId);
    this.ctx.transcript.record({
      direction: "user",
      kind: "press",
      chatId: this.chatId,
      messageId,
      ...(button === undefined ? {} : { text: button.text }),
      callbackData,
      buttons: [],
    });
    return update.update_id;
  }

  /**
   * Queues an arbitrary update (fuzz tests); `update_id` is always assigned by the emulator. A
   * callback_query with a string id is registered so answerCallbackQuery accepts it.
   */
  sendRawUpdate(partial: Record<string, unknown>): number {
    const { update_id: _ignored, ...body } = partial;
    const update = this.ctx.enqueue(body as NewUpdate);
    const query = (body as { callback_query?: { id?: unknown } }).callback_query;
    if (typeof query?.id === "string")
      this.ctx.callbacks.add(query as CallbackQuery, update.update_id, this.chatId);
    return update.update_id;
  }

  /** The user blocks the bot: sends fail with 403 and the bot gets a my_chat_member "kicked" update. */
  block(): number {
    this.state.blocked = true;
    return this.memberUpdate("member", "kicked");
  }

  /** The user unblocks (restarts) the bot. Sending any message also unblocks. */
  unblock(): number {
    this.state.blocked = false;
    return this.memberUpdate("kicked", "member");
  }

  // --- reading -----------------------------------------------------------------------------------

  /** All bot messages in this chat so far, in order, with their current state. */
  messages(): ChatMessage[] {
    return this.state.messages.filter((message) => message.direction === "bot");
  }

  /** The latest bot message, if any (does not move the cursor). */
  lastMessage(): ChatMessage | undefined {
    return this.messages().at(-1);
  }

  /** Both directions, in order. */
  history(): ChatMessage[] {
    return [...this.state.messages];
  }

  /** Marks every bot message so far as read: the next nextMessage only sees later ones. */
  skipPending(): void {
    this.cursor = this.messages().length;
  }

  /**
   * The next bot message after the read cursor that matches (see the class comment), waiting up to
   * `timeoutMs` (default 5000) for it. Rejects with the recent conversation in the message on timeout.
   */
  nextMessage(matcher?: MessageMatcher, options: WaitOptions = {}): Promise<ChatMessage> {
    const predicate = toPredicate(matcher);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitUntil(
      this.ctx,
      USER_WAITS,
      () => {
        const bot = this.messages();
        for (let index = this.cursor; index < bot.length; index++) {
          const message = bot[index] as ChatMessage;
          if (predicate(message)) {
            this.cursor = index + 1;
            return message;
          }
        }
        return undefined;
      },
      timeoutMs,
      () => this.timeoutError(`nextMessage waited ${timeoutMs} ms for ${describeMatcher(matcher)}`),
    );
  }

  /**
   * Waits for a bot message to change. With a matcher: resolves as soon as the message's current state
   * matches (possibly at once). Without: resolves at the next edit or deletion after this call.
   */
  waitForEdit(
    message: ChatMessage,
    matcher?: MessageMatcher,
    options: WaitOptions = {},
  ): Promise<ChatMessage> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const predicate = toPredicate(matcher);
    const startEdits = message.edits;
    const startDeleted = message.deleted;
    return waitUntil(
      this.ctx,
      USER_WAITS,
      () => {
        if (matcher !== undefined) return predicate(message) ? message : undefined;
        return message.edits !== startEdits || message.deleted !== startDeleted ? message : undefined;
      },
      timeoutMs,
      () =>
        this.timeoutError(
          `waitForEdit waited ${timeoutMs} ms for message #${message.messageId} to ${matcher === undefined ? "change" : `become ${describeMatcher(matcher)}`}; it is now ${JSON.stringify(message.text)} ${JSON.stringify(message.buttons)}`,
        ),
    );
  }

  /**
   * Resolves when the bot answers the callback query (answerCallbackQuery). Accepts the query id or
   * the update_id returned by `pressButton`.
   */
  waitForCallbackAnswer(
    callbackQueryId: string | number,
    options: WaitOptions = {},
  ): Promise<CallbackAnswer> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const record = this.ctx.callbacks.get(callbackQueryId);
    if (record === undefined) {
      return Promise.reject(
        new TelegramEmulatorError("invalid_use", `Unknown callback query ${JSON.stringify(callbackQueryId)}`),
      );
    }
    return waitUntil(
      this.ctx,
      USER_WAITS,
      () => record.answer,
      timeoutMs,
      () =>
        this.timeoutError(
          `The bot did not answer callback query ${record.query.id} (data ${JSON.stringify(record.query.data)}) within ${timeoutMs} ms`,
        ),
    );
  }

  /** A message's current inline keyboard, flattened: [{ text, callback_data?, url? }]. */
  buttons(message: ChatMessage | Message): InlineButton[] {
    if ("buttons" in message) return message.buttons;
    return flattenInlineButtons(message.reply_markup);
  }

  // --- internals ---------------------------------------------------------------------------------

  private send(content: Record<string, unknown>, media: MessageMedia | undefined): number {
    this.state.blocked = false;
    const messageId = this.ctx.chats.nextMessageId(this.state);
    const message = {
      message_id: messageId,
      from: this.state.user,
      chat: this.state.chat,
      date: nowSeconds(),
      ...content,
    } as unknown as Message;
    const text = (content.text ?? content.caption) as string | undefined;
    this.ctx.chats.push(this.state, {
      direction: "user",
      chatId: this.chatId,
      messageId,
      message,
      text,
      rawText: text,
      parseMode: undefined,
      replyMarkup: undefined,
      buttons: [],
      media,
      edits: 0,
      deleted: false,
      sentAt: new Date(),
    });
    return this.ctx.enqueue({ message: structuredClone(message) } as NewUpdate).update_id;
  }

  private memberUpdate(from: "member" | "kicked", to: "member" | "kicked"): number {
    const bot = botAsUser(this.ctx);
    const member = (status: "member" | "kicked") =>
      status === "kicked" ? { user: bot, status, until_date: 0 } : { user: bot, status };
    return this.ctx.enqueue({
      my_chat_member: {
        chat: this.state.chat,
        from: this.state.user,
        date: nowSeconds(),
        old_chat_member: member(from),
        new_chat_member: member(to),
      },
    } as NewUpdate).update_id;
  }

  private timeoutError(headline: string): TelegramEmulatorError {
    const bot = this.messages();
    const unread = bot.slice(this.cursor);
    const recent = this.ctx.transcript.list(this.chatId).slice(-8).map(formatTranscriptEntry);
    const lines = [
      `${headline} in chat ${this.chatId} (user ${this.profile.firstName}).`,
      `Read cursor: ${this.cursor} of ${bot.length} bot messages; unread: ${unread.length === 0 ? "none" : unread.map((m) => `#${m.messageId} ${JSON.stringify(m.text)}`).join(", ")}.`,
      "Recent conversation:",
      ...(recent.length === 0
        ? ["  (nothing yet — is the bot running and pointed at this emulator's apiRoot?)"]
        : recent.map((l) => `  ${l}`)),
    ];
    return new TelegramEmulatorError("timeout", lines.join("\n"));
  }
}
