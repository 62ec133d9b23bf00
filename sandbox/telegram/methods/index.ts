import { deleteMessage, editMessageCaption, editMessageReplyMarkup, editMessageText } from "./edit.js";
import type { MethodHandler } from "./method.js";
import {
  acceptAndIgnore,
  answerCallbackQuery,
  deleteMyCommands,
  getFile,
  getMe,
  getMyCommands,
  setMyCommands,
} from "./misc.js";
import { sendChatAction, sendDocument, sendMessage, sendPhoto } from "./send.js";
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from "./updates.js";

const HANDLERS: Record<string, MethodHandler> = {
  getMe,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  sendPhoto,
  sendDocument,
  sendChatAction,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  answerCallbackQuery,
  getFile,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  setMyDescription: acceptAndIgnore,
  setMyShortDescription: acceptAndIgnore,
  setMyName: acceptAndIgnore,
  setChatMenuButton: acceptAndIgnore,
};

export interface MethodEntry {
  /** Canonical spelling, e.g. "sendMessage". */
  readonly name: string;
  readonly handler: MethodHandler;
}

const BY_LOWER_NAME = new Map<string, MethodEntry>(
  Object.entries(HANDLERS).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);

/** Method names are case-insensitive in the Bot API. */
export function findMethod(name: string): MethodEntry | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

export const SUPPORTED_METHODS: readonly string[] = Object.keys(HANDLERS);
