import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { DelayedError, type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Reply } from "../domain/channel.js";
import { type ChannelAdapter, ChannelRateLimitError, ChannelRejectedError } from "../domain/channel.js";
import { crashPoint } from "../faults.js";
import type { OutboxMessage, Store } from "../store/types.js";
import { whileStoreUnavailable } from "../store/while-unavailable.js";
import { type ChatOrder, IN_ORDER_WINDOW_MS } from "./chat-order.js";
import type { Pacer } from "./pacing.js";
import { type JobDataMap, outboundQueueName } from "./queues.js";
import { crashRecoveryOptions, failingAtOnce, isLastAttempt } from "./worker.js";

export interface OutboundWorkerOptions {
  readonly channel: ChannelAdapter;
  readonly store: Store;
  readonly pacer: Pacer;
  /** The chats' messages by when they were written. */
  readonly order: ChatOrder;
  readonly connection: Redis;
  readonly prefix: string;
  readonly logger: Logger;
  /** Jobs handled at once; pacing, not concurrency, keeps us inside the channel's limits. */
  readonly concurrency?: number;
  /** The one message that stands for several piled-up messages of a digest group (see OutboxMessage). */
  readonly renderDigest?: (group: string, lines: readonly string[]) => Reply;
}

/** Lines in one digest: well inside a chat message's length (Telegram: 4,096 characters). */
export const DIGEST_MAX = 30;

/** Longer than any send with the adapter's own retries; a crashed holder frees it after this. */
const DIGEST_LEASE_MS = 60_000;

/** How soon a message that waited for an older one looks again. */
const IN_ORDER_RECHECK_MS = 500;

/**
 * After a send, recording it waits out a store outage of up to ~16 s (a restart, a failover)
 * rather than failing the job: a failed job sends the message again on its retry.
 */
const RECORD_SENT_PAUSES_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

