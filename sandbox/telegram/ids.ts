import { randomBytes, randomInt } from "node:crypto";

/** URL-safe random text, like the opaque parts of Telegram's file ids. */
export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * File ids look like Telegram's (a type-dependent prefix, then opaque base64url) so code that logs
 * or stores them sees realistic lengths; they carry no meaning and are only valid in this emulator.
 */
export function newFileId(kind: "photo" | "document"): string {
  const prefix = kind === "photo" ? "AgACAgIAAxkBAAI" : "BQACAgIAAxkBAAI";
  return `${prefix}${randomToken(48)}`;
}

export function newFileUniqueId(): string {
  return `AQAD${randomToken(12)}`;
}

/** Callback query ids are decimal strings of a 64-bit number in the real API. */
export function newCallbackQueryId(): string {
  return `${randomInt(1, 2 ** 31)}${String(randomInt(0, 2 ** 31)).padStart(10, "0")}`;
}

/** chat_instance is a signed 64-bit decimal string, stable per chat. */
export function newChatInstance(): string {
  return `-${randomInt(1, 2 ** 31)}${String(randomInt(0, 2 ** 31)).padStart(10, "0")}`;
}
