import { DEFAULT_WAIT_MS, type WaitEvents, type WaitOptions, waitUntil } from "../shared/wait.js";
import { WhatsAppStandInError } from "./errors.js";
import {
  buildMessage,
  type MediaSource,
  type MessageSpec,
  newLid,
  type StandInMessage,
  toVCard,
} from "./messages.js";
import type { StandInState } from "./state.js";
import type { SentMessage, StandInEvents } from "./types.js";

/** Text contains a string, matches a RegExp, or satisfies a predicate. */
export type MessageMatcher = string | RegExp | ((message: SentMessage) => boolean);

export interface SendImageOptions {
  readonly caption?: string;
  /** Default "image/jpeg". */
  readonly mimeType?: string;
}

export interface SendDocumentOptions {
  readonly fileName: string;
  readonly mimeType: string;
  readonly caption?: string;
}

export interface ShareContactOptions {
  /** The user's own number (default) or someone else's card. */
  readonly own?: boolean;
  /** The name on the card. Default: the user's name, or "Contact" for someone else. */
  readonly name?: string;
}

export const USER_WAITS: WaitEvents<StandInEvents> = {
  wakeOn: ["sent"],
  closedError: () => new WhatsAppStandInError("closed", "The WhatsApp stand-in was closed while waiting"),
};

const DEFAULT_GROUP = "120363025246125486@g.us";

function toPredicate(matcher: MessageMatcher | undefined): (message: SentMessage) => boolean {
  if (matcher === undefined) return () => true;
  if (typeof matcher === "string") return (message) => message.text.includes(matcher);
  if (matcher instanceof RegExp) return (message) => matcher.test(message.text);
  return matcher;
}

function describeMatcher(matcher: MessageMatcher | undefined): string {
  if (matcher === undefined) return "any bot message";
  if (typeof matcher === "string") return `a bot message whose text contains ${JSON.stringify(matcher)}`;
  if (matcher instanceof RegExp) return `a bot message whose text matches ${String(matcher)}`;
  return `a bot message satisfying ${matcher.name || "the predicate"}`;
}