/** Deletes the lease only if this holder still has it. */
const RELEASE_LEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`;

/**
 * Sends stored outbox messages. Progress is recorded after each reply, so a retry resumes
 * where the last attempt stopped. A wait for the chat's slot or a 429 moves the job to the
 * delayed set instead of blocking a worker slot; a wait for the channel-wide budget holds it. A
 * 429 holds the whole chat for its retry_after (Telegram counts every early send against us).
 *
 * Digests: a message of a digest group that had to wait for its chat's slot is part of a pile-up
 * (a burst of "order paid" alerts to one merchant). Each such slot, when it comes, carries one
 * message listing the oldest waiting messages of the group, up to DIGEST_MAX; a job whose message
 * already went out in a digest still uses its slot for the next batch. So a pile-up drains at
 * DIGEST_MAX messages per slot instead of one. Each message is marked sent only after the digest
 * naming it went out: a crash may repeat a line, never lose one.
 */
export function createOutboundWorker(options: OutboundWorkerOptions): Worker<JobDataMap["outbound"]> {
  const { channel, store, pacer, logger } = options;

  /** Records what went out; safe to repeat, as each record is a plain set by the message's id. */
  const recordSent = (record: () => Promise<unknown>) =>
    whileStoreUnavailable(record, RECORD_SENT_PAUSES_MS, (error, attempt) =>
      logger.warn({ err: error, attempt }, "store unavailable after a send; recording it again"),
    );

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

  /**
   * Takes a slot of the channel-wide budget, then the chat's pace as sent, waiting in place for
   * each (well under a second) rather than re-queueing, so waiting jobs neither churn nor overtake
   * by priority. Both are taken right before the send, so a late send cannot bunch with others.
   */
  const takeSendSlots = async (chatId: string) => {
    for (;;) {
      for (let wait = await pacer.takeGlobalSlot(); wait > 0; wait = await pacer.takeGlobalSlot()) {
        await sleep(wait);
      }
      const chatWait = await pacer.takeChatSend(chatId);
      if (chatWait === 0) return;
      // The global slot lapses unused: cheaper than a send that breaks the chat's pace.
      await sleep(chatWait);
    }
  };

  /**
   * Waits out a chat's flood wait. Slots it held fell inside the wait, so it asks for a new one
   * afterwards; the chat's other messages wait too (`holdChat`), not only the one refused.
   */
  const deferForFloodWait = async (
    job: Job<JobDataMap["outbound"]>,
    token: string | undefined,
    waitMs: number,
  ) => {
    if (job.data.chatSlotFor !== undefined) await job.updateData({ outboxId: job.data.outboxId });
    return deferUntil(job, token, waitMs);
  };
  /** Checked last before each send: a flood wait may have begun while this job waited its turn. */
  const waitOutHold = async (job: Job<JobDataMap["outbound"]>, token: string | undefined, chatId: string) => {
    const held = await pacer.chatHeldFor(chatId);
    if (held > 0) await deferForFloodWait(job, token, held);
  };
  const floodWait = async (
    job: Job<JobDataMap["outbound"]>,
    token: string | undefined,
    chatId: string,
    error: ChannelRateLimitError,
  ) => {
    await pacer.holdChat(chatId, error.retryAfterMs);
    return deferForFloodWait(job, token, error.retryAfterMs);
  };

  /**
   * Sends the oldest waiting messages of `group` to `to` as one, in the chat slot this job holds.
   * One digest per chat and group at a time (a lease in Redis, shared by every process): a slow
   * send must not let the next slot's job name the same messages again.
   */
  const sendDigest = async (
    job: Job<JobDataMap["outbound"]>,
    token: string | undefined,
    to: OutboxMessage["to"],
    group: string,
  ) => {
    const lease = `${options.prefix}:digest:${channel.name}:${to.chatId}:${group}`;
    const holder = randomUUID();
    if ((await options.connection.set(lease, holder, "PX", DIGEST_LEASE_MS, "NX")) !== "OK") return;
    try {
      await sendDigestHoldingLease(job, token, to, group);
    } finally {
      await options.connection.eval(RELEASE_LEASE, 1, lease, holder);
    }
  };

  const sendDigestHoldingLease = async (
    job: Job<JobDataMap["outbound"]>,
    token: string | undefined,
    to: OutboxMessage["to"],
    group: string,
  ) => {
    const batch = (await store.outbox.listPendingDigest(to, group, DIGEST_MAX)).filter(isDigestible);
    if (batch.length === 0) return;
    await takeSendSlots(to.chatId);
    await waitOutHold(job, token, to.chatId);
    const reply =
      batch.length === 1
        ? batch[0]!.replies[0]!
        : options.renderDigest!(
            group,
            batch.map(({ digest }) => digest!.line),
          );
    try {
      await channel.send(to.chatId, reply);
    } catch (error) {
      if (error instanceof ChannelRateLimitError) await floodWait(job, token, to.chatId, error);
      // Refused for good, or out of attempts: the messages it named fail with it, as a single
      // message would, so none is left pending with no job to send it.
      const rejected = error instanceof ChannelRejectedError;
      if (rejected || isLastAttempt(job)) {
        logger.warn({ chat: to, err: error }, "digest not delivered; its messages are marked failed");
        for (const message of batch) await store.outbox.markFailed(message._id, new Date(), String(error));
      }
      if (rejected) return;
      throw error;
    }
    const sentAt = new Date();
    for (const message of batch) await recordSent(() => store.outbox.markSent(message._id, sentAt));
    logger.debug({ chat: to, group, messages: batch.length }, "digest sent");
  };

  const waitForOlder = async (
    job: Job<JobDataMap["outbound"]>,
    token: string | undefined,
    message: OutboxMessage,
  ) => {
    const since = new Date(message.createdAt.getTime() - IN_ORDER_WINDOW_MS);
    for (const id of await options.order.writtenBetween(message.to, since, message.createdAt)) {
      if ((await store.outbox.findById(id))?.status === "pending") {
        if (!job.data.behindOlder) await job.updateData({ ...job.data, chatSlotFor: 0, behindOlder: true });
        await deferUntil(job, token, IN_ORDER_RECHECK_MS);
      }
      await options.order.forget(message.to, id);
    }
  };

  const processor = async (job: Job<JobDataMap["outbound"]>, token?: string) => {
    const message = await store.outbox.findById(job.data.outboxId);
    if (!message) return;
    const group = options.renderDigest && isDigestible(message) ? message.digest!.group : undefined;
    // Woken in the chat slot it waited for: a pile-up of its group, sent as digests. (A slot
    // held only while an older message went first is no pile-up.)
    if (group && job.data.chatSlotFor === 0 && !job.data.behindOlder) {
      await sendDigest(job, token, message.to, group);
      // Still waiting (older ones filled the digest): it asks for the chat's next slot.
      if ((await store.outbox.findById(message._id))?.status !== "pending") return;
      await job.updateData({ outboxId: message._id });
    }
    if (message.status !== "pending") return;
    for (let index = message.sentCount; index < message.replies.length; index++) {
      if (job.data.chatSlotFor !== index) {
        const chatWait = await pacer.reserveChatSlot(message.to.chatId);
        if (chatWait > 0) await deferHolding(job, token, index, chatWait);
      }
      // A slot at once (the chat's burst) may have gone to an older message's job too, or that
      // job is not queued yet: let it send first. The wait keeps this slot, so waiting reserves
      // no more (each would push the chat's next free slot an interval further out). A later
      // slot keeps the order the slots were reserved in.
      if (index === 0 && (job.data.chatSlotFor !== 0 || job.data.behindOlder))
        await waitForOlder(job, token, message);
      await takeSendSlots(message.to.chatId);
      await waitOutHold(job, token, message.to.chatId);
      try {
        await channel.send(message.to.chatId, message.replies[index]!);
      } catch (error) {
        if (error instanceof ChannelRateLimitError) await floodWait(job, token, message.to.chatId, error);
        if (error instanceof ChannelRejectedError) {
          logger.warn({ outboxId: message._id, err: error }, "channel refused the message; not retrying");
          await store.outbox.markFailed(message._id, new Date(), error.message);
          return;
        }
        if (isLastAttempt(job)) await store.outbox.markFailed(message._id, new Date(), String(error));
        throw error;
      }
      crashPoint("after-send-before-mark");
      await recordSent(() => store.outbox.recordProgress(message._id, index + 1));
    }
    await recordSent(() => store.outbox.markSent(message._id, new Date()));
    logger.debug({ outboxId: message._id, replies: message.replies.length }, "message sent");
  };

  const worker = new Worker<JobDataMap["outbound"]>(
    outboundQueueName(channel.name),
    failingAtOnce("outbound", processor),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 8,
      ...crashRecoveryOptions(),
    },
  );
  worker.on("failed", (job, error) => {
    logger.error(
      { channel: channel.name, jobId: job?.id, data: job?.data, attempts: job?.attemptsMade, err: error },
      "outbound message failed",
    );
  });
  worker.on("error", (error) => logger.error({ err: error }, "outbound worker error"));
  return worker;
}

/** A one-reply message of a digest group, nothing of it sent yet. */
function isDigestible(message: OutboxMessage): boolean {
  return message.digest !== undefined && message.replies.length === 1 && message.sentCount === 0;
}
