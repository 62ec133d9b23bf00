import type { PacingPolicy } from "../../domain/pacing.js";

/** The Bot API's published limits: about 30 messages a second in all, about one a second per chat. */
export const TELEGRAM_PACING: PacingPolicy = {
  globalPerSecond: 30,
  perChatPerSecond: 1,
  perChatBurst: 3,
};
