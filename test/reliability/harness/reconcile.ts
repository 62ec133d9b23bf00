/**
 * Reconciliation for orders placed in bulk: `placeOrders` schedules none, so a test that relies on
 * the reconciler queues the same reconcile jobs Duka's payment service queues for a pending
 * payment (reconciler.schedule: one per delay, the last one expires), which the shop's own
 * reconcile worker then runs.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { RECONCILE_JOB_OPTIONS } from "../../../src/queue/queues.js";
import type { PlacedOrder, ReliabilityShop } from "./shop.js";

export async function scheduleReconciliation(
  rel: ReliabilityShop,
  orders: readonly PlacedOrder[],
  delaysMs: readonly number[],
): Promise<void> {
  const { config } = rel.shop;
  const connection = new Redis(config.redis.url, { maxRetriesPerRequest: 1 });
  const queue = new Queue("reconcile", { connection, prefix: config.queue.prefix });
  try {
    for (const order of orders) {
      for (const [index, delay] of delaysMs.entries()) {
        await queue.add(
          "reconcile",
          { tenantId: config.tenantId, paymentId: order.paymentId, last: index === delaysMs.length - 1 },
          { ...RECONCILE_JOB_OPTIONS, jobId: `reconcile-${order.paymentId}-${index}`, delay },
        );
      }
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
