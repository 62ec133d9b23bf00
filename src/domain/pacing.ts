/** How fast a channel may be written to (each channel declares its own); shared by every process through Redis. */
export interface PacingPolicy {
  /** Messages per second across all chats (Telegram: about 30). */
  readonly globalPerSecond: number;
  /** Sustained messages per second to one chat (Telegram: about 1). */
  readonly perChatPerSecond: number;
  /** Extra messages one chat may get at once before the per-second pace applies again. */
  readonly perChatBurst: number;
}
