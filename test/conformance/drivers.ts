/**
 * Channel-neutral drivers for the channel conformance suite: a person in a chat with the shop,
 * and a whole shop on one channel. The scenarios (scenarios.ts) are written once against these;
 * each channel implements them over its own test double, so the real adapter, the real rendering
 * (Telegram's inline buttons, WhatsApp's numbered lines) and the real normalizing run underneath.
 *
 * Reading replies: every driver keeps the bot's messages to its chat in order. `nextMessage`
 * returns the EARLIEST bot message not returned before that matches, and returns each message at
 * most once; messages it passes over stay readable. That lets scenarios running at the same time
 * share the merchant's chat, each reading only what is about its own order.
 */

import type { ChatMessage, TelegramUser } from "../../sandbox/telegram/index.js";
import type { SentMessage, WhatsAppUser } from "../../sandbox/whatsapp/index.js";
import type { ChatAddress } from "../../src/domain/order.js";
import type { Store } from "../../src/store/types.js";
import {
  MERCHANT_ID,
  startTestShop,
  type TestShop,
  type WhatsAppTestShop,
  whatsappNumber,
} from "../helpers/shop.js";

export type ChannelName = ChatAddress["channel"];

/** A message from the shop, as the person reads it. */
export interface BotMessage {
  /** The text without markup (`*bold*` shows as bold) and without the choices. */
  readonly text: string;
  /** What the person can pick: the inline buttons (Telegram) or the numbered lines (WhatsApp). */
  readonly choices: readonly string[];
  readonly hasMedia: boolean;
  /** The attached file's bytes, when there is one. */
  readonly media?: Buffer;
}

/** Text contains a string, matches a RegExp, or satisfies a predicate. */
export type BotMessageMatcher = string | RegExp | ((message: BotMessage) => boolean);

export interface ChooseOptions {
  /** The message whose choice to pick (several may offer the same label, e.g. ✅ Confirm). */
  readonly on?: BotMessage;
}

export interface NextMessageOptions {
  /** Default: 25 s. Sends are paced per chat (about one a second), and the merchant's chat is shared by every scenario running at once. */
  readonly timeoutMs?: number;
}

/** One person in a one-to-one chat with the shop. */
export interface ChatDriver {
  readonly channel: ChannelName;
  /** The chat as Duka addresses it (orders, conversations and the audit log use this). */
  readonly chat: ChatAddress;
  sendText(text: string): Promise<void>;
  /**
   * Picks a choice the shop offered, the channel's own way: Telegram presses the inline button,
   * WhatsApp replies with the line's number. The choice is taken from `options.on` (a message
   * `nextMessage` returned), else from the newest bot message offering a choice whose label equals
   * (else contains) `label`; throws when there is none.
   */
  choose(label: string, options?: ChooseOptions): Promise<void>;
  /** Types the choice's label instead (on WhatsApp slightly misspelled, as people do). */
  chooseByTyping(label: string): Promise<void>;
  /** A receipt: a (compressed) photo, or a file sent as a document. */
  sendReceipt(
    bytes: Uint8Array,
    kind: "photo" | "document",
    mimeType?: string,
    fileName?: string,
  ): Promise<void>;
  sendSticker(): Promise<void>;
  nextMessage(matcher?: BotMessageMatcher, options?: NextMessageOptions): Promise<BotMessage>;
  /** Every bot message to this chat so far, in order. */
  messages(): BotMessage[];
}

