/**
 * The invariant checker every reliability test ends with (reliability.md §4.0):
 * (a) per order at most one settlement; (b) every order the provider was paid for is `paid`;
 * (c) one confirmation per paid order, duplicates counted; (d) no paid order left `paid`
 * (checked as: every settled order is still paid or later); (e) no inbox row still `received`;
 * (f) no failed settle job unless expected. The figures come back for the summary line; `assert`
 * fails the test when one breaks.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { expect } from "vitest";
import type { ReliabilityShop } from "./shop.js";
import { waitUntil } from "./wait.js";

export interface InvariantFigures {
  readonly orders: number;
  /** Orders with exactly one settlement audit entry. */
  readonly settledOnce: number;
  /** Orders with more than one settlement (must be 0). */
  readonly doubleSettled: number;
  /** Orders the provider was paid for that are not paid (must be 0). */
  readonly lost: number;
  readonly confirmations: number;
  /** Confirmations beyond the first per chat. */
  readonly duplicateConfirmations: number;
  /** Paid orders without a delivered confirmation. */
  readonly missingConfirmations: number;
  /** Inbox rows still `received`. */
  readonly inboxNotDone: number;
  readonly failedSettleJobs: number;
}

/** The shopper's "payment confirmed" message. */
export const CONFIRMED = /confirmed/i;

/** Delivered "payment confirmed" messages per chat, from the Bot API emulator's call log. */
export function confirmationsByChat(rel: ReliabilityShop): Map<number, number> {
  const counts = new Map<number, number>();
  for (const call of rel.shop.emulator.calls("sendMessage")) {
    if (!call.ok || !CONFIRMED.test(String(call.params.text ?? ""))) continue;
    const chat = Number(call.params.chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + 1);
  }
  return counts;
}

export async function failedJobs(rel: ReliabilityShop, queueName = "settle"): Promise<number> {
  const connection = new Redis(rel.shop.config.redis.url, { maxRetriesPerRequest: 1 });
  const queue = new Queue(queueName, { connection, prefix: rel.shop.config.queue.prefix });
  try {
    return await queue.getFailedCount();
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/**
 * `paid`: the orders whose payment the provider holds as successful (they must end paid and
 * confirmed once); every other order in `orders` must have no settlement and no confirmation.
 */
export async function measureInvariants(
  rel: ReliabilityShop,
  orders: readonly { orderId: string; ref: string; chatId: number }[],
  paid: ReadonlySet<string>,
): Promise<InvariantFigures> {
  const { store, config } = rel.shop.duka;
  const tenantId = config.tenantId;
  const settledAudit = await store.audit.list(tenantId, { action: "payment.settled" }, 1_000_000);
  const settlements = new Map<string, number>();
  for (const entry of settledAudit)
    settlements.set(entry.orderRef ?? "", (settlements.get(entry.orderRef ?? "") ?? 0) + 1);
  const confirmations = confirmationsByChat(rel);
  let settledOnce = 0;
  let doubleSettled = 0;
  let lost = 0;
  let confirmed = 0;
  let duplicateConfirmations = 0;
  let missingConfirmations = 0;
  for (const placed of orders) {
    const count = settlements.get(placed.ref) ?? 0;
    const sent = confirmations.get(placed.chatId) ?? 0;
    confirmed += sent;
    duplicateConfirmations += Math.max(0, sent - 1);
    if (count === 1) settledOnce++;
    if (count > 1) doubleSettled++;
    if (paid.has(placed.orderId)) {
      const order = await store.orders.findById(tenantId, placed.orderId);
      if (order?.status !== "paid") lost++;
      if (sent === 0) missingConfirmations++;
    } else if (count > 0 || sent > 0) {
      // Value given for an order nobody paid for counts as a double settlement.
      doubleSettled++;
    }
  }
  const inboxNotDone = (await store.inbox.listReceived(new Date(Date.now() + 1000), 1_000_000)).length;
  return {
    orders: orders.length,
    settledOnce,
    doubleSettled,
    lost,
    confirmations: confirmed,
    duplicateConfirmations,
    missingConfirmations,
    inboxNotDone,
    failedSettleJobs: await failedJobs(rel),
  };
}

/** Fails unless (a)–(f) hold for `paid` orders (and nothing was given to the others). */
export function assertInvariants(
  figures: InvariantFigures,
  paidCount: number,
  expectFailedJobs = false,
  /**
   * Confirmations that may go out twice: only where a fault hits between a send and the store
   * recording it (Telegram's sendMessage is not idempotent; reliability.md R10 allows one
   * duplicate per such fault). Never more than the outbound sends in flight at that moment.
   */
  duplicatesAllowed = 0,
): void {
  expect(figures.doubleSettled, "orders settled twice (or settled unpaid)").toBe(0);
  expect(figures.lost, "paid at the provider but not paid here").toBe(0);
  expect(figures.settledOnce, "orders settled exactly once").toBe(paidCount);
  expect(figures.duplicateConfirmations, "duplicate confirmations").toBeLessThanOrEqual(duplicatesAllowed);
  expect(figures.missingConfirmations, "paid orders without a confirmation").toBe(0);
  expect(figures.inboxNotDone, "inbox rows still received").toBe(0);
  if (!expectFailedJobs) expect(figures.failedSettleJobs, "failed settle jobs").toBe(0);
}

/**
 * Resolves once every chat in `paidChats` got its confirmation and no inbox row is still
 * `received`; returns how long that took.
 */
export async function waitForDrain(
  rel: ReliabilityShop,
  paidChats: readonly number[],
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  const { store } = rel.shop.duka;
  await waitUntil(
    async () => {
      const confirmed = confirmationsByChat(rel);
      if (paidChats.some((chat) => !confirmed.has(chat))) return false;
      return (await store.inbox.listReceived(new Date(Date.now() + 1000), 1)).length === 0;
    },
    {
      timeoutMs,
      describe: () => {
        const confirmed = confirmationsByChat(rel);
        return `${paidChats.filter((chat) => confirmed.has(chat)).length}/${paidChats.length} confirmed`;
      },
    },
  );
  return performance.now() - started;
}
