import type { PacingPolicy } from "../../domain/pacing.js";

/**
 * WhatsApp has no published limits and bans accounts that look like spam: stay well below what a
 * busy person could type (a few messages a second in all, about one a second per chat).
 */
export const WHATSAPP_PACING: PacingPolicy = {
  globalPerSecond: 5,
  perChatPerSecond: 1,
  perChatBurst: 2,
};
