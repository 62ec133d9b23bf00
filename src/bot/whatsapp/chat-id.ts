import { normalizeMsisdn } from "../../domain/phone.js";
import { maskPhone } from "../../log/mask.js";
import type { ChatIdSyntax } from "../channel-definition.js";

/** `whatsapp:254700000001@c.us`; `+2547…` and a bare number mean the same chat, `@lid` ids are kept. */
export const whatsappChatIds: ChatIdSyntax = {
  shape: "<phone number>@c.us",
  parse(id) {
    const match = /^\+?(\d{6,20})(@c\.us|@lid)?$/.exec(id);
    if (!match) return { problem: "has a WhatsApp id that is not a phone number" };
    return { chatId: `${match[1]}${match[2] ?? "@c.us"}` };
  },
  mask: (chatId) => `${maskPhone(chatId)}@${chatId.split("@")[1] ?? "c.us"}`,
};

/** A WhatsApp chat id is the person's number: M-Pesa can offer it without asking. */
export function whatsappPhone(chatId: string): string | null {
  return normalizeMsisdn(chatId.replace(/@.*$/, ""));
}
