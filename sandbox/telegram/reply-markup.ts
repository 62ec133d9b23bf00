import type {
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  KeyboardButton,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
} from "grammy/types";
import { badRequest } from "./errors.js";
import type { Params } from "./params.js";

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/** An inline button as a test sees it: label plus the action it carries. */
export interface InlineButton {
  readonly text: string;
  readonly callback_data?: string;
  readonly url?: string;
}

const INVALID_MARKUP = "can't parse reply keyboard markup JSON object";
const INLINE_ACTIONS = [
  "callback_data",
  "url",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "callback_game",
  "pay",
  "web_app",
  "copy_text",
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRows(value: unknown): value is unknown[][] {
  return Array.isArray(value) && value.every((row) => Array.isArray(row));
}

/**
 * Telegram refuses button URLs it cannot open: anything but http(s)/tg, and http(s) hosts without a
 * dot ("localhost", a bare machine name). IP literals such as 127.0.0.1 pass, so a local demo can
 * link to a local checkout page.
 */
function checkButtonUrl(url: string): void {
  let valid = false;
  try {
    const parsed = new URL(url);
    valid =
      parsed.protocol === "tg:" ||
      ((parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname.includes("."));
  } catch {
    valid = false;
  }
  if (!valid) throw badRequest(`inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`);
}

function validateInlineButton(raw: unknown): InlineKeyboardButton {
  if (!isRecord(raw))
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof raw.text !== "string") {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  const actions = INLINE_ACTIONS.filter((field) => raw[field] !== undefined);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (raw.callback_data !== undefined) {
    const data = raw.callback_data;
    const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (raw.url !== undefined) {
    if (typeof raw.url !== "string")
      throw badRequest('can\'t parse inline keyboard button: Field "url" must be of type String');
    checkButtonUrl(raw.url);
  }
  return raw as unknown as InlineKeyboardButton;
}

function validateKeyboardButton(raw: unknown): KeyboardButton {
  if (typeof raw === "string") return { text: raw };
  if (!isRecord(raw) || typeof raw.text !== "string") {
    throw badRequest('can\'t parse keyboard button: Field "text" must be of type String');
  }
  return raw as unknown as KeyboardButton;
}

/** Parses and validates `reply_markup` (a JSON string or an object) the way sendMessage does. */
export function parseReplyMarkup(params: Params): ReplyMarkup | undefined {
  const raw = params.json("reply_markup", INVALID_MARKUP);
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw badRequest(INVALID_MARKUP);
  if ("inline_keyboard" in raw) {
    if (!isRows(raw.inline_keyboard)) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    }
    return { inline_keyboard: raw.inline_keyboard.map((row) => row.map(validateInlineButton)) };
  }
  if ("keyboard" in raw) {
    if (!isRows(raw.keyboard))
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
    return {
      ...raw,
      keyboard: raw.keyboard.map((row) => row.map(validateKeyboardButton)),
    } as ReplyKeyboardMarkup;
  }
  if (raw.remove_keyboard === true) return raw as unknown as ReplyKeyboardRemove;
  if (raw.force_reply === true) return raw as unknown as ForceReply;
  throw badRequest(INVALID_MARKUP);
}

export function isInlineKeyboard(markup: ReplyMarkup | undefined): markup is InlineKeyboardMarkup {
  return markup !== undefined && "inline_keyboard" in markup;
}

/** The inline keyboard flattened row by row, keeping only the fields tests usually look at. */
export function flattenInlineButtons(markup: ReplyMarkup | undefined): InlineButton[] {
  if (!isInlineKeyboard(markup)) return [];
  return markup.inline_keyboard.flat().map((button) => {
    const flat: { text: string; callback_data?: string; url?: string } = { text: button.text };
    if ("callback_data" in button && button.callback_data !== undefined)
      flat.callback_data = button.callback_data;
    if ("url" in button && button.url !== undefined) flat.url = button.url;
    return flat;
  });
}

/** Reply keyboard buttons as `{ text, request_contact? }` objects (string buttons normalised). */
export function replyKeyboardButtons(markup: ReplyKeyboardMarkup): KeyboardButton.CommonButton[][] {
  return markup.keyboard.map((row) =>
    row.map((button) =>
      typeof button === "string" ? { text: button } : (button as KeyboardButton.CommonButton),
    ),
  );
}
