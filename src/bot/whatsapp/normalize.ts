/** Turns a whatsapp-web.js message into Duka's channel-neutral inbound message. Pure. */
import type { InboundContent, InboundMessage } from "../../domain/channel.js";
import type { MessageLike } from "./client.js";

/** WhatsApp message types the shop cannot read, by the word the dialogue's notice knows. */
const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  sticker: "sticker",
  ptt: "voice",
  audio: "audio",
  video: "video",
  location: "location",
  poll_creation: "poll",
};

/** `<digits>@c.us`: a person's chat; `…@lid`: a person behind a linked id (mapped by the adapter). */
const PERSON = /^\d{5,20}@(c\.us|lid)$/;

/** The input id of a WhatsApp message: the same message delivered twice gets the same id. */
export function toInputId(message: MessageLike): string {
  return `wa-${message.id._serialized}`;
}

/** The phone part of a WhatsApp id: `254712345678@c.us` → `254712345678`. */
export function phoneOf(chatId: string): string {
  return chatId.replace(/@.*$/, "");
}

/**
 * True for messages the shop never acts on: its own, group messages (a merchant's command must not
 * be replayed from a group), statuses, broadcast chats and channels (newsletters).
 */
export function isIgnored(message: MessageLike): boolean {
  if (message.fromMe || message.id.fromMe) return true;
  if (message.isStatus || message.from.endsWith("@broadcast")) return true;
  if (message.author) return true;
  return !PERSON.test(message.from);
}

function commandOf(text: string): { command: string; args: string } | null {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: match[1]!.toLowerCase(), args: (match[2] ?? "").trim() } : null;
}

function hint(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** The number on a vCard: WhatsApp's `waid` when present (digits, with country code), else the TEL value. */
export function phoneFromVCard(vcard: string): string | undefined {
  for (const line of vcard.split(/\r?\n/)) {
    // "item1.TEL;waid=254712345678:+254 712 345678" or "TEL;type=CELL:+254 712 345678".
    const match = /^(?:[\w-]+\.)?TEL((?:;[^:]*)?):(.*)$/i.exec(line.trim());
    if (!match) continue;
    const waid = /(?:^|;)waid=(\d+)/i.exec(match[1] ?? "");
    if (waid) return waid[1];
    const value = (match[2] ?? "").trim();
    const digits = value.replace(/\D/g, "");
    if (digits.length >= 5) return value.startsWith("+") ? `+${digits}` : digits;
  }
  return undefined;
}

function sameNumber(phone: string, senderId: string): boolean {
  const digits = phone.replace(/\D/g, "");
  return digits.length > 0 && digits === phoneOf(senderId);
}

function contactOf(message: MessageLike, senderId: string): InboundContent {
  const cards = message.vCards.length > 0 ? message.vCards : [message.body];
  const phones = cards.map(phoneFromVCard).filter((phone): phone is string => phone !== undefined);
  // Of several cards, the sender's own number wins; otherwise the first.
  const own = phones.find((phone) => sameNumber(phone, senderId));
  const phone = own ?? phones[0];
  if (phone === undefined) return { kind: "unsupported", what: "contact" };
  return { kind: "contact", phone, own: own !== undefined };
}

function contentOf(message: MessageLike, senderId: string): InboundContent {
  switch (message.type) {
    case "chat": {
      const command = message.body.startsWith("/") ? commandOf(message.body) : null;
      return command ? { kind: "command", ...command } : { kind: "text", text: message.body };
    }
    case "image":
    case "document": {
      if (!message.hasMedia) return { kind: "unsupported", what: message.type };
      const mimeType = hint(message._data?.mimetype);
      const fileName = message.type === "document" ? hint(message._data?.filename) : undefined;
      return {
        kind: "media",
        media: {
          ref: message.id._serialized,
          kind: message.type === "image" ? "photo" : "document",
          ...(mimeType ? { mimeType } : {}),
          ...(fileName ? { fileName } : {}),
        },
        ...(message.body ? { caption: message.body } : {}),
      };
    }
    case "vcard":
    case "multi_vcard":
      return contactOf(message, senderId);
    default:
      return { kind: "unsupported", what: UNSUPPORTED_TYPES[message.type] ?? message.type };
  }
}

/**
 * One-to-one chats only. `senderId` is the sender's chat id after the adapter mapped a `…@lid` id to
 * the phone's `…@c.us` id (default `message.from`); it becomes the conversation's chat id, so a
 * shopper keeps one conversation whichever id WhatsApp shows.
 */
export function toInboundMessage(
  message: MessageLike,
  receivedAt: Date,
  senderId: string = message.from,
): InboundMessage | null {
  if (isIgnored(message) || !PERSON.test(senderId)) return null;
  const name = hint(message._data?.notifyName);
  return {
    id: toInputId(message),
    from: { channel: "whatsapp", chatId: senderId, ...(name ? { name } : {}) },
    content: contentOf(message, senderId),
    receivedAt,
  };
}
