/**
 * The WhatsApp channel over whatsapp-web.js (or the stand-in in tests).
 *
 * What must stay true:
 *   - Inbound comes from the `message` event only (`message_create` also carries our own
 *     messages), each message id is handled once, and one chat's messages are handled in order.
 *   - A `…@lid` sender is mapped to its phone's `…@c.us` id before normalizing, so the shopper keeps
 *     one conversation (and the chat id is the number M-Pesa can charge).
 *   - WhatsApp being down never throws out of `start()` and never ends the process: the adapter
 *     reports it (`state()`, `health()`), destroys the client and builds a NEW one after a backoff
 *     (the library cannot reuse a client after `disconnected`).
 *   - Sends while not connected fail with a plain Error: the outbound job retries later.
 *   - Media can only be downloaded from the process that received the message, while the message
 *     is remembered (the newest 500 media messages).
 */

import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import type { Logger } from "pino";
import { z } from "zod";
import type { Reply } from "../../domain/channel.js";
import {
  type ChannelAdapter,
  ChannelError,
  ChannelRejectedError,
  type DownloadedMedia,
  type InboundMedia,
  type InboundMessage,
  MediaTooLargeError,
} from "../../domain/channel.js";
import { maskPhone } from "../../log/mask.js";
import type { MediaStore } from "../../store/types.js";
import { BoundedMap } from "./bounded.js";
import type { MessageLike, MessageMediaLike, WhatsAppClientEvent, WhatsAppClientLike } from "./client.js";
import { isIgnored, toInboundMessage } from "./normalize.js";
import { toWhatsAppMessages } from "./render.js";

export type WhatsAppState = "starting" | "qr" | "ready" | "unreachable" | "disconnected";

/** What the adapter receives; absent in send-only processes. */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

export interface WhatsAppAdapterOptions {
  /** Builds a new, uninitialized client; called at start and again after every failure. */
  readonly clientFactory: () => WhatsAppClientLike;
  readonly media: MediaStore;
  readonly logger: Logger;
  /** Delay before a new client: `initialMs` (default 1000) doubling up to `maxMs` (default 60000). */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Shows a QR code to scan. Default: drawn on the terminal (stderr) with qrcode-terminal. */
  readonly showQr?: (qr: string) => void;
  /** How long `stop()` waits for in-flight messages and a browser still launching. Default 15000. */
  readonly stopTimeoutMs?: number;
  /**
   * A client that shows neither a QR code nor a login this long after it was built counts as
   * unreachable and is replaced (the library navigates without a timeout, so a stalled network
   * would otherwise leave it "starting" for ever). Default 180000.
   */
  readonly startTimeoutMs?: number;
}

export interface WhatsAppAdapterEvents {
  state: [state: WhatsAppState, reason: string | undefined];
}

export const defaultWhatsAppAdapterOptions = {
  reconnect: { initialMs: 1000, maxMs: 60_000 },
  stopTimeoutMs: 15_000,
  startTimeoutMs: 180_000,
};

const optionsSchema = z
  .object({
    reconnect: z.object({ initialMs: z.number().min(0), maxMs: z.number().min(0) }),
    stopTimeoutMs: z.number().min(0),
    startTimeoutMs: z.number().positive(),
  })
  .refine((value) => value.reconnect.initialMs <= value.reconnect.maxMs, {
    message: "reconnect.initialMs must not exceed reconnect.maxMs",
  });

const SEEN_IDS = 5000;
const MEDIA_MESSAGES = 500;
const LID_MAPPINGS = 10_000;
/** The events we attach; only these are removed from a retired client. */
const CLIENT_EVENTS: readonly WhatsAppClientEvent[] = [
  "qr",
  "authenticated",
  "ready",
  "auth_failure",
  "disconnected",
  "message",
];

/** One client's life, from the factory to its destroy. */
interface Session {
  readonly client: WhatsAppClientLike;
  retired: boolean;
  /** Runs until the client shows a QR code or logs in; see `startTimeoutMs`. */
  watchdog?: NodeJS.Timeout;
}

const require = createRequire(import.meta.url);

/** Draws the QR with qrcode-terminal on stderr, so stdout stays JSON log lines. */
export function printQrInTerminal(qr: string): void {
  const qrcode = require("qrcode-terminal") as {
    generate(input: string, options: { small: boolean }, done: (drawing: string) => void): void;
  };
  qrcode.generate(qr, { small: true }, (drawing) => {
    process.stderr.write(`Scan this QR code with WhatsApp → Linked devices → Link a device:\n${drawing}\n`);
  });
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n")[0] ?? "").slice(0, 300) || "unknown error";
}

