import type { Logger } from "pino";
import type { Store } from "../store/types.js";
import type { MaintenanceTask } from "./maintenance.js";
import type { Outbox } from "./outbox.js";

/**
 * Re-queues outbox messages that were stored but never queued (Redis was down, or the process
 * died between the two writes). The queue's job id is the outbox id, so a message that is
 * still queued is not queued twice.
 */
export async function sweepOutbox(
  store: Store,
  outbox: Outbox,
  now: Date,
  staleAfterMs: number,
): Promise<number> {
  const stranded = await store.outbox.listPending(new Date(now.getTime() - staleAfterMs), 500);
  for (const message of stranded) await outbox.enqueue(message);
  return stranded.length;
}

export function outboxSweepTask(options: {
  store: Store;
  outbox: Outbox;
  logger: Logger;
  everyMs?: number;
  staleAfterMs?: number;
}): MaintenanceTask {
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  return {
    everyMs: options.everyMs ?? 30_000,
    async run() {
      const requeued = await sweepOutbox(options.store, options.outbox, new Date(), staleAfterMs);
      if (requeued > 0) options.logger.warn({ requeued }, "re-queued stranded outbox messages");
    },
  };
}

/** Queues settle jobs for webhook events recorded while Redis could not take the job. */
export function inboxSweepTask(options: {
  store: Store;
  enqueueSettle: (inboxId: string) => Promise<void>;
  logger: Logger;
  everyMs?: number;
  staleAfterMs?: number;
}): MaintenanceTask {
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  return {
    everyMs: options.everyMs ?? 30_000,
    async run() {
      const waiting = await options.store.inbox.listReceived(new Date(Date.now() - staleAfterMs), 500);
      for (const event of waiting) await options.enqueueSettle(event._id);
      if (waiting.length > 0)
        options.logger.warn({ requeued: waiting.length }, "queued stranded webhook events");
    },
  };
}

/**
 * On a server without TTL indexes (FerretDB), deletes what they would have deleted; see
 * `Store.expire`. MongoDB's TTL monitor runs every minute; hourly is as good for data kept 30 days.
 */
export function expiryTask(options: {
  expire: NonNullable<Store["expire"]>;
  logger: Logger;
  everyMs?: number;
}): MaintenanceTask {
  return {
    everyMs: options.everyMs ?? 3_600_000,
    async run() {
      const deleted = await options.expire(new Date());
      if (deleted > 0)
        options.logger.info({ deleted }, "deleted expired documents (no TTL indexes on this server)");
    },
  };
}
