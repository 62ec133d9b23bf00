import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Store } from "../store/types.js";
import type { Outbox } from "./outbox.js";
import type { JobDataMap, Queues } from "./queues.js";

export interface SweeperOptions {
  readonly store: Store;
  readonly outbox: Outbox;
  readonly queues: Queues;
  readonly connection: Redis;
  readonly prefix: string;
  readonly logger: Logger;
  /** How often to look, and how old a pending message must be to count as stranded. */
  readonly everyMs?: number;
  readonly staleAfterMs?: number;
}

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
  for (const message of stranded) await outbox.enqueue(message._id, message.to);
  return stranded.length;
}

export async function startSweeper(options: SweeperOptions): Promise<Worker<JobDataMap["maintenance"]>> {
  const everyMs = options.everyMs ?? 30_000;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  await options.queues.maintenance.upsertJobScheduler(
    "sweep-outbox",
    { every: everyMs },
    { name: "sweep-outbox", opts: { removeOnComplete: true, removeOnFail: 100 } },
  );
  const worker = new Worker<JobDataMap["maintenance"]>(
    "maintenance",
    async () => {
      const requeued = await sweepOutbox(options.store, options.outbox, new Date(), staleAfterMs);
      if (requeued > 0) options.logger.warn({ requeued }, "re-queued stranded outbox messages");
    },
    { connection: options.connection, prefix: options.prefix },
  );
  worker.on("error", (error) => options.logger.error({ err: error }, "sweeper error"));
  return worker;
}
