/**
 * Local Telegram Bot API emulator for tests and the offline demo. The bot side speaks HTTP exactly
 * like api.telegram.org (point grammY's `client.apiRoot` at `emulator.apiRoot`); the user side is an
 * in-process API (`emulator.user({...})`).
 */

export type { WaitOptions } from "../shared/wait.js";
export { createTelegramEmulator, TelegramEmulator, type WebhookState } from "./emulator.js";
export { BotApiError, TelegramEmulatorError, type TelegramEmulatorErrorCode } from "./errors.js";
export { SUPPORTED_METHODS } from "./methods/index.js";
export {
  DEFAULT_BOT_TOKEN,
  defaultTelegramEmulatorOptions,
  type TelegramEmulatorOptions,
} from "./options.js";
export type { InlineButton, ReplyMarkup } from "./reply-markup.js";
export { formatTranscriptEntry } from "./state/transcript.js";
export type {
  ApiCallRecord,
  CallbackAnswer,
  ChatMessage,
  MessageMedia,
  TelegramEmulatorEvents,
  TelegramFault,
  TelegramUserProfile,
  TranscriptEntry,
  WebhookDelivery,
} from "./types.js";
export {
  type MessageMatcher,
  type PressButtonOptions,
  type SendDocumentOptions,
  type SendPhotoOptions,
  type ShareContactOptions,
  TelegramUser,
} from "./user.js";
