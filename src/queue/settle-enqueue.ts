/** Queues the settle job of an inbox row: one job per row, its id the row's. */
import type { Queue } from "bullmq";
import type { JobDataMap } from "./queues.js";
import { SETTLE_JOB_OPTIONS } from "./queues.js";

/** BullMQ's reason for a job whose lock ran out more often than maxStalledCount allows. */
export const STALLED_LIMIT_REASON = "job stalled more than allowable limit";

/**
 * BullMQ keeps a failed job's id for a week, and an add with that id is silently ignored. A job
 * failed for stalling (its worker hung or died, nothing wrong with the event) is run again
 * instead, so the inbox sweeper can still settle its row; other failures stay for an operator.
 */
export function createSettleEnqueuer(queue: Queue<JobDataMap["settle"]>) {
  return async (inboxId: string): Promise<void> => {
    await queue.add("settle", { inboxId }, { ...SETTLE_JOB_OPTIONS, jobId: inboxId });
    // add() answers with the job it was given, not the one kept: read what is stored.
    const job = await queue.getJob(inboxId);
    if (job?.failedReason === STALLED_LIMIT_REASON && (await job.isFailed())) await job.retry("failed");
  };
}
