/** A message the bot sent with `sendMessage`, as the stand-in recorded it. */
export interface SentMessage {
  /** The `_serialized` id the stand-in gave it (`true_<chat>_<id>`). */
  readonly id: string;
  /** The chat id the bot addressed (`…@c.us`, or `…@lid` when it answered a linked id). */
  readonly chatId: string;
  readonly kind: "text" | "media";
  /** The text, or the media's caption ("" without one). What matchers look at. */
  readonly text: string;
  readonly caption?: string;
  readonly media?: SentMedia;
  /** Labels of the numbered lines (`*1.* Tea`) in the text, in order. */
  readonly choices: string[];
  /** The numbers of those lines: a long list continued from an earlier message starts above 1. */
  readonly choiceNumbers: number[];
  readonly options: { readonly caption?: string; readonly sendSeen?: boolean };
  readonly sentAt: Date;
}

export interface SentMedia {
  readonly mimetype: string;
  readonly filename: string | null;
  readonly bytes: Buffer;
}

/** One line of a chat's transcript, both directions, for timeout messages and debugging. */
export interface TranscriptEntry {
  readonly direction: "user" | "bot";
  /** `text`, `image`, `document`, `vcard`, `sticker`, `media`, … */
  readonly kind: string;
  readonly text: string;
  readonly at: Date;
}

/** Events of the stand-in's internal emitter; waits re-check on them. */
export interface StandInEvents {
  /** The bot sent something. */
  sent: [];
  /** A client was created, initialized, became ready, failed or was destroyed. */
  client: [];
  closed: [];
}