/** A running shop on one channel, with its merchant (from MERCHANT_CHAT_IDS) on that channel. */
export interface ConformanceShop {
  readonly channel: ChannelName;
  readonly tenantId: string;
  /** The store of the running process (a restart opens it again). */
  readonly store: Store;
  readonly merchant: ChatDriver;
  /** A shopper; the same id gives the same chat. */
  shopper(id: number): ChatDriver;
  /** Someone who is not staff (a shopper by another name). */
  outsider(id: number): ChatDriver;
  /** Stops the service and starts it again on the same store, Redis and chats. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export type ConformanceShopFactory = () => Promise<ConformanceShop>;

export const DEFAULT_TIMEOUT_MS = 25_000;

// --- reading, shared by both channels --------------------------------------------------------------

function toPredicate(matcher: BotMessageMatcher | undefined): (message: BotMessage) => boolean {
  if (matcher === undefined) return () => true;
  if (typeof matcher === "string") return (message) => message.text.includes(matcher);
  if (matcher instanceof RegExp) return (message) => matcher.test(message.text);
  return matcher;
}

function describeMatcher(matcher: BotMessageMatcher | undefined): string {
  if (matcher === undefined) return "any bot message";
  if (typeof matcher === "string") return `a bot message containing ${JSON.stringify(matcher)}`;
  if (matcher instanceof RegExp) return `a bot message matching ${String(matcher)}`;
  return `a bot message satisfying ${matcher.name || "the predicate"}`;
}

function shorten(text: string, max = 140): string {
  const oneLine = text.replace(/\n/g, "⏎");
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

/** Where a chat's bot messages come from, and a signal that there may be new ones. */
interface MessageSource<T> {
  readonly label: string;
  /** The channel's records of the bot's messages to this chat, in order. */
  read(): readonly T[];
  toBotMessage(record: T): BotMessage;
  /** Calls `listener` whenever the chat may have changed; returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
}

function createReader<T extends object>(source: MessageSource<T>) {
  const returned = new Set<number>();
  /** The channel's record behind each BotMessage handed out, for `choose(label, { on })`. */
  const records = new WeakMap<BotMessage, T>();

  const read = (): BotMessage[] =>
    source.read().map((record) => {
      const message = source.toBotMessage(record);
      records.set(message, record);
      return message;
    });

  const find = (predicate: (message: BotMessage) => boolean): BotMessage | undefined => {
    for (const [index, message] of read().entries()) {
      if (!returned.has(index) && predicate(message)) {
        returned.add(index);
        return message;
      }
    }
    return undefined;
  };

