/**
 * What the bot delivered to one chat, read from the Bot API emulator's call log: the evidence for
 * alerts counted at the merchant and for messages a shopper must (or must never) get.
 */
import type { ReliabilityShop } from "./shop.js";

/** Texts (message text or media caption) the Bot API accepted for `chatId`, oldest first. */
export function deliveredTexts(rel: ReliabilityShop, chatId: number): string[] {
  return rel.shop.emulator
    .calls()
    .filter((call) => call.ok && Number(call.params.chat_id) === chatId)
    .map((call) => String(call.params.text ?? call.params.caption ?? ""))
    .filter((text) => text !== "");
}

/** How many texts delivered to `chatId` match `pattern`. */
export function countDelivered(rel: ReliabilityShop, chatId: number, pattern: RegExp): number {
  return deliveredTexts(rel, chatId).filter((text) => pattern.test(text)).length;
}
