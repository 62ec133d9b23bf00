/** Everything the stand-in's clients and user drivers share: one WhatsApp account and its chats. */
import { EventEmitter } from "node:events";
import type { MessageMediaLike, WhatsAppSendOptions } from "../../src/bot/whatsapp/client.js";
import type { StandInClient } from "./client.js";
import { WhatsAppStandInError } from "./errors.js";
import { newMessageKey, parseChoices, type StandInMessage } from "./messages.js";
import type { SentMessage, StandInEvents, TranscriptEntry } from "./types.js";

export class StandInState {
  readonly internal = new EventEmitter<StandInEvents>();
  closed = false;
  /** Whether a session is stored: initialize goes straight to ready instead of showing a QR. */
  linked: boolean;
  readonly clients: StandInClient[] = [];
  /** Chat key (the user's `<phone>@c.us`) → what happened in it. */
  readonly sent = new Map<string, SentMessage[]>();
  readonly transcripts = new Map<string, TranscriptEntry[]>();
  /** `…@lid` → `<phone>@c.us`, for users that wrote from a linked id. */
  readonly lids = new Map<string, string>();
  private initializeFailures: { reason: string; remaining: number } | undefined;
  private readonly sendFailures: Error[] = [];
  private readonly lidLookupFailures: Error[] = [];
  private qrCount = 0;
  private stalls = 0;

  constructor(
    readonly botId: string,
    linked: boolean,
  ) {
    this.linked = linked;
  }

  /** The newest client: WhatsApp delivers to the linked browser, and there is one at a time. */
  get current(): StandInClient | undefined {
    return this.clients.at(-1);
  }

  clientChanged(): void {
    this.internal.emit("client");
  }

  failInitialize(reason: string, times: number): void {
    this.initializeFailures = times > 0 ? { reason, remaining: times } : undefined;
  }

  takeInitializeFailure(): string | undefined {
    const failures = this.initializeFailures;
    if (!failures) return undefined;
    failures.remaining -= 1;
    if (failures.remaining <= 0) this.initializeFailures = undefined;
    return failures.reason;
  }

  stallInitialize(times: number): void {
    this.stalls = times;
  }

  takeStall(): boolean {
    if (this.stalls <= 0) return false;
    this.stalls -= 1;
    return true;
  }

  failNextSend(error: Error): void {
    this.sendFailures.push(error);
  }

  takeSendFailure(): Error | undefined {
    return this.sendFailures.shift();
  }

  failNextLidLookup(error: Error): void {
    this.lidLookupFailures.push(error);
  }

  takeLidLookupFailure(): Error | undefined {
    return this.lidLookupFailures.shift();
  }

  nextQr(): string {
    this.qrCount += 1;
    return `2@StandInQr${this.qrCount},${Buffer.from(`stand-in-${this.qrCount}`).toString("base64")}`;
  }

  lidAndPhone(id: string): { lid?: string; pn?: string } {
    if (id.endsWith("@lid")) {
      const pn = this.lids.get(id);
      return pn === undefined ? { lid: id } : { lid: id, pn };
    }
    const lid = [...this.lids].find(([, phone]) => phone === id)?.[0];
    return lid === undefined ? { pn: id } : { lid, pn: id };
  }

  /** The chat key of an address: a known `@lid` maps to its phone's chat. */
  chatKey(chatId: string): string {
    return this.lids.get(chatId) ?? chatId;
  }

  transcript(chatKey: string): TranscriptEntry[] {
    let entries = this.transcripts.get(chatKey);
    if (!entries) {
      entries = [];
      this.transcripts.set(chatKey, entries);
    }
    return entries;
  }

  sentTo(chatKey: string): SentMessage[] {
    let entries = this.sent.get(chatKey);
    if (!entries) {
      entries = [];
      this.sent.set(chatKey, entries);
    }
    return entries;
  }

  recordSend(
    chatId: string,
    content: string | MessageMediaLike,
    options: WhatsAppSendOptions,
  ): { id: { fromMe: true; remote: string; id: string; _serialized: string } } {
    if (!/^[\w.-]+@(c\.us|lid|g\.us)$/.test(chatId)) {
      // What WhatsApp Web throws for an address it cannot parse.
      throw new Error(`Evaluation failed: Error: wid error: invalid wid ${JSON.stringify(chatId)}`);
    }
    if (
      typeof content !== "string" &&
      (typeof content?.mimetype !== "string" || typeof content.data !== "string")
    ) {
      throw new WhatsAppStandInError(
        "invalid_use",
        "sendMessage content must be a string or a MessageMedia {mimetype, data}",
      );
    }
    const key = newMessageKey();
    const id = `true_${chatId}_${key}`;
    const text = typeof content === "string" ? content : (options.caption ?? "");
    const { labels, numbers } = parseChoices(text);
    const record: SentMessage = {
      id,
      chatId,
      kind: typeof content === "string" ? "text" : "media",
      text,
      ...(typeof content !== "string" && options.caption !== undefined ? { caption: options.caption } : {}),
      ...(typeof content === "string"
        ? {}
        : {
            media: {
              mimetype: content.mimetype,
              filename: content.filename ?? null,
              bytes: Buffer.from(content.data, "base64"),
            },
          }),
      choices: labels,
      choiceNumbers: numbers,
      options: { ...options },
      sentAt: new Date(),
    };
    const chatKey = this.chatKey(chatId);
    this.sentTo(chatKey).push(record);
    this.transcript(chatKey).push({
      direction: "bot",
      kind: record.kind === "text" ? "text" : `media ${record.media?.mimetype}`,
      text,
      at: record.sentAt,
    });
    this.internal.emit("sent");
    return { id: { fromMe: true, remote: chatId, id: key, _serialized: id } };
  }

  /** Hands a message to the linked client as WhatsApp Web would: asynchronously, if it is ready. */
  deliver(message: StandInMessage, chatKey: string, kind: string): void {
    if (this.closed) throw new WhatsAppStandInError("closed", "The WhatsApp stand-in is closed");
    const client = this.current;
    if (client?.status !== "ready") {
      throw new WhatsAppStandInError(
        "invalid_use",
        `No WhatsApp client is ready (${client ? `client #${client.number} is ${client.status}` : "none was created"}); ` +
          "the message would be lost. Wait until the adapter is ready before the user writes.",
      );
    }
    this.transcript(chatKey).push({ direction: "user", kind, text: message.body, at: new Date() });
    setImmediate(() => {
      if (client.status === "ready") client.emit("message", message);
    });
  }
}
