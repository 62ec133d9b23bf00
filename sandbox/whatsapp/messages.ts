/**
 * Builds objects shaped like whatsapp-web.js's `Message` (src/structures/Message.js, v1.34.7): the
 * fields the library sets from WhatsApp Web's model, with `_data` holding that raw model.
 */
import { randomBytes, randomInt } from "node:crypto";
import type { MessageLike, MessageMediaLike } from "../../src/bot/whatsapp/client.js";

/** What a stand-in message's `downloadMedia()` does next. */
export interface MediaSource {
  readonly bytes: Uint8Array;
  readonly mimetype: string;
  readonly filename: string | null;
  /** Consulted on each download: "ok", or the library's failure values. */
  readonly outcome: () => "ok" | "undefined" | "null";
}

export interface MessageSpec {
  /** The chat: the sender in a 1:1 chat, the group, `status@broadcast`, a channel. */
  readonly from: string;
  readonly to: string;
  /** The sender inside a group or a status. */
  readonly author?: string;
  readonly type: string;
  readonly body: string;
  readonly notifyName?: string;
  readonly fromMe?: boolean;
  readonly isStatus?: boolean;
  readonly broadcast?: boolean;
  readonly vCards?: readonly string[];
  readonly media?: MediaSource;
}

/** A message shaped like the library's, with the optional fields it always sets. */
export type StandInMessage = MessageLike & {
  readonly ack: number;
  readonly deviceType: string;
  readonly hasQuotedMsg: boolean;
  readonly isForwarded: boolean;
  readonly mentionedIds: string[];
  readonly links: { link: string; isSuspicious: boolean }[];
};

/** Like WhatsApp's own keys: `3EB0` and 16 upper-case hex digits. */
export function newMessageKey(): string {
  return `3EB0${randomBytes(8).toString("hex").toUpperCase()}`;
}

/** A linked id: 15 digits, unrelated to the phone number (that is the point of them). */
export function newLid(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e7)).padStart(7, "0")}${String(randomInt(0, 1e7)).padStart(7, "0")}@lid`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** A vCard like the WhatsApp phone apps share: the number formatted, and its WhatsApp id in `waid`. */
export function toVCard(name: string, phoneDigits: string): string {
  return [
    "BEGIN:VCARD",
    "VERSION:3.0",
    `N:;${name};;;`,
    `FN:${name}`,
    `item1.TEL;waid=${phoneDigits}:+${phoneDigits}`,
    "item1.X-ABLabel:Mobile",
    "END:VCARD",
  ].join("\n");
}

export function buildMessage(spec: MessageSpec): StandInMessage {
  const fromMe = spec.fromMe ?? false;
  const key = newMessageKey();
  // In groups and statuses the library's serialized id ends with the participant.
  const serialized = `${fromMe}_${spec.from}_${key}${spec.author ? `_${spec.author}` : ""}`;
  const { media } = spec;
  const hasMedia = media !== undefined;
  const message: StandInMessage = {
    id: { fromMe, remote: spec.from, id: key, _serialized: serialized },
    ack: fromMe ? 1 : 0,
    hasMedia,
    body: spec.body,
    type: spec.type,
    timestamp: nowSeconds(),
    from: spec.from,
    to: spec.to,
    ...(spec.author === undefined ? {} : { author: spec.author }),
    deviceType: key.length > 25 ? "android" : "web",
    isForwarded: false,
    isStatus: spec.isStatus ?? spec.from === "status@broadcast",
    broadcast: spec.broadcast ?? false,
    fromMe,
    hasQuotedMsg: false,
    vCards: [...(spec.vCards ?? [])],
    mentionedIds: [],
    links: [],
    _data: {
      ...(spec.notifyName === undefined ? {} : { notifyName: spec.notifyName }),
      ...(media === undefined ? {} : { mimetype: media.mimetype, filename: media.filename ?? undefined }),
    },
    async downloadMedia(): Promise<MessageMediaLike | null | undefined> {
      if (!media) return undefined;
      const outcome = media.outcome();
      if (outcome === "undefined") return undefined;
      if (outcome === "null") return null;
      return {
        mimetype: media.mimetype,
        data: Buffer.from(media.bytes).toString("base64"),
        filename: media.filename,
        filesize: media.bytes.length,
      };
    },
  };
  return message;
}

/** Labels and numbers of `*N.* label` lines, the way the WhatsApp renderer writes choices. */
export function parseChoices(text: string): { labels: string[]; numbers: number[] } {
  const labels: string[] = [];
  const numbers: number[] = [];
  for (const line of text.split("\n")) {
    const match = /^\*(\d+)\.\*\s+(.+)$/.exec(line.trim());
    if (!match) continue;
    numbers.push(Number(match[1]));
    labels.push(match[2]!.trim());
  }
  return { labels, numbers };
}
