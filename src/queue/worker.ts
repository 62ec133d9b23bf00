import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobDataMap, QueueName } from "./queues.js";

/** A worker on one of our queues, with its failures logged (BullMQ retries per the job's options). */
export function createJobWorker<Name extends Exclude<QueueName, "outbound">>(
  name: Name,
  processor: (job: Job<JobDataMap[Name]>) => Promise<unknown>,
  options: { connection: Redis; prefix: string; logger: Logger; concurrency?: number },
): Worker<JobDataMap[Name]> {
  const worker = new Worker<JobDataMap[Name]>(name, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
  });
  worker.on("failed", (job, error) =>
    options.logger.error(
      { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: error },
      "job failed",
    ),
  );
  worker.on("error", (error) => options.logger.error({ queue: name, err: error }, "worker error"));
  return worker;
}
