/**
 * The chat vocabulary every layer shares: what a person sent (normalized by the channel
 * adapter), what Duka answers (a channel-neutral reply), and the contract a channel adapter
 * implements. Channels translate to and from these; nothing here knows any one channel.
 */
import { DukaError } from "./errors.js";
import type { ChannelName, ChatAddress } from "./order.js";

/** A button (Telegram) or a numbered line (WhatsApp). `data` is at most 64 UTF-8 bytes. */
export interface Choice {
  readonly label: string;
  readonly data: string;
}

/**
 * A channel-neutral message. `text` may mark bold with `*asterisks*` (WhatsApp's own syntax;
 * Telegram renders it as bold). Choices are rows of buttons.
 */
export interface Reply {
  readonly text: string;
  readonly choices?: readonly (readonly Choice[])[];
  /** A stored image or PDF to show (a receipt, for the merchant). */
  readonly media?: { readonly mediaId: string; readonly mimeType: string };
  /** A link to open (a payment page); a URL button on Telegram. */
  readonly link?: { readonly label: string; readonly url: string };
  /**
   * The choices are shortcuts for channels with buttons; channels without them (WhatsApp) show
   * the text alone, which says how to answer by typing. For messages sent outside the person's
   * conversation (merchant alerts), whose numbers no typed reply could be matched against.
   */
  readonly buttonsOnly?: boolean;
  /**
   * Offer to share the person's own phone number, with this label (a Telegram reply-keyboard
   * button with request_contact; channels that know the number ignore it).
   */
  readonly requestContact?: string;
}

/**
 * A file the shopper sent, as the channel describes it before we download anything.
 * `ref` is channel-specific (a Telegram file_id, a WhatsApp message id).
 */
export interface InboundMedia {
  readonly ref: string;
  readonly kind: "photo" | "document";
  /** Declared size, when the channel tells it before download. */
  readonly size?: number;
  /** Declared type; never trusted, the bytes are sniffed. */
  readonly mimeType?: string;
  readonly fileName?: string;
}

/** What a person said, normalized by the channel adapter. */
export type InboundContent =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "command"; readonly command: string; readonly args: string }
  | { readonly kind: "choice"; readonly data: string }
  | { readonly kind: "media"; readonly media: InboundMedia; readonly caption?: string }
  | { readonly kind: "contact"; readonly phone: string; readonly own: boolean }
  | { readonly kind: "unsupported"; readonly what: string };

export interface InboundMessage {
  /** Channel-unique id of this input, for deduplication (`tg-<update_id>`). */
  readonly id: string;
  readonly from: ChatAddress & { readonly name?: string };
  readonly content: InboundContent;
  readonly receivedAt: Date;
}

/** Bytes of a downloaded file; the size limit is enforced while downloading. */
export interface DownloadedMedia {
  readonly bytes: Buffer;
  readonly declaredMimeType?: string;
}

/**
 * Why a channel could not send or download. `unavailable`: not connected now, a retry may work;
 * `download_failed`: the file could not be fetched, the person must send it again.
 */
export type ChannelErrorCode =
  | "unavailable"
  | "download_failed"
  | "media_too_large"
  | "rate_limited"
  | "rejected";

export class ChannelError extends DukaError<ChannelErrorCode> {
  override name = "ChannelError";
}

export class MediaTooLargeError extends ChannelError {
  override readonly name = "MediaTooLargeError";
  constructor(readonly limit: number) {
    super("media_too_large", `The file is larger than ${Math.round(limit / 1024 / 1024)} MB`);
  }
}

/**
 * A channel adapter: the narrow interface every chat channel implements. Adapters translate;
 * they never decide business rules.
 */
export interface ChannelAdapter {
  readonly name: ChannelName;
  /** Sends one reply; rejects with the channel's error (429 carries retry-after). */
  send(chatId: string, reply: Reply): Promise<void>;
  /** Downloads an inbound file, refusing more than `maxBytes`. */
  download(media: InboundMedia, maxBytes: number): Promise<DownloadedMedia>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Readiness detail: null when healthy, otherwise why not. */
  health(): Promise<string | null>;
}

export type ChannelMap = Partial<Record<ChannelName, ChannelAdapter>>;

/** The channel asked us to slow down; retry the same send after `retryAfterMs`. */
export class ChannelRateLimitError extends ChannelError {
  override readonly name = "ChannelRateLimitError";
  constructor(
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super("rate_limited", `The channel asked to retry after ${retryAfterMs} ms`, options);
  }
}

/** The channel refused for good (blocked by the user, chat gone): retrying cannot help. */
export class ChannelRejectedError extends ChannelError {
  override readonly name = "ChannelRejectedError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("rejected", message, options);
  }
}
