import type { Message, MessageEntity, User } from "grammy/types";
import type { EmulatorContext } from "../context.js";
import { badRequest, forbidden } from "../errors.js";
import type { FormattedText } from "../formatting/formatted-text.js";
import { parseMessageText } from "../formatting/parse.js";
import type { Params } from "../params.js";
import { flattenInlineButtons, isInlineKeyboard, type ReplyMarkup } from "../reply-markup.js";
import type { ChatState } from "../state/chats.js";
import type { ChatMessage, MessageMedia } from "../types.js";

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The bot as it appears in `from` of its own messages. */
export function botAsUser(ctx: EmulatorContext): User {
  return {
    id: ctx.botUser.id,
    is_bot: true,
    first_name: ctx.botUser.first_name,
    username: ctx.botUser.username,
  };
}

export function assertReachable(chat: ChatState): void {
  if (chat.blocked) throw forbidden("bot was blocked by the user");
}

export interface MessageText {
  readonly raw: string;
  readonly parseMode: string | undefined;
  readonly formatted: FormattedText;
}

/** `text` of sendMessage/editMessageText: parsed, then 1–4096 characters. */
export function readMessageText(params: Params): MessageText {
  const raw = params.string("text");
  if (raw === undefined) throw badRequest("message text is empty");
  const parseMode = params.string("parse_mode");
  const formatted = parseMessageText(
    raw,
    parseMode,
    params.json("entities", "can't parse entities JSON object"),
  );
  if (formatted.text.length === 0) throw badRequest("message text is empty");
  if (formatted.text.length > TEXT_LIMIT) throw badRequest("message is too long");
  return { raw, parseMode, formatted };
}

/** `caption` of media messages: optional, at most 1024 characters after parsing. */
export function readCaption(params: Params): MessageText | undefined {
  const raw = params.string("caption");
  if (raw === undefined) return undefined;
  const parseMode = params.string("parse_mode");
  const formatted = parseMessageText(
    raw,
    parseMode,
    params.json("caption_entities", "can't parse entities JSON object"),
  );
  if (formatted.text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  return { raw, parseMode, formatted };
}

/** Remembers the reply keyboard the user now sees (set by `keyboard`, cleared by `remove_keyboard`). */
export function applyReplyKeyboard(chat: ChatState, markup: ReplyMarkup | undefined): void {
  if (markup === undefined) return;
  if ("keyboard" in markup) chat.replyKeyboard = markup;
  else if ("remove_keyboard" in markup) chat.replyKeyboard = undefined;
}

/** Sets text+entities (or caption+caption_entities) on a Message, dropping empty entity lists. */
export function withText(
  message: Message,
  field: "text" | "caption",
  text: MessageText | undefined,
): Message {
  const entitiesField = field === "text" ? "entities" : "caption_entities";
  const next: Record<string, unknown> = { ...message };
  delete next[field];
  delete next[entitiesField];
  if (text !== undefined && text.formatted.text !== "") {
    next[field] = text.formatted.text;
    if (text.formatted.entities.length > 0) next[entitiesField] = text.formatted.entities as MessageEntity[];
  }
  return next as unknown as Message;
}

/** Only inline keyboards are part of the Message object Telegram returns. */
export function withMarkup(message: Message, markup: ReplyMarkup | undefined): Message {
  const next: Record<string, unknown> = { ...message };
  delete next.reply_markup;
  if (isInlineKeyboard(markup)) next.reply_markup = markup;
  return next as unknown as Message;
}

export interface NewBotMessage {
  readonly content: Record<string, unknown>;
  readonly textField: "text" | "caption";
  readonly text: MessageText | undefined;
  readonly markup: ReplyMarkup | undefined;
  readonly media?: MessageMedia;
}

/** Creates, stores and announces a message from the bot; returns the stored record. */
export function pushBotMessage(ctx: EmulatorContext, chat: ChatState, input: NewBotMessage): ChatMessage {
  applyReplyKeyboard(chat, input.markup);
  const messageId = ctx.chats.nextMessageId(chat);
  const base = {
    message_id: messageId,
    from: botAsUser(ctx),
    chat: chat.chat,
    date: nowSeconds(),
    ...input.content,
  } as unknown as Message;
  const message = withMarkup(withText(base, input.textField, input.text), input.markup);
  const text = input.text?.formatted.text || undefined;
  return ctx.chats.push(chat, {
    direction: "bot",
    chatId: chat.chat.id,
    messageId,
    message,
    text,
    rawText: input.text?.raw,
    parseMode: input.text?.parseMode,
    replyMarkup: input.markup,
    buttons: flattenInlineButtons(input.markup),
    media: input.media,
    edits: 0,
    deleted: false,
    sentAt: new Date(),
  });
}
