import { pool } from "./wait.js";

/**
 * Sends `items` from `senders` concurrent senders at about `rps` requests per second in all:
 * item n is due at n/rps after the start. Returns each answer with when it was sent (ms since
 * the start), so a test can tell what happened during a fault window.
 */
export async function sendPaced<T, R>(
  items: readonly T[],
  options: { rps: number; senders: number },
  send: (item: T) => Promise<R>,
): Promise<{ answer: R; sentAtMs: number }[]> {
  const started = performance.now();
  return pool(items, options.senders, async (item, index) => {
    // Pacing the load, not waiting for a result.
    const wait = started + (index * 1000) / options.rps - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAtMs = performance.now() - started;
    return { answer: await send(item), sentAtMs };
  });
}