function shorten(text: string, max = 160): string {
  const oneLine = text.replace(/\n/g, "⏎");
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/**
 * Drives one WhatsApp user in a 1:1 chat with the shop. Sends become `message` events on the
 * linked client (asynchronously, like WhatsApp Web) and return the message's `_serialized` id.
 *
 * Reading the bot's replies works like the Telegram emulator's driver: `messages()` lists what the
 * bot sent to this user (to `<phone>@c.us`, or to the user's `@lid`), and `nextMessage(matcher)`
 * returns the first unread one that matches, consuming the ones it passes, waiting (event-driven)
 * when none matches yet.
 */
export class WhatsAppUser {
  private cursor = 0;
  private lid: string | undefined;
  private readonly sentByUser = new Map<string, StandInMessage>();
  private lastSentId: string | undefined;
  private readonly downloadFailures: ("undefined" | "null")[] = [];

  constructor(
    private readonly state: StandInState,
    /** Digits with the country code, no "+": `254712345678`. */
    readonly phone: string,
    readonly name: string,
  ) {}

  /** The user's chat id: `<phone>@c.us`. */
  get chatId(): string {
    return `${this.phone}@c.us`;
  }

  // --- sending -----------------------------------------------------------------------------------

  sendText(text: string): string {
    return this.send({ type: "chat", body: text }, "text");
  }

  /** A photo (type `image`); the caption is the message's body, as in the library. */
  sendImage(bytes: Uint8Array, options: SendImageOptions = {}): string {
    return this.send(
      {
        type: "image",
        body: options.caption ?? "",
        media: this.mediaSource(bytes, options.mimeType ?? "image/jpeg", null),
      },
      "image",
    );
  }

  /** A file sent as a document (a PDF receipt, or an uncompressed photo). */
  sendDocument(bytes: Uint8Array, options: SendDocumentOptions): string {
    return this.send(
      {
        type: "document",
        body: options.caption ?? "",
        media: this.mediaSource(bytes, options.mimeType, options.fileName),
      },
      "document",
    );
  }

  /** A contact card (type `vcard`): the user's own number by default, or another `phone`. */
  shareContact(phone: string = this.phone, options: ShareContactOptions = {}): string {
    const own = options.own ?? phone.replace(/\D/g, "") === this.phone;
    const digits = own ? this.phone : phone.replace(/\D/g, "");
    const vcard = toVCard(options.name ?? (own ? this.name : "Contact"), digits);
    return this.send({ type: "vcard", body: vcard, vCards: [vcard] }, "vcard");
  }

  /** A sticker: media the shop cannot read. */
  sendSticker(): string {
    const webp = Buffer.from("RIFF\u0000\u0000\u0000\u0000WEBPVP8 ", "latin1");
    return this.send(
      { type: "sticker", body: "", media: this.mediaSource(webp, "image/webp", null) },
      "sticker",
    );
  }

  /** A voice note (type `ptt`). */
  sendVoiceNote(): string {
    const ogg = Buffer.from("OggS\u0000\u0002", "latin1");
    return this.send(
      { type: "ptt", body: "", media: this.mediaSource(ogg, "audio/ogg; codecs=opus", null) },
      "ptt",
    );
  }

  /** A location pin (type `location`). */
  sendLocation(): string {
    return this.send({ type: "location", body: "" }, "location");
  }

  /** The user writes in a group the shop's number is in: `from` is the group, `author` the user. */
  sendFromGroup(text: string, groupId: string = DEFAULT_GROUP): string {
    return this.send({ type: "chat", body: text, from: groupId, author: this.chatId }, "group text");
  }

  /** The user posts a status: `from` is `status@broadcast`, `isStatus` set. */
  postStatus(text: string): string {
    return this.send(
      {
        type: "chat",
        body: text,
        from: "status@broadcast",
        author: this.chatId,
        isStatus: true,
        broadcast: true,
      },
      "status",
    );
  }

  /**
   * WhatsApp Web emits the same message again (reconnects and event bugs do): the very same object,
   * same id. Default: the last message this user sent.
   */
  sendDuplicate(messageId: string | undefined = this.lastSentId): string {
    const message = messageId === undefined ? undefined : this.sentByUser.get(messageId);
    if (!message) {
      throw new WhatsAppStandInError(
        "invalid_use",
        `User ${this.phone} sent no message ${JSON.stringify(messageId)} to duplicate`,
      );
    }
    this.state.deliver(message, this.chatId, "duplicate");
    return message.id._serialized;
  }

  /**
   * A text that arrives from the user's linked id (`…@lid`) instead of `<phone>@c.us`; the
   * client's `getContactLidAndPhone` maps that lid to this user's phone.
   */
  sendAsLid(text: string): string {
    if (this.lid === undefined) {
      this.lid = newLid();
      this.state.lids.set(this.lid, this.chatId);
    }
    return this.send({ type: "chat", body: text, from: this.lid }, "text from lid");
  }

  /** The user's linked id, once `sendAsLid` made one. */
  get linkedId(): string | undefined {
    return this.lid;
  }

  /** Any message: a text from this user with fields replaced (fromMe, a channel's `…@newsletter`, …). */
  sendRaw(overrides: Partial<MessageSpec>): string {
    return this.send({ type: "chat", body: "", ...overrides }, "raw");
  }

  /** The next `downloadMedia()` of this user's messages resolves to undefined (or null, as when expired). */
  failNextDownload(result: "undefined" | "null" = "undefined"): void {
    this.downloadFailures.push(result);
  }

  /** Sends the number of the choice labelled `label` on the newest bot message that offers it. */
  choose(label: string): string {
    for (const message of [...this.messages()].reverse()) {
      const index = message.choices.indexOf(label);
      if (index >= 0) return this.sendText(String(message.choiceNumbers[index]));
    }
    const offered = this.messages()
      .flatMap((message) => message.choices)
      .slice(-12);
    throw new WhatsAppStandInError(
      "invalid_use",
      `No bot message to ${this.phone} offers ${JSON.stringify(label)}; recent choices: ${JSON.stringify(offered)}`,
    );
  }

  // --- reading -----------------------------------------------------------------------------------

  /** Everything the bot sent to this user so far, in order. */
  messages(): SentMessage[] {
    return [...this.state.sentTo(this.chatId)];
  }

  lastMessage(): SentMessage | undefined {
    return this.state.sentTo(this.chatId).at(-1);
  }

  /** Both directions, as short lines. */
  history(): string[] {
    return this.state
      .transcript(this.chatId)
      .map(
        (entry) => `${entry.direction === "user" ? "user" : "bot "} [${entry.kind}] ${shorten(entry.text)}`,
      );
  }

  /** Marks every bot message so far as read. */
  skipPending(): void {
    this.cursor = this.state.sentTo(this.chatId).length;
  }

  /**
   * The next unread bot message that matches, waiting up to `timeoutMs` (default 5000). Rejects with
   * the unread messages and the recent conversation on timeout.
   */
  nextMessage(matcher?: MessageMatcher, options: WaitOptions = {}): Promise<SentMessage> {
    const predicate = toPredicate(matcher);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitUntil(
      this.state,
      USER_WAITS,
      () => {
        const sent = this.state.sentTo(this.chatId);
        for (let index = this.cursor; index < sent.length; index++) {
          const message = sent[index]!;
          if (predicate(message)) {
            this.cursor = index + 1;
            return message;
          }
        }
        return undefined;
      },
      timeoutMs,
      () => this.timeoutError(`nextMessage waited ${timeoutMs} ms for ${describeMatcher(matcher)}`),
    );
  }

  // --- internals ---------------------------------------------------------------------------------

  private mediaSource(bytes: Uint8Array, mimetype: string, filename: string | null): MediaSource {
    return {
      bytes,
      mimetype,
      filename,
      outcome: () => this.downloadFailures.shift() ?? "ok",
    };
  }

  private send(spec: Omit<MessageSpec, "from" | "to"> & { from?: string }, kind: string): string {
    const message = buildMessage({
      from: this.chatId,
      to: this.state.botId,
      notifyName: this.name,
      ...spec,
    });
    this.state.deliver(message, this.chatId, kind);
    this.sentByUser.set(message.id._serialized, message);
    this.lastSentId = message.id._serialized;
    return message.id._serialized;
  }

  private timeoutError(headline: string): WhatsAppStandInError {
    const sent = this.state.sentTo(this.chatId);
    const unread = sent.slice(this.cursor);
    const recent = this.history().slice(-10);
    const client = this.state.current;
    const lines = [
      `${headline} in chat ${this.chatId} (${this.name}).`,
      `Client: ${client ? `#${client.number} ${client.status}` : "none created"}.`,
      `Read cursor: ${this.cursor} of ${sent.length} bot messages; unread: ${
        unread.length === 0 ? "none" : unread.map((m) => JSON.stringify(shorten(m.text, 80))).join(", ")
      }.`,
      "Recent conversation:",
      ...(recent.length === 0
        ? ["  (nothing yet — is the adapter started on this stand-in's clientFactory, and listening?)"]
        : recent.map((line) => `  ${line}`)),
    ];
    return new WhatsAppStandInError("timeout", lines.join("\n"));
  }
}
