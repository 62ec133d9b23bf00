/**
 * How a shopper in a process test waits for the bot, step by step of a dialogue: one message
 * sent, one reply awaited. A person waits longer when the shop is visibly struggling, and after
 * Duka's "Sorry, something went wrong … try again" sends the same message again; the dialogue
 * helpers of processes/rig.ts take a Patience for that (the soak's shoppers live through faults).
 */
import { setTimeout as delay } from "node:timers/promises";
import type { ChatMessage, TelegramUser } from "../../../sandbox/telegram/index.js";

export interface Patience {
  /** How long a reply awaited since `sinceMs` may take; asked again while the wait lasts. */
  replyMs(sinceMs: number): number;
  /** How many times one step is sent again after Duka's "Sorry, something went wrong" or silence. */
  readonly retries: number;
  /** Told of each such second try (a test counts them). */
  readonly onRetry?: () => void;
  /** How long the person waits after "Sorry … try again in a minute" before sending again (default 0). */
  readonly pauseAfterSorryMs?: number;
}

/** Thirty seconds a reply, no second try: a failure of the step fails the test. */
export const IMPATIENT: Patience = { replyMs: () => 30_000, retries: 0 };

/** Duka's answers to a turn that failed on its side (src/shop/inbound-router.ts, conversations/prompts.ts). */
const SORRY = /^Sorry, something went wrong on our side/;
/** The wait is re-judged this often against `replyMs`, so a fault that begins mid-wait extends it. */
const SLICE_MS = 5_000;

type Expected = RegExp | ((message: ChatMessage) => boolean);

/**
 * `send` (a message, a button press) in the shopper's own chat, then the next bot message there
 * matching `expected`. After a "Sorry" reply, or none within `replyMs`, `send` runs again, up to
 * `patience.retries` times.
 */
export async function ask(
  shopper: TelegramUser,
  send: () => void,
  expected: Expected,
  patience: Patience = IMPATIENT,
): Promise<ChatMessage> {
  const matches = typeof expected === "function" ? expected : (m: ChatMessage) => expected.test(m.text ?? "");
  // Without retries a "Sorry" is passed over, as any other message the step does not expect.
  const awaited = patience.retries > 0 ? (m: ChatMessage) => matches(m) || SORRY.test(m.text ?? "") : matches;
  for (let attempt = 0; ; attempt++) {
    send();
    // No answer at all within patience is met as a person meets it: by sending again.
    const reply = await awaitReply(shopper, awaited, patience).catch((error: unknown) => {
      if (attempt >= patience.retries) throw error;
      return undefined;
    });
    if (reply && matches(reply)) return reply;
    if (attempt >= patience.retries)
      throw new Error(`chat ${shopper.id}: "${reply?.text}" after ${attempt + 1} tries`);
    patience.onRetry?.();
    // The person's pause before trying again, as Duka asked: not a wait for a condition.
    if (reply && patience.pauseAfterSorryMs) await delay(patience.pauseAfterSorryMs);
  }
}

/** The next reply, waiting in slices so that `patience.replyMs` is judged again as the wait goes on. */
async function awaitReply(
  shopper: TelegramUser,
  predicate: (message: ChatMessage) => boolean,
  patience: Patience,
): Promise<ChatMessage> {
  const sinceMs = Date.now();
  for (;;) {
    const leftMs = sinceMs + patience.replyMs(sinceMs) - Date.now();
    try {
      return await shopper.nextMessage(predicate, { timeoutMs: Math.max(1, Math.min(SLICE_MS, leftMs)) });
    } catch (error) {
      if (leftMs <= SLICE_MS) throw error;
    }
  }
}