function settleWithin(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!promise) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/** `254712345678@s.whatsapp.net` and `254712345678@c.us` → `254712345678@c.us`. */
function toChatId(phoneId: string | undefined): string | undefined {
  const match = /^(\d{5,20})@(?:c\.us|s\.whatsapp\.net)$/.exec(phoneId ?? "");
  return match ? `${match[1]}@c.us` : undefined;
}

/** Decoded size of base64 text without decoding it. */
function base64Size(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.floor((data.replace(/\s/g, "").length * 3) / 4) - padding;
}

export function createWhatsAppAdapter(options: WhatsAppAdapterOptions) {
  const { logger } = options;
  const settings = optionsSchema.parse({
    ...defaultWhatsAppAdapterOptions,
    ...(options.stopTimeoutMs === undefined ? {} : { stopTimeoutMs: options.stopTimeoutMs }),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
    reconnect: { ...defaultWhatsAppAdapterOptions.reconnect, ...options.reconnect },
  });
  const showQr = options.showQr ?? printQrInTerminal;
  const events = new EventEmitter<WhatsAppAdapterEvents>();
  const seen = new BoundedMap<string, true>(SEEN_IDS);
  const mediaMessages = new BoundedMap<string, MessageLike>(MEDIA_MESSAGES);
  const lidToPhone = new BoundedMap<string, string>(LID_MAPPINGS);
  /** The tail of each chat's queue: one chat's messages are handled one after another. */
  const chatTails = new Map<string, Promise<void>>();

  let handler: InboundHandler | undefined;
  let session: Session | undefined;
  let state: WhatsAppState = "starting";
  let reason: string | undefined;
  let latestQr: string | null = null;
  let started = false;
  let stopped = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  /** Launches and destroys still running; `stop()` waits for them so no browser outlives it. */
  const pending = new Set<Promise<unknown>>();

  function track(work: Promise<unknown>): Promise<unknown> {
    pending.add(work);
    void work.finally(() => pending.delete(work)).catch(() => {});
    return work;
  }

  function setState(next: WhatsAppState, why?: string): void {
    if (next === state && why === reason) return;
    state = next;
    reason = why;
    events.emit("state", next, why);
  }

  function isCurrent(candidate: Session): boolean {
    return candidate === session && !candidate.retired && !stopped;
  }

  async function destroyQuietly(retiring: Session): Promise<void> {
    // A client the library already destroyed (after `disconnected`) may reject here; a hung
    // browser must not hold up the next client forever.
    const destroyed = track(
      Promise.resolve()
        .then(() => retiring.client.destroy())
        .catch((error: unknown) => {
          logger.debug({ err: error }, "whatsapp: destroying the old client failed");
        }),
    );
    await settleWithin(destroyed, settings.stopTimeoutMs);
  }

  async function retire(retiring: Session): Promise<void> {
    retiring.retired = true;
    clearTimeout(retiring.watchdog);
    if (session === retiring) session = undefined;
    for (const event of CLIENT_EVENTS) retiring.client.removeAllListeners(event);
    await destroyQuietly(retiring);
  }

  function scheduleReconnect(): void {
    if (stopped || reconnectTimer) return;
    const { initialMs, maxMs } = settings.reconnect;
    const delayMs = Math.min(initialMs * 2 ** Math.min(failures, 30), maxMs);
    failures += 1;
    logger.info({ delayMs, attempt: failures }, "whatsapp: starting a new client after a delay");
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connect();
    }, delayMs);
  }

  /** The current client failed: report why, destroy it, and build a new one after the backoff. */
  async function fail(
    failed: Session | undefined,
    next: "unreachable" | "disconnected",
    why: string,
  ): Promise<void> {
    if (failed && !isCurrent(failed)) return;
    latestQr = null;
    setState(next, why);
    logger.warn({ state: next, reason: why }, `whatsapp: ${next}`);
    if (failed) await retire(failed);
    scheduleReconnect();
  }

  function attach(current: Session): void {
    const { client } = current;
    client.on("qr", (qr) => {
      if (!isCurrent(current)) return;
      clearTimeout(current.watchdog);
      latestQr = qr;
      setState("qr");
      // An operator must act: after the first pairing this means the session was lost.
      logger.warn("whatsapp: not linked; scan the QR code (terminal, or the adapter's qr())");
      try {
        showQr(qr);
      } catch (error) {
        logger.warn({ err: error }, "whatsapp: showing the QR code failed");
      }
    });
    client.on("authenticated", () => {
      if (!isCurrent(current)) return;
      clearTimeout(current.watchdog);
      latestQr = null;
      logger.info("whatsapp: authenticated");
      if (state === "qr") setState("starting");
    });
    client.on("ready", () => {
      if (!isCurrent(current)) return;
      clearTimeout(current.watchdog);
      latestQr = null;
      failures = 0;
      setState("ready");
      logger.info("whatsapp: ready");
    });
    client.on("auth_failure", (message) => {
      void fail(current, "disconnected", `authentication failed: ${String(message)}`);
    });
    client.on("disconnected", (why) => {
      void fail(current, "disconnected", String(why));
    });
    client.on("message", (message) => {
      if (isCurrent(current)) receive(message);
    });
  }

  function connect(): void {
    if (stopped) return;
    let client: WhatsAppClientLike;
    try {
      client = options.clientFactory();
    } catch (error) {
      void fail(undefined, "unreachable", describeError(error));
      return;
    }
    const current: Session = { client, retired: false };
    session = current;
    attach(current);
    setState("starting", reason);
    current.watchdog = setTimeout(() => {
      const ms = settings.startTimeoutMs;
      const limit = ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
      void fail(current, "unreachable", `WhatsApp Web did not load within ${limit}`);
    }, settings.startTimeoutMs);
    track(
      // Deferred, so even a client that throws synchronously cannot throw out of start().
      Promise.resolve()
        .then(() => client.initialize())
        .then(
          async () => {
            // stop() or a failure came while the browser was launching: make sure it is closed.
            if (current.retired) await destroyQuietly(current);
          },
          async (error: unknown) => {
            if (current.retired) await destroyQuietly(current);
            else await fail(current, "unreachable", describeError(error));
          },
        ),
    );
  }

  // --- inbound -----------------------------------------------------------------------------------

  function receive(message: MessageLike): void {
    const id = message.id?._serialized;
    if (!id || !seen.addIfAbsent(id, true)) {
      if (id) logger.debug({ messageId: id }, "whatsapp: duplicate message ignored");
      return;
    }
    if (isIgnored(message)) return;
    if (!handler) {
      logger.warn("whatsapp: message received before listen(); ignored");
      return;
    }
    if (message.hasMedia) mediaMessages.set(id, message);
    const deliver = handler;
    const key = message.from;
    const previous = chatTails.get(key) ?? Promise.resolve();
    const tail = previous
      .then(async () => {
        const inbound = toInboundMessage(message, new Date(), await toPhoneId(message.from));
        if (inbound) await deliver(inbound);
      })
      .catch((error: unknown) =>
        logger.error({ err: error, chat: maskPhone(key) }, "whatsapp: handling a message failed"),
      );
    chatTails.set(key, tail);
    void tail.finally(() => {
      if (chatTails.get(key) === tail) chatTails.delete(key);
    });
  }

  /** A `…@lid` sender's `…@c.us` id, from the cache or the client; the lid itself when unknown. */
  async function toPhoneId(from: string): Promise<string> {
    if (!from.endsWith("@lid")) return from;
    const cached = lidToPhone.get(from);
    if (cached) return cached;
    const client = session?.client;
    if (client) {
      try {
        const [entry] = await client.getContactLidAndPhone([from]);
        const phoneId = toChatId(entry?.pn);
        if (phoneId) {
          lidToPhone.set(from, phoneId);
          return phoneId;
        }
        logger.warn("whatsapp: no phone number known for a @lid sender; answering the @lid chat");
      } catch (error) {
        logger.warn({ err: error }, "whatsapp: mapping a @lid sender failed; answering the @lid chat");
      }
    }
    return from;
  }

  // --- outbound ----------------------------------------------------------------------------------

  function describeState(): string {
    switch (state) {
      case "ready":
        return "WhatsApp is connected";
      case "qr":
        return "WhatsApp is not linked: waiting for the QR code to be scanned";
      case "starting":
        return `WhatsApp Web is starting${reason ? ` (last problem: ${reason})` : ""}`;
      case "unreachable":
        return `WhatsApp Web unreachable: ${reason ?? "unknown reason"}`;
      case "disconnected":
        return `WhatsApp disconnected: ${reason ?? "unknown reason"}`;
    }
  }

  function readyClient(): WhatsAppClientLike {
    if (state !== "ready" || !session) {
      throw new ChannelError(
        "unavailable",
        `${describeState()}; the message will be sent once it reconnects`,
      );
    }
    return session.client;
  }

  async function loadMedia(media: NonNullable<Reply["media"]>): Promise<MessageMediaLike> {
    const stored = await options.media.get(media.mediaId);
    if (!stored) throw new ChannelRejectedError(`Media ${media.mediaId} is missing from the media store`);
    return {
      mimetype: stored.mimeType,
      data: stored.bytes.toString("base64"),
      filename: stored.mimeType === "application/pdf" ? "receipt.pdf" : null,
      filesize: stored.bytes.length,
    };
  }

  async function send(chatId: string, reply: Reply): Promise<void> {
    const parts = toWhatsAppMessages(reply);
    // Read first: a missing file is a permanent failure and should not follow half a reply.
    const files = await Promise.all(
      parts.map((part) => (part.kind === "media" ? loadMedia(part.media) : undefined)),
    );
    for (const [index, part] of parts.entries()) {
      const client = readyClient();
      try {
        // sendSeen (the read receipt) runs inside the same call and has broken sends when WhatsApp
        // Web changed (wwebjs/whatsapp-web.js#5718): a receipt is not worth a failed reply.
        if (part.kind === "text") await client.sendMessage(chatId, part.text, { sendSeen: false });
        else
          await client.sendMessage(chatId, files[index]!, {
            sendSeen: false,
            ...(part.caption ? { caption: part.caption } : {}),
          });
      } catch (error) {
        if (state !== "ready") {
          throw new ChannelError(
            "unavailable",
            `${describeState()}; the message will be sent once it reconnects`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    }
  }

  async function download(media: InboundMedia, maxBytes: number): Promise<DownloadedMedia> {
    if (media.size !== undefined && media.size > maxBytes) throw new MediaTooLargeError(maxBytes);
    const message = mediaMessages.get(media.ref);
    if (!message) {
      throw new ChannelError(
        "download_failed",
        "WhatsApp no longer has that message in memory (the channel restarted); send it again",
      );
    }
    const file = await message.downloadMedia();
    if (!file) {
      // undefined: gone or failed; null: expired and being re-uploaded. Either way, ask again.
      throw new ChannelError(
        "download_failed",
        "WhatsApp could not download the file (expired or still uploading); send it again",
      );
    }
    if ((file.filesize ?? 0) > maxBytes || base64Size(file.data) > maxBytes) {
      throw new MediaTooLargeError(maxBytes);
    }
    const bytes = Buffer.from(file.data, "base64");
    if (bytes.length > maxBytes) throw new MediaTooLargeError(maxBytes);
    const declaredMimeType = file.mimetype || media.mimeType;
    return { bytes, ...(declaredMimeType ? { declaredMimeType } : {}) };
  }

  const adapter = {
    name: "whatsapp" as const,

    send,
    download,

    /** Routes inbound messages to `handler`; call before `start` in processes that receive. */
    listen(next: InboundHandler): void {
      handler = next;
    },

    /**
     * Builds the first client and starts it. Returns without waiting for WhatsApp: readiness is
     * `state()` / `health()` / `waitForState("ready")`. Never rejects because WhatsApp is down.
     */
    async start(): Promise<void> {
      if (started && !stopped) return;
      started = true;
      stopped = false;
      failures = 0;
      connect();
    },

    /** Cancels reconnects, lets in-flight messages finish, and closes the client and its browser. */
    async stop(): Promise<void> {
      stopped = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      await settleWithin(Promise.allSettled([...chatTails.values()]), settings.stopTimeoutMs);
      if (session) await retire(session);
      // A browser still launching is closed when its launch settles (see connect); wait for that
      // and for destroys already under way.
      const deadline = Date.now() + settings.stopTimeoutMs;
      while (pending.size > 0 && Date.now() < deadline) {
        await settleWithin(Promise.allSettled([...pending]), deadline - Date.now());
      }
      latestQr = null;
      setState("disconnected", "stopped");
    },

    async health(): Promise<string | null> {
      if (!started) return "WhatsApp channel not started";
      return state === "ready" ? null : describeState();
    },

    /** The latest QR code while the account is not linked; null otherwise. */
    qr(): string | null {
      return state === "qr" ? latestQr : null;
    },

    state(): WhatsAppState {
      return state;
    },

    /** Why the channel is in its state (the failure, or the disconnect reason); undefined when ready. */
    reason(): string | undefined {
      return reason;
    },

    /** Calls `listener` on every state change; returns a function that unsubscribes. */
    onStateChange(listener: (state: WhatsAppState, reason: string | undefined) => void): () => void {
      events.on("state", listener);
      return () => events.off("state", listener);
    },

    /** Resolves once the state is `target` (at once if it is); rejects after `timeoutMs`. */
    waitForState(target: WhatsAppState, timeoutMs = 30_000): Promise<void> {
      if (state === target) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const listener = (next: WhatsAppState) => {
          if (next !== target) return;
          clearTimeout(timer);
          events.off("state", listener);
          resolve();
        };
        const timer = setTimeout(() => {
          events.off("state", listener);
          reject(
            new ChannelError(
              "unavailable",
              `WhatsApp did not become ${target} within ${timeoutMs} ms: ${describeState()}`,
            ),
          );
        }, timeoutMs);
        events.on("state", listener);
      });
    },
  } satisfies ChannelAdapter & Record<string, unknown>;
  return adapter;
}

export type WhatsAppAdapter = ReturnType<typeof createWhatsAppAdapter>;
