/** Turns channel-neutral replies into Telegram's HTML and inline keyboards. Pure. */

import type { InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup } from "grammy/types";
import type { Reply } from "../../domain/channel.js";
import { splitText as splitLines } from "../split-text.js";

export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * `*bold*` (the replies' one piece of markup) becomes `<b>bold</b>`; everything else is escaped.
 * As WhatsApp reads it, the text inside touches both asterisks: a literal one (a USSD code like
 * `*334#`) never pairs with the next bold's opening asterisk across a space.
 */
const BOLD = /(?<![\p{L}\p{N}_*])\*(?=\S)([^*\n]*?\S)\*(?![\p{L}\p{N}_*])/gu;

export function toTelegramHtml(text: string): string {
  return escapeHtml(text).replace(BOLD, "<b>$1</b>");
}

export function toInlineKeyboard(reply: Reply): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = (reply.choices ?? []).map((row) =>
    row.map((choice) => ({ text: choice.label, callback_data: choice.data })),
  );
  if (reply.link) rows.unshift([{ text: reply.link.label, url: reply.link.url }]);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Pieces the channel accepts, split at line breaks. */
export function splitText(text: string, limit = MAX_TEXT): string[] {
  return splitLines(text, limit);
}

/**
 * A one-time keyboard with a button that shares the person's own number. A message carries one
 * keyboard, so this goes in a short message of its own after the reply's inline buttons.
 */
export function toContactKeyboard(label: string): ReplyKeyboardMarkup {
  return {
    keyboard: [[{ text: label, request_contact: true }]],
    one_time_keyboard: true,
    resize_keyboard: true,
  };
}

export const CONTACT_PROMPT = "Or tap the button below to share your number.";
