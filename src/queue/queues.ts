import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { ChannelName } from "../domain/order.js";

/** Job data per queue. Jobs carry ids only: payloads live in the store, never clear text in Redis. */
export interface JobDataMap {
  outbound: { outboxId: string };
  reminders: { tenantId: string; proofId: string };
  maintenance: Record<string, never>;
}

export type QueueName = keyof JobDataMap;

/** BullMQ queue names may not contain ":"; one outbound queue per channel. */
export function outboundQueueName(channel: ChannelName): string {
  return `outbound-${channel}`;
}

const KEEP = {
  // Completed jobs are kept a day so their ids still dedupe re-adds; the store is the real guard.
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} satisfies JobsOptions;

export const OUTBOUND_JOB_OPTIONS: JobsOptions = {
  ...KEEP,
  attempts: 12,
  backoff: { type: "exponential", delay: 2_000, jitter: 0.3 },
};

export const REMINDER_JOB_OPTIONS: JobsOptions = {
  ...KEEP,
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
};

export interface QueueOptions {
  readonly connection: Redis;
  /** Redis key prefix; tests use their own so they never see each other's jobs. */
  readonly prefix: string;
}

export interface Queues {
  outbound(channel: ChannelName): Queue<JobDataMap["outbound"]>;
  readonly reminders: Queue<JobDataMap["reminders"]>;
  readonly maintenance: Queue<JobDataMap["maintenance"]>;
  close(): Promise<void>;
}

export function createQueues(options: QueueOptions): Queues {
  const outbound = new Map<ChannelName, Queue<JobDataMap["outbound"]>>();
  const base = { connection: options.connection, prefix: options.prefix };
  const reminders = new Queue<JobDataMap["reminders"]>("reminders", base);
  const maintenance = new Queue<JobDataMap["maintenance"]>("maintenance", base);
  return {
    outbound(channel) {
      let queue = outbound.get(channel);
      if (!queue) {
        queue = new Queue<JobDataMap["outbound"]>(outboundQueueName(channel), base);
        outbound.set(channel, queue);
      }
      return queue;
    },
    reminders,
    maintenance,
    async close() {
      await Promise.all([...outbound.values(), reminders, maintenance].map((queue) => queue.close()));
    },
  };
}
