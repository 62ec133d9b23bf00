/**
 * The part of whatsapp-web.js the WhatsApp adapter uses, as narrow interfaces, and the factory that
 * builds the real client. The adapter only sees `WhatsAppClientLike`, so tests and the offline demo
 * run it against the stand-in in `sandbox/whatsapp/` without a browser.
 */

import { createRequire } from "node:module";
import path from "node:path";
import mongoose, { type Connection } from "mongoose";
import type { Logger } from "pino";
import type * as WAWebJS from "whatsapp-web.js";
import { createGridFsSessionStore } from "./session-store.js";

/** `Message.id` (whatsapp-web.js `MessageId`). `_serialized` is unique per message: the dedupe key. */
export interface MessageIdLike {
  readonly fromMe: boolean;
  readonly remote: string;
  readonly id: string;
  readonly _serialized: string;
}

/** `MessageMedia`: base64 bytes without a `data:` prefix; filename and size may be null. */
export interface MessageMediaLike {
  readonly mimetype: string;
  readonly data: string;
  readonly filename?: string | null;
  readonly filesize?: number | null;
}

/**
 * The fields of whatsapp-web.js's `Message` the adapter reads. `from` is the chat (the sender in a
 * 1:1 chat, the group in a group, `status@broadcast` for statuses); `author` is set only inside
 * groups. `body` is the text, or the caption of a media message, or the vCard of a `vcard`.
 * `timestamp` is in Unix seconds. `downloadMedia()` resolves to undefined (no media, 404, still
 * fetching) or null (expired, being re-uploaded) instead of rejecting in those cases.
 */
export interface MessageLike {
  readonly id: MessageIdLike;
  readonly from: string;
  readonly to: string;
  readonly author?: string | undefined;
  readonly body: string;
  readonly type: string;
  readonly hasMedia: boolean;
  readonly fromMe: boolean;
  readonly isStatus: boolean;
  readonly broadcast: boolean;
  readonly timestamp: number;
  readonly vCards: readonly string[];
  /**
   * The raw WhatsApp Web model the library keeps on every message. Only hints are read from it
   * (the sender's push name, a document's declared type and name); none is trusted.
   */
  readonly _data?: {
    readonly notifyName?: unknown;
    readonly mimetype?: unknown;
    readonly filename?: unknown;
  };
  downloadMedia(): Promise<MessageMediaLike | null | undefined>;
}

/** Client events the adapter listens to, with the library's argument lists. */
export interface WhatsAppClientEvents {
  /** A new QR code to scan (fires again every ~20 s until scanned). */
  qr: [qr: string];
  authenticated: [];
  /** Logged in and synced: messages flow and sends work. */
  ready: [];
  /** A stored session could not be restored; the library destroys the client itself. */
  auth_failure: [message: string];
  /** A `WAState` (CONFLICT, UNPAIRED, …), "LOGOUT" or "Max qrcode retries reached". The library
   * destroys the client itself: a NEW client must be created to recover. */
  disconnected: [reason: string];
  /** A message from someone else (never our own; `message_create` would include those). */
  message: [message: MessageLike];
}

export type WhatsAppClientEvent = keyof WhatsAppClientEvents;

export interface WhatsAppSendOptions {
  readonly caption?: string;
  /** Mark the chat as read before sending. The adapter passes false (see adapter.ts). */
  readonly sendSeen?: boolean;
}

/** The subset of whatsapp-web.js's `Client` the adapter uses. One instance serves one session. */
export interface WhatsAppClientLike {
  on<E extends WhatsAppClientEvent>(event: E, listener: (...args: WhatsAppClientEvents[E]) => void): unknown;
  removeAllListeners(event?: WhatsAppClientEvent): unknown;
  /** Launches the browser and opens WhatsApp Web; rejects when that fails (no network, no browser). */
  initialize(): Promise<void>;
  /** Closes the browser. Safe to call on a client the library already destroyed. */
  destroy(): Promise<void>;
  sendMessage(
    chatId: string,
    content: string | MessageMediaLike,
    options?: WhatsAppSendOptions,
  ): Promise<unknown>;
  /**
   * Maps `…@lid` (or phone) ids to both forms; `pn` is `<phone>@c.us`. The library types both as
   * strings, but either is undefined at run time when WhatsApp does not know it.
   */
  getContactLidAndPhone(ids: string[]): Promise<{ lid?: string | undefined; pn?: string | undefined }[]>;
}

