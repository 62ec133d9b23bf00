import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { ChannelName } from "../domain/order.js";
import type { OutboxLane } from "../store/types.js";

/** Job data per queue. Jobs carry ids only: payloads live in the store, never clear text in Redis. */
export interface JobDataMap {
  /**
   * `chatSlotFor`: the reply whose per-chat slot this job already holds (see Pacer);
   * `behindOlder`: it holds that slot while an older message to the chat goes first.
   */
  outbound: { outboxId: string; chatSlotFor?: number; behindOlder?: boolean };
  reminders: { tenantId: string; proofId: string };
  maintenance: Record<string, never>;
  /** Settle a recorded webhook event. */
  settle: { inboxId: string };
  /** Ask the provider about a pending payment. */
  reconcile: { tenantId: string; paymentId: string; last: boolean };
  /** Check the M-Pesa code of a pasted SMS proof against the money received (see pasted-codes.ts). */
  codes: { tenantId: string; proofId: string };
}

export type QueueName = keyof JobDataMap;

const id = z.string().min(1);

/** Job data as a worker must find it: a job whose data does not fit can never succeed. */
export const JOB_DATA_SCHEMAS = {
  outbound: z.object({
    outboxId: id,
    chatSlotFor: z.number().int().nonnegative().optional(),
    behindOlder: z.boolean().optional(),
  }),
  reminders: z.object({ tenantId: id, proofId: id }),
  maintenance: z.object({}),
  settle: z.object({ inboxId: id }),
  reconcile: z.object({ tenantId: id, paymentId: id, last: z.boolean() }),
  codes: z.object({ tenantId: id, proofId: id }),
} satisfies { readonly [Name in QueueName]: z.ZodType<JobDataMap[Name]> };

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

/**
 * BullMQ serves jobs without a priority before any prioritized one, and lower numbers first:
 * payment results never wait behind catalog pages or reminders when the channel's limit binds.
 */
export const LANE_PRIORITY: Readonly<Record<OutboxLane, number | undefined>> = {
  urgent: undefined,
  reply: 1,
  background: 10,
};

export const REMINDER_JOB_OPTIONS: JobsOptions = {
  ...KEEP,
  attempts: 5,
  backoff: { type: "exponential", delay: 5_000 },
};

/** Settling waits out store or provider hiccups; about an hour of retries in all. */
export const SETTLE_JOB_OPTIONS: JobsOptions = {
  ...KEEP,
  attempts: 12,
  backoff: { type: "exponential", delay: 2_000, jitter: 0.3 },
};

export const RECONCILE_JOB_OPTIONS: JobsOptions = {
  ...KEEP,
  attempts: 6,
  backoff: { type: "exponential", delay: 5_000, jitter: 0.3 },
};

/**
 * A pasted code waits for M-Pesa's Transaction Status result like a confirmation does (settle);
 * the last attempt hands the receipt to the merchant instead of waiting longer.
 */
export const CODE_CHECK_JOB_OPTIONS: JobsOptions = SETTLE_JOB_OPTIONS;

export interface QueueOptions {
  readonly connection: Redis;
  /** Redis key prefix; tests use their own so they never see each other's jobs. */
  readonly prefix: string;
}

export interface Queues {
  outbound(channel: ChannelName): Queue<JobDataMap["outbound"]>;
  readonly reminders: Queue<JobDataMap["reminders"]>;
  readonly maintenance: Queue<JobDataMap["maintenance"]>;
  readonly settle: Queue<JobDataMap["settle"]>;
  readonly reconcile: Queue<JobDataMap["reconcile"]>;
  readonly codes: Queue<JobDataMap["codes"]>;
  close(): Promise<void>;
}

export function createQueues(options: QueueOptions): Queues {
  const outbound = new Map<ChannelName, Queue<JobDataMap["outbound"]>>();
  const base = { connection: options.connection, prefix: options.prefix };
  const reminders = new Queue<JobDataMap["reminders"]>("reminders", base);
  const maintenance = new Queue<JobDataMap["maintenance"]>("maintenance", base);
  const settle = new Queue<JobDataMap["settle"]>("settle", base);
  const reconcile = new Queue<JobDataMap["reconcile"]>("reconcile", base);
  const codes = new Queue<JobDataMap["codes"]>("codes", base);
  for (const queue of [reminders, maintenance, settle, reconcile, codes]) quietOnConnectionErrors(queue);
  return {
    outbound(channel) {
      let queue = outbound.get(channel);
      if (!queue) {
        queue = quietOnConnectionErrors(new Queue<JobDataMap["outbound"]>(outboundQueueName(channel), base));
        outbound.set(channel, queue);
      }
      return queue;
    },
    reminders,
    maintenance,
    settle,
    reconcile,
    codes,
    async close() {
      await Promise.all(
        [...outbound.values(), reminders, maintenance, settle, reconcile, codes].map((queue) =>
          queue.close(),
        ),
      );
    },
  };
}

/**
 * A queue re-emits every error of its Redis connection, and BullMQ prints each one to stderr when
 * nobody listens: a page of stack traces per second while Redis is down. The connection's owner
 * logs those errors already (core.ts); each failed command rejects to its caller.
 */
function quietOnConnectionErrors<T extends Queue>(queue: T): T {
  queue.on("error", () => undefined);
  return queue;
}
