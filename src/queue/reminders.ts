import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type JobDataMap, type Queues, REMINDER_JOB_OPTIONS } from "./queues.js";

/** Schedules one reminder per receipt; `delayMs` 0 disables reminders. */
export function createReminderScheduler(queues: Queues, delayMs: number) {
  return async (tenantId: string, proofId: string): Promise<void> => {
    if (delayMs <= 0) return;
    await queues.reminders.add(
      "remind",
      { tenantId, proofId },
      { ...REMINDER_JOB_OPTIONS, jobId: `remind-${proofId}`, delay: delayMs },
    );
  };
}

export function createReminderWorker(options: {
  remind: (tenantId: string, proofId: string) => Promise<void>;
  connection: Redis;
  prefix: string;
  logger: Logger;
}): Worker<JobDataMap["reminders"]> {
  const worker = new Worker<JobDataMap["reminders"]>(
    "reminders",
    (job) => options.remind(job.data.tenantId, job.data.proofId),
    { connection: options.connection, prefix: options.prefix },
  );
  worker.on("failed", (job, error) =>
    options.logger.error({ jobId: job?.id, err: error }, "reminder failed"),
  );
  worker.on("error", (error) => options.logger.error({ err: error }, "reminder worker error"));
  return worker;
}
