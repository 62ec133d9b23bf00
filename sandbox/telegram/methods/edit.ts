import { isDeepStrictEqual } from "node:util";
import type { Message } from "grammy/types";
import type { EmulatorContext } from "../context.js";
import { badRequest } from "../errors.js";
import type { Params } from "../params.js";
import {
  flattenInlineButtons,
  isInlineKeyboard,
  parseReplyMarkup,
  type ReplyMarkup,
} from "../reply-markup.js";
import type { ChatMessage } from "../types.js";
import {
  type MessageText,
  nowSeconds,
  readCaption,
  readMessageText,
  withMarkup,
  withText,
} from "./bot-message.js";
import type { MethodCall } from "./method.js";

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** The bot message an edit targets; inline-mode messages (inline_message_id) do not exist here. */
function findEditable(ctx: EmulatorContext, params: Params): ChatMessage {
  if (params.has("inline_message_id")) throw badRequest("MESSAGE_ID_INVALID");
  const chat = ctx.chats.resolve(params);
  const messageId = params.int("message_id", "message to edit not found");
  if (messageId === undefined) throw badRequest("message identifier is not specified");
  const message = ctx.chats.find(chat, messageId);
  if (message === undefined || message.deleted) throw badRequest("message to edit not found");
  if (message.direction !== "bot") throw badRequest("message can't be edited");
  return message;
}

/** Edits take only inline keyboards; omitting reply_markup removes the current one, as in Telegram. */
function readInlineMarkup(params: Params): ReplyMarkup | undefined {
  const markup = parseReplyMarkup(params);
  if (markup !== undefined && !isInlineKeyboard(markup)) {
    throw badRequest("can't parse inline keyboard markup JSON object");
  }
  return markup;
}

function currentInline(message: ChatMessage): ReplyMarkup | undefined {
  return isInlineKeyboard(message.replyMarkup) ? message.replyMarkup : undefined;
}

function sameText(message: ChatMessage, field: "text" | "caption", text: MessageText | undefined): boolean {
  const entitiesField = field === "text" ? "entities" : "caption_entities";
  const current = message.message as unknown as Record<string, unknown>;
  return (
    (current[field] ?? "") === (text?.formatted.text ?? "") &&
    isDeepStrictEqual(current[entitiesField] ?? [], text?.formatted.entities ?? [])
  );
}

function applyEdit(
  ctx: EmulatorContext,
  message: ChatMessage,
  field: "text" | "caption" | undefined,
  text: MessageText | undefined,
  markup: ReplyMarkup | undefined,
): Message {
  let next: Message = { ...message.message, edit_date: nowSeconds() } as Message;
  if (field !== undefined) {
    next = withText(next, field, text);
    message.text = text?.formatted.text || undefined;
    message.rawText = text?.raw;
    message.parseMode = text?.parseMode;
  }
  message.message = withMarkup(next, markup);
  message.replyMarkup = markup;
  message.buttons = flattenInlineButtons(markup);
  message.edits++;
  ctx.chats.changed(message, "edit");
  return message.message;
}

export function editMessageText({ ctx, params }: MethodCall): unknown {
  const message = findEditable(ctx, params);
  if (message.media !== undefined) throw badRequest("there is no text in the message to edit");
  const text = readMessageText(params);
  const markup = readInlineMarkup(params);
  if (sameText(message, "text", text) && isDeepStrictEqual(markup, currentInline(message))) {
    throw badRequest(NOT_MODIFIED);
  }
  return applyEdit(ctx, message, "text", text, markup);
}

export function editMessageCaption({ ctx, params }: MethodCall): unknown {
  const message = findEditable(ctx, params);
  if (message.media === undefined) throw badRequest("there is no caption in the message to edit");
  const caption = readCaption(params);
  const markup = readInlineMarkup(params);
  if (sameText(message, "caption", caption) && isDeepStrictEqual(markup, currentInline(message))) {
    throw badRequest(NOT_MODIFIED);
  }
  return applyEdit(ctx, message, "caption", caption, markup);
}

export function editMessageReplyMarkup({ ctx, params }: MethodCall): unknown {
  const message = findEditable(ctx, params);
  const markup = readInlineMarkup(params);
  if (isDeepStrictEqual(markup, currentInline(message))) throw badRequest(NOT_MODIFIED);
  return applyEdit(ctx, message, undefined, undefined, markup);
}

export function deleteMessage({ ctx, params }: MethodCall): unknown {
  const chat = ctx.chats.resolve(params);
  const messageId = params.int("message_id", "message to delete not found");
  if (messageId === undefined) throw badRequest("message identifier is not specified");
  const message = ctx.chats.find(chat, messageId);
  if (message === undefined || message.deleted) throw badRequest("message to delete not found");
  message.deleted = true;
  ctx.chats.changed(message, "delete");
  return true;
}
