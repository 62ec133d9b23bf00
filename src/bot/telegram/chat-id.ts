import type { ChatIdSyntax } from "../channel-definition.js";

/** `telegram:123` or a group's `telegram:-1001234567890`. */
export const telegramChatIds: ChatIdSyntax = {
  shape: "<numeric chat id>",
  parse: (id) =>
    /^-?\d{1,20}$/.test(id) ? { chatId: id } : { problem: "has a Telegram chat id that is not an integer" },
  mask: (chatId) => chatId,
};