  return {
    messages: read,
    /** The channel's record of a message this reader returned. */
    recordOf(message: BotMessage): T {
      const record = records.get(message);
      if (!record) throw new Error(`${source.label}: that message was not read from this chat`);
      return record;
    },
    next(matcher: BotMessageMatcher | undefined, options: NextMessageOptions = {}): Promise<BotMessage> {
      const predicate = toPredicate(matcher);
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      return new Promise<BotMessage>((resolve, reject) => {
        let unsubscribe = () => {};
        const timer = setTimeout(() => {
          unsubscribe();
          const all = read();
          const unread = all.filter((_, index) => !returned.has(index));
          reject(
            new Error(
              [
                `${source.label}: waited ${timeoutMs} ms for ${describeMatcher(matcher)}.`,
                `Not yet returned (${unread.length} of ${all.length}):`,
                ...unread.slice(-8).map((message) => `  ${JSON.stringify(shorten(message.text))}`),
                `Latest messages:`,
                ...all
                  .slice(-5)
                  .map(
                    (message) =>
                      `  ${JSON.stringify(shorten(message.text))} choices ${JSON.stringify(message.choices)}`,
                  ),
              ].join("\n"),
            ),
          );
        }, timeoutMs);
        const check = () => {
          const found = find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          unsubscribe();
          resolve(found);
          return true;
        };
        if (!check()) unsubscribe = source.subscribe(check);
      });
    },
  };
}

/**
 * The choice `label` (exactly, else as part of a label) on `on`, or on the newest record offering
 * it: the record and the choice's index in it.
 */
function findChoice<T>(
  records: readonly T[],
  labelsOf: (record: T) => readonly string[],
  label: string,
  on: T | undefined,
): { record: T; index: number } | undefined {
  const candidates = on ? [on] : [...records].reverse();
  for (const matches of [(candidate: string) => candidate === label, (c: string) => c.includes(label)]) {
    for (const record of candidates) {
      const index = labelsOf(record).findIndex(matches);
      if (index >= 0) return { record, index };
    }
  }
  return undefined;
}

function noSuchChoice(who: string, label: string, offered: readonly (readonly string[])[]): Error {
  const recent = offered.slice(-3).map((choices) => JSON.stringify(choices));
  return new Error(
    `${who}: no bot message offers ${JSON.stringify(label)}; latest choices: ${recent.join(" ")}`,
  );
}

/**
 * How a person mistypes a label: emoji and a price dropped, then one letter left out near the
 * middle. Within the dialogue's tolerance (one mistake from four letters on), never an exact match.
 */
export function misspell(label: string): string {
  const words = label
    .replace(/\p{Extended_Pictographic}|\u{FE0F}/gu, "")
    .split(" — ")[0]!
    .trim();
  if (words.replace(/\s/g, "").length < 4) return words;
  const letters = [...words];
  const middle = Math.floor(letters.length / 2);
  const order = letters.map((_, index) => index).sort((a, b) => Math.abs(a - middle) - Math.abs(b - middle));
  const drop = order.find((index) => /\p{L}/u.test(letters[index]!)) ?? middle;
  return letters.filter((_, index) => index !== drop).join("");
}

// --- Telegram ------------------------------------------------------------------------------------

function fromTelegram(message: ChatMessage): BotMessage {
  return {
    text: message.text ?? "",
    choices: message.buttons.map((button) => button.text),
    hasMedia: message.media !== undefined,
    ...(message.media ? { media: Buffer.from(message.media.bytes) } : {}),
  };
}

let stickerIds = 0;

function telegramDriver(shop: TestShop, user: TelegramUser): ChatDriver {
  const live = () => user.messages().filter((message) => !message.deleted);
  const reader = createReader({
    label: `Telegram chat ${user.chatId}`,
    read: () => user.messages(),
    toBotMessage: fromTelegram,
    subscribe(listener) {
      shop.emulator.on("message", listener);
      return () => shop.emulator.off("message", listener);
    },
  });
  return {
    channel: "telegram",
    chat: { channel: "telegram", chatId: String(user.chatId) },
    async sendText(text) {
      user.sendText(text);
    },
    async choose(label, options = {}) {
      const labelsOf = (message: ChatMessage) => message.buttons.map((button) => button.text);
      const on = options.on ? reader.recordOf(options.on) : undefined;
      const found = findChoice(live(), labelsOf, label, on);
      const data = found?.record.buttons[found.index]?.callback_data;
      if (!found || data === undefined) {
        throw noSuchChoice(
          `Telegram chat ${user.chatId}`,
          label,
          live().map((message) => message.buttons.map((button) => button.text)),
        );
      }
      user.pressButton(found.record, data);
    },
    async chooseByTyping(label) {
      user.sendText(label);
    },
    async sendReceipt(bytes, kind, mimeType, fileName) {
      if (kind === "photo") user.sendPhoto(bytes);
      else
        user.sendDocument(bytes, {
          fileName: fileName ?? "receipt.pdf",
          mimeType: mimeType ?? "application/pdf",
        });
    },
    async sendSticker() {
      // The emulator's user has no sticker method: the update a Telegram client makes for one.
      stickerIds += 1;
      user.sendRawUpdate({
        message: {
          message_id: 1_000_000 + stickerIds,
          date: Math.floor(Date.now() / 1000),
          chat: user.chat,
          from: user.user,
          sticker: {
            file_id: `CAACAgIAAxkBAAI${stickerIds}`,
            file_unique_id: `AgAD${stickerIds}`,
            type: "regular",
            width: 512,
            height: 512,
            is_animated: false,
            is_video: false,
            emoji: "👍",
          },
        },
      });
    },
    nextMessage: (matcher, options) => reader.next(matcher, options),
    messages: () => reader.messages(),
  };
}

/** One driver per person id, made on first use by the channel's `driverFor`. */
function conformanceShop(
  channel: ConformanceShop["channel"],
  shop: Pick<TestShop, "config" | "duka" | "restart" | "stop">,
  driverFor: (id: number, name: string) => ChatDriver,
): ConformanceShop {
  const drivers = new Map<number, ChatDriver>();
  const person = (id: number, name: string) => {
    let driver = drivers.get(id);
    if (!driver) {
      driver = driverFor(id, name);
      drivers.set(id, driver);
    }
    return driver;
  };
  return {
    channel,
    tenantId: shop.config.tenantId,
    get store() {
      return shop.duka.store;
    },
    merchant: person(MERCHANT_ID, "Baraka"),
    shopper: (id) => person(id, "Amina"),
    outsider: (id) => person(id, "Mallory"),
    restart: () => shop.restart(),
    stop: () => shop.stop(),
  };
}

export async function startTelegramShop(): Promise<ConformanceShop> {
  const shop = await startTestShop();
  return conformanceShop("telegram", shop, (id, name) =>
    telegramDriver(shop, shop.emulator.user({ id, firstName: name })),
  );
}

// --- WhatsApp ------------------------------------------------------------------------------------

const NUMBERED_LINE = /^\*\d+\.\*\s/;
const NUMBER_HINT = "Reply with a number.";

/** The text as WhatsApp shows it: `*bold*` is bold, the numbered lines are the choices. */
function fromWhatsApp(message: SentMessage): BotMessage {
  const body = message.text
    .split("\n")
    .filter((line) => !NUMBERED_LINE.test(line.trim()) && line.trim() !== NUMBER_HINT)
    .join("\n")
    .replace(/\*([^*\n]+)\*/g, "$1")
    .trim();
  return {
    text: body,
    choices: message.choices,
    hasMedia: message.kind === "media",
    ...(message.media ? { media: Buffer.from(message.media.bytes) } : {}),
  };
}

function whatsappDriver(shop: WhatsAppTestShop, user: WhatsAppUser): ChatDriver {
  const reader = createReader({
    label: `WhatsApp chat ${user.chatId}`,
    read: () => user.messages(),
    toBotMessage: fromWhatsApp,
    subscribe: (listener) => shop.onSent(listener),
  });
  return {
    channel: "whatsapp",
    chat: { channel: "whatsapp", chatId: user.chatId },
    async sendText(text) {
      user.sendText(text);
    },
    async choose(label, options = {}) {
      const on = options.on ? reader.recordOf(options.on) : undefined;
      const found = findChoice(user.messages(), (message) => message.choices, label, on);
      const number = found?.record.choiceNumbers[found.index];
      if (!found || number === undefined) {
        throw noSuchChoice(
          `WhatsApp chat ${user.chatId}`,
          label,
          user.messages().map((message) => message.choices),
        );
      }
      user.sendText(String(number));
    },
    async chooseByTyping(label) {
      user.sendText(misspell(label));
    },
    async sendReceipt(bytes, kind, mimeType, fileName) {
      if (kind === "photo") user.sendImage(bytes, { mimeType: mimeType ?? "image/jpeg" });
      else
        user.sendDocument(bytes, {
          fileName: fileName ?? "receipt.pdf",
          mimeType: mimeType ?? "application/pdf",
        });
    },
    async sendSticker() {
      user.sendSticker();
    },
    nextMessage: (matcher, options) => reader.next(matcher, options),
    messages: () => reader.messages(),
  };
}

export async function startWhatsAppShop(): Promise<ConformanceShop> {
  const shop = await startTestShop({ channel: "whatsapp" });
  return conformanceShop("whatsapp", shop, (id, name) =>
    whatsappDriver(shop, shop.standIn.user(whatsappNumber(id), name)),
  );
}
