import type { Message, Update } from "grammy/types";
import type { InlineButton, ReplyMarkup } from "./reply-markup.js";

/** Who a `TelegramUser` driver pretends to be. The private chat's id equals `id`. */
export interface TelegramUserProfile {
  readonly id: number;
  readonly firstName: string;
  readonly lastName?: string;
  readonly username?: string;
  /** Default phone for `shareContact()`. */
  readonly phone?: string;
  /** IETF language tag put on `from.language_code`. Default: none. */
  readonly languageCode?: string;
}

/** The file behind a photo or document message, with the exact bytes that were uploaded. */
export interface MessageMedia {
  readonly kind: "photo" | "document";
  /** file_id of the (largest) file. */
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly bytes: Uint8Array;
  /** Declared size: the byte length unless a test declared a bigger one. */
  readonly fileSize: number;
  readonly fileName?: string;
  readonly mimeType?: string;
}

/**
 * One message in a private chat, from the bot or from the user. Records are live: after
 * editMessageText/editMessageReplyMarkup/deleteMessage the same object shows the new state.
 */
export interface ChatMessage {
  readonly direction: "bot" | "user";
  readonly chatId: number;
  readonly messageId: number;
  /** The Message object as Telegram would return it now (after edits). */
  message: Message;
  /** Text or caption with markup removed, as Telegram stores it. */
  text: string | undefined;
  /** Text or caption exactly as the bot sent it (with HTML tags / MarkdownV2 escapes). */
  rawText: string | undefined;
  parseMode: string | undefined;
  /** reply_markup as sent (inline keyboard, reply keyboard, remove_keyboard or force_reply). */
  replyMarkup: ReplyMarkup | undefined;
  /** The current inline keyboard, flattened. */
  buttons: InlineButton[];
  readonly media: MessageMedia | undefined;
  edits: number;
  deleted: boolean;
  readonly sentAt: Date;
}

/** A readable line of the conversation, for demos and failure messages. */
export interface TranscriptEntry {
  readonly seq: number;
  readonly at: Date;
  readonly direction: "bot" | "user";
  /** message: a new message; edit/delete: a change to one; press: a button press; answer: answerCallbackQuery. */
  readonly kind: "message" | "edit" | "delete" | "press" | "answer";
  readonly chatId: number;
  readonly messageId?: number;
  readonly text?: string;
  readonly buttons: InlineButton[];
  /** Reply keyboard rows (labels) when the message set one. */
  readonly keyboard?: string[][];
  readonly media?: {
    readonly kind: "photo" | "document";
    readonly fileName?: string;
    readonly fileSize: number;
  };
  readonly contact?: { readonly phoneNumber: string; readonly own: boolean };
  /** For presses: the button's callback_data. */
  readonly callbackData?: string;
}

/** One Bot API call as the emulator received and answered it. */
export interface ApiCallRecord {
  readonly id: number;
  /** Canonical spelling ("sendMessage") for known methods, else as requested. */
  readonly method: string;
  /** Parameters as received; uploaded files appear as `{ upload: fileName, size }`. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly transport: "http" | "webhook-reply";
  /** Date.now() when the request arrived. */
  readonly receivedAt: number;
  /** Date.now() when it was answered; undefined while pending (e.g. a held getUpdates). */
  finishedAt?: number;
  /** HTTP status sent (undefined while pending or when the client hung up first). */
  status?: number;
  ok?: boolean;
  errorCode?: number;
  description?: string;
  result?: unknown;
  /** The answer came from `failNext`/`failRandomly`. */
  injected?: boolean;
  /** The client closed the connection before the answer (grammY's bot.stop() aborts its long poll). */
  aborted?: boolean;
  /** getUpdates that waited for updates (long polling). */
  held?: boolean;
  /**
   * The call reached the same chat (or, without chat_id, the same method) before a retry_after
   * the emulator had answered had elapsed: a client that does not honour flood waits.
   */
  earlyRetry?: boolean;
}

/** What the bot answered to a callback query. */
export interface CallbackAnswer {
  readonly callbackQueryId: string;
  readonly updateId: number;
  readonly text?: string;
  readonly showAlert: boolean;
  readonly url?: string;
  readonly cacheTime?: number;
  readonly answeredAt: Date;
}

/** One attempt to POST an update to the webhook. */
export interface WebhookDelivery {
  readonly updateId: number;
  readonly url: string;
  readonly attempt: number;
  readonly status?: number;
  readonly error?: string;
  readonly delivered: boolean;
  /** No further attempt will be made for this update (delivered, or retries exhausted). */
  readonly final: boolean;
  readonly durationMs: number;
}

/**
 * Fault injected into the next calls of a method. `errorCode: 429` answers Telegram's flood-wait
 * envelope with `parameters.retry_after` (default 1 s); other codes answer
 * `{ ok: false, error_code, description }` with a default description per code; `dropConnection`
 * destroys the socket without an answer (grammY raises HttpError).
 */
export type TelegramFault =
  | { readonly errorCode: number; readonly retryAfter?: number; readonly description?: string }
  | { readonly dropConnection: true };

export interface TelegramEmulatorEvents {
  /** A Bot API call arrived (parameters parsed, not yet answered). */
  request: [call: ApiCallRecord];
  /** A Bot API call was answered (or the client hung up). */
  response: [call: ApiCallRecord];
  /** A getUpdates is now held open waiting for updates. */
  poll: [call: ApiCallRecord];
  /** An update was queued for the bot. */
  update: [update: Update];
  /** A line of the conversation (messages both ways, edits, deletions, presses, answers). */
  message: [entry: TranscriptEntry];
  /** A webhook delivery attempt finished. */
  webhook: [delivery: WebhookDelivery];
}
