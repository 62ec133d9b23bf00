/** Turns a Telegram update into Duka's channel-neutral inbound message. Pure. */
import type { Message, Update, User } from "grammy/types";
import type { InboundContent, InboundMessage } from "../../domain/channel.js";

const UNSUPPORTED_KINDS = [
  "sticker",
  "voice",
  "video",
  "video_note",
  "audio",
  "animation",
  "location",
  "poll",
] as const;

function nameOf(user: User | undefined): string | undefined {
  if (!user) return undefined;
  return [user.first_name, user.last_name].filter(Boolean).join(" ") || undefined;
}

function commandOf(text: string): { command: string; args: string } | null {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  return match ? { command: match[1]!.toLowerCase(), args: (match[2] ?? "").trim() } : null;
}

function contentOf(message: Message): InboundContent {
  if (message.text !== undefined) {
    const command = message.text.startsWith("/") ? commandOf(message.text) : null;
    return command ? { kind: "command", ...command } : { kind: "text", text: message.text };
  }
  if (message.photo && message.photo.length > 0) {
    // Telegram lists every size it made; the last is the largest, which is the one to read.
    const largest = message.photo[message.photo.length - 1]!;
    return {
      kind: "media",
      media: {
        ref: largest.file_id,
        kind: "photo",
        ...(largest.file_size ? { size: largest.file_size } : {}),
      },
      ...(message.caption ? { caption: message.caption } : {}),
    };
  }
  if (message.document) {
    const { file_id, file_size, mime_type, file_name } = message.document;
    return {
      kind: "media",
      media: {
        ref: file_id,
        kind: "document",
        ...(file_size ? { size: file_size } : {}),
        ...(mime_type ? { mimeType: mime_type } : {}),
        ...(file_name ? { fileName: file_name } : {}),
      },
      ...(message.caption ? { caption: message.caption } : {}),
    };
  }
  if (message.contact) {
    return {
      kind: "contact",
      phone: message.contact.phone_number,
      // A forwarded card of someone else is not the shopper's own number.
      own: message.contact.user_id !== undefined && message.contact.user_id === message.from?.id,
    };
  }
  return { kind: "unsupported", what: UNSUPPORTED_KINDS.find((kind) => kind in message) ?? "message" };
}

/**
 * Private chats only: the shop does not act on group messages, edits or channel posts, so a
 * merchant's command can never be replayed from a group.
 */
export function toInboundMessage(update: Update, receivedAt: Date): InboundMessage | null {
  const id = `tg-${update.update_id}`;
  if (update.message) {
    const { message } = update;
    if (message.chat.type !== "private" || message.from?.is_bot) return null;
    const name = nameOf(message.from);
    return {
      id,
      from: { channel: "telegram", chatId: String(message.chat.id), ...(name ? { name } : {}) },
      content: contentOf(message),
      receivedAt,
    };
  }
  const query = update.callback_query;
  if (query) {
    const chat = query.message?.chat;
    if (chat && chat.type !== "private") return null;
    const name = nameOf(query.from);
    return {
      id,
      from: { channel: "telegram", chatId: String(chat?.id ?? query.from.id), ...(name ? { name } : {}) },
      content: { kind: "choice", data: query.data ?? "" },
      receivedAt,
    };
  }
  return null;
}