export interface WhatsAppWebClientOptions {
  /** The browser to drive. Default `/usr/bin/chromium` (Debian's package); never downloaded. */
  readonly chromiumPath?: string;
  /**
   * Durable directory for the session (LocalAuth: `<dataPath>/session`; RemoteAuth: a scratch copy)
   * and the WhatsApp Web version cache. Keep it on a volume or the QR must be scanned again.
   */
  readonly dataPath: string;
  /**
   * Keep the session in MongoDB (GridFS) with RemoteAuth instead of only on disk. The client opens
   * its own connection and closes it in `destroy()`. Prefer `mongoConnection` in a process that
   * already has one: every reconnect builds a new client.
   */
  readonly mongodbUri?: string;
  /** An open mongoose connection to keep the session in (RemoteAuth); not closed by the client. */
  readonly mongoConnection?: Connection;
  readonly logger: Logger;
}

/** Flags for a root container without a display; nothing that phones home, no GPU. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-setuid-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** RemoteAuth's minimum is 60 s; five minutes is what its documentation uses. */
const REMOTE_BACKUP_INTERVAL_MS = 300_000;

// whatsapp-web.js is CommonJS and pulls in puppeteer: loaded on first use, so importing this
// module (or the adapter) costs nothing in processes that never open WhatsApp Web.
const require = createRequire(import.meta.url);
let library: typeof WAWebJS | undefined;
function loadLibrary(): typeof WAWebJS {
  library ??= require("whatsapp-web.js") as typeof WAWebJS;
  return library;
}

/**
 * Builds a real whatsapp-web.js client, not yet initialized. Each call makes a new `Client`: the
 * library cannot reuse one after `disconnected`, so pass `() => createWhatsAppWebClient(options)`
 * as the adapter's `clientFactory`.
 */
export function createWhatsAppWebClient(options: WhatsAppWebClientOptions): WhatsAppClientLike {
  const wwebjs = loadLibrary();
  const dataPath = path.resolve(options.dataPath);
  let ownConnection: Connection | undefined;
  let authStrategy: WAWebJS.AuthStrategy;
  if (options.mongoConnection || options.mongodbUri) {
    let connection = options.mongoConnection;
    if (!connection) {
      ownConnection = mongoose.createConnection(options.mongodbUri as string, { bufferCommands: false });
      // Connection errors surface through the store's calls (initialize rejects); this only keeps
      // the connection's own "error" event from going unhandled.
      ownConnection.on("error", (error: unknown) =>
        options.logger.warn({ err: error }, "whatsapp session store: MongoDB connection error"),
      );
      connection = ownConnection;
    }
    authStrategy = new wwebjs.RemoteAuth({
      store: createGridFsSessionStore({ connection, dataPath, logger: options.logger }),
      dataPath,
      backupSyncIntervalMs: REMOTE_BACKUP_INTERVAL_MS,
    });
  } else {
    authStrategy = new wwebjs.LocalAuth({ dataPath });
  }
  const client = new wwebjs.Client({
    authStrategy,
    // Kept under dataPath instead of the library's default ./.wwebjs_cache in the working directory.
    webVersionCache: { type: "local", path: path.join(dataPath, "web-cache") },
    puppeteer: {
      executablePath: options.chromiumPath ?? DEFAULT_CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
    },
  });
  return {
    on: (event, listener) => client.on(event, listener as (...args: unknown[]) => void),
    removeAllListeners: (event) => client.removeAllListeners(event),
    initialize: () => client.initialize(),
    async destroy() {
      try {
        await client.destroy();
      } finally {
        await ownConnection?.close().catch(() => undefined);
      }
    },
    sendMessage: (chatId, content, sendOptions) =>
      client.sendMessage(
        chatId,
        // The library recognizes media with `instanceof MessageMedia`; a plain object would be sent
        // as the text "[object Object]".
        typeof content === "string"
          ? content
          : new wwebjs.MessageMedia(
              content.mimetype,
              content.data,
              content.filename ?? null,
              content.filesize ?? null,
            ),
        sendOptions,
      ),
    getContactLidAndPhone: (ids) => client.getContactLidAndPhone(ids),
  };
}
