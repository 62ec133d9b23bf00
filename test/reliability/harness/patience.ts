/**
 * How a shopper in a process test waits for the bot, step by step of a dialogue: one message
 * sent, one reply awaited. A person waits longer when the shop is visibly struggling, and after
 * Duka's "Sorry, something went wrong … try again" sends the same message again; the dialogue
 * helpers of processes/rig.ts take a Patience for that (the soak's shoppers live through faults).
 */
import type { ChatMessage, TelegramUser } from "../../../sandbox/telegram/index.js";
import { waitUntil } from "./wait.js";

export interface Patience {
  /** How long a reply awaited since `sinceMs` may take; asked again while the wait lasts. */
  replyMs(sinceMs: number): number;
  /** How many times one step is sent again after Duka's "Sorry, something went wrong". */
  readonly retries: number;
  /** Told of each such second try (a test counts them). */
  readonly onRetry?: () => void;
}

/** Thirty seconds a reply, no second try: a failure of the step fails the test. */
export const IMPATIENT: Patience = { replyMs: () => 30_000, retries: 0 };

/** Duka's answers to a turn that failed on its side (src/shop/inbound-router.ts, conversations/prompts.ts). */
const SORRY = /^Sorry, something went wrong on our side/;
/** The wait is re-judged this often against `replyMs`, so a fault that begins mid-wait extends it. */
const SLICE_MS = 5_000;

type Expected = RegExp | ((message: ChatMessage) => boolean);
/** Waits up to `timeoutMs` for the next bot message matching `predicate`; rejects on timeout. */
type NextReply = (predicate: (message: ChatMessage) => boolean, timeoutMs: number) => Promise<ChatMessage>;

/**
 * `send` (a message, a button press) in the shopper's own chat, then the next bot message there
 * matching `expected`. After a "Sorry" reply `send` runs again, up to `patience.retries` times.
 */
export function ask(
  shopper: TelegramUser,
  send: () => void,
  expected: Expected,
  patience: Patience = IMPATIENT,
): Promise<ChatMessage> {
  return askWith(shopper, send, expected, patience, (predicate, timeoutMs) =>
    shopper.nextMessage(predicate, { timeoutMs }),
  );
}

/**
 * `ask` in a chat where many answers arrive at once (the merchant's): the messages after each send
 * are read without moving the chat's read cursor, so concurrent asks do not consume each other's
 * replies. A "Sorry" there may be another's: sending again is then one harmless repeat.
 */
export function askInBusyChat(
  user: TelegramUser,
  send: () => void,
  expected: Expected,
  patience: Patience = IMPATIENT,
): Promise<ChatMessage> {
  let seenBefore = 0;
  return askWith(
    user,
    () => {
      seenBefore = user.messages().length;
      send();
    },
    expected,
    patience,
    (predicate, timeoutMs) =>
      waitUntil(() => user.messages().slice(seenBefore).find(predicate), {
        timeoutMs,
        everyMs: 100,
        describe: () => `no matching reply in chat ${user.id}`,
      }),
  );
}

async function askWith(
  user: TelegramUser,
  send: () => void,
  expected: Expected,
  patience: Patience,
  next: NextReply,
): Promise<ChatMessage> {
  const matches = typeof expected === "function" ? expected : (m: ChatMessage) => expected.test(m.text ?? "");
  for (let attempt = 0; ; attempt++) {
    send();
    const reply = await awaitReply((m) => matches(m) || SORRY.test(m.text ?? ""), patience, next);
    if (matches(reply)) return reply;
    if (attempt >= patience.retries)
      throw new Error(`chat ${user.id}: "${reply.text}" after ${attempt + 1} tries`);
    patience.onRetry?.();
  }
}

/** The next reply, waiting in slices so that `patience.replyMs` is judged again as the wait goes on. */
async function awaitReply(
  predicate: (message: ChatMessage) => boolean,
  patience: Patience,
  next: NextReply,
): Promise<ChatMessage> {
  const sinceMs = Date.now();
  for (;;) {
    const leftMs = sinceMs + patience.replyMs(sinceMs) - Date.now();
    try {
      return await next(predicate, Math.max(1, Math.min(SLICE_MS, leftMs)));
    } catch (error) {
      if (leftMs <= SLICE_MS) throw error;
    }
  }
}
