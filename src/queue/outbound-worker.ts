import { setTimeout as sleep } from "node:timers/promises";
import { DelayedError, type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type ChannelAdapter, ChannelRateLimitError, ChannelRejectedError } from "../bot/channel.js";
import type { Store } from "../store/types.js";
import type { Pacer } from "./pacing.js";
import { type JobDataMap, outboundQueueName } from "./queues.js";

export interface OutboundWorkerOptions {
  readonly channel: ChannelAdapter;
  readonly store: Store;
  readonly pacer: Pacer;
  readonly connection: Redis;
  readonly prefix: string;
  readonly logger: Logger;
  /** Jobs handled at once; pacing, not concurrency, keeps us inside the channel's limits. */
  readonly concurrency?: number;
}

/**
 * Sends stored outbox messages. Progress is recorded after each reply, so a retry resumes
 * where the last attempt stopped. A wait for the chat's slot or a 429 moves the job to the
 * delayed set instead of blocking a worker slot; a wait for the channel-wide budget holds it.
 */
export function createOutboundWorker(options: OutboundWorkerOptions): Worker<JobDataMap["outbound"]> {
  const { channel, store, pacer, logger } = options;

  const deferUntil = async (job: Job, token: string | undefined, waitMs: number): Promise<never> => {
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  };
  /** Waits for a slot the job now holds for reply `index`: on waking it sends without asking again. */
  const deferHolding = async (
    job: Job<JobDataMap["outbound"]>,
    token: string | undefined,
    index: number,
    waitMs: number,
  ) => {
    if (job.data.chatSlotFor !== index) await job.updateData({ ...job.data, chatSlotFor: index });
    return deferUntil(job, token, waitMs);
  };

  const processor = async (job: Job<JobDataMap["outbound"]>, token?: string) => {
    const message = await store.outbox.findById(job.data.outboxId);
    if (message?.status !== "pending") return;
    for (let index = message.sentCount; index < message.replies.length; index++) {
      if (job.data.chatSlotFor !== index) {
        const chatWait = await pacer.reserveChatSlot(message.to.chatId);
        if (chatWait > 0) await deferHolding(job, token, index, chatWait);
      }
      // The channel-wide budget is spent for everyone: this worker slot waits in place (well under
      // a second) rather than re-queueing, so waiting jobs neither churn nor overtake by priority.
      for (let wait = await pacer.takeGlobalSlot(); wait > 0; wait = await pacer.takeGlobalSlot()) {
        await sleep(wait);
      }
      try {
        await channel.send(message.to.chatId, message.replies[index]!);
      } catch (error) {
        if (error instanceof ChannelRateLimitError) await deferUntil(job, token, error.retryAfterMs);
        if (error instanceof ChannelRejectedError) {
          logger.warn({ outboxId: message._id, err: error }, "channel refused the message; not retrying");
          await store.outbox.markFailed(message._id, new Date(), error.message);
          return;
        }
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if (lastAttempt) await store.outbox.markFailed(message._id, new Date(), String(error));
        throw error;
      }
      await store.outbox.recordProgress(message._id, index + 1);
    }
    await store.outbox.markSent(message._id, new Date());
    logger.debug({ outboxId: message._id, replies: message.replies.length }, "message sent");
  };

  const worker = new Worker<JobDataMap["outbound"]>(outboundQueueName(channel.name), processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 8,
  });
  worker.on("failed", (job, error) => {
    logger.error({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, "outbound message failed");
  });
  worker.on("error", (error) => logger.error({ err: error }, "outbound worker error"));
  return worker;
}
