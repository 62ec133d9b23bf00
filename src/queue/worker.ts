import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { z } from "zod";
import { isPermanent, UnreadableDataError } from "../domain/errors.js";
import { testTimings } from "../faults.js";
import { JOB_DATA_SCHEMAS, type JobDataMap, type QueueName } from "./queues.js";

type Processor<Name extends QueueName> = (job: Job<JobDataMap[Name]>, token?: string) => Promise<unknown>;

/**
 * Wraps a processor so that a job that can never succeed fails at once, with BullMQ's
 * UnrecoverableError instead of every retry: data that does not fit the queue's schema, or a
 * failure no retry can fix (`isPermanent`: a plugin not registered, a secret that does not
 * decrypt, unreadable stored data). The job stays in the failed set with the reason, for an
 * operator; anything else is thrown as it was, for BullMQ to retry.
 */
export function failingAtOnce<Name extends QueueName>(
  name: Name,
  processor: Processor<Name>,
): Processor<Name> {
  return async (job, token) => {
    try {
      const parsed = JOB_DATA_SCHEMAS[name].safeParse(job.data);
      if (!parsed.success) {
        throw new UnreadableDataError(
          `The ${name} job ${job.id} does not carry ${name} job data: ${z.prettifyError(parsed.error)}`,
        );
      }
      return await processor(job, token);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      throw Object.assign(new UnrecoverableError(`${error.name}: ${error.message}`), { cause: error });
    }
  };
}

/**
 * A worker on one of our queues, with its failures logged with the job's ids (BullMQ retries per
 * the job's options, except for jobs that can never succeed: see failingAtOnce).
 */
export function createJobWorker<Name extends Exclude<QueueName, "outbound">>(
  name: Name,
  processor: Processor<Name>,
  options: { connection: Redis; prefix: string; logger: Logger; concurrency?: number },
): Worker<JobDataMap[Name]> {
  const worker = new Worker<JobDataMap[Name]>(name, failingAtOnce(name, processor), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
    ...crashRecoveryOptions(),
  });
  worker.on("failed", (job, error) =>
    options.logger.error(
      { queue: name, jobId: job?.id, data: job?.data, attempts: job?.attemptsMade, err: error },
      "job failed",
    ),
  );
  worker.on("error", (error) => options.logger.error({ queue: name, err: error }, "worker error"));
  return worker;
}

/** Whether a failure of this run leaves BullMQ no retry: the job's last chance to finish otherwise. */
export function isLastAttempt(job: Pick<Job, "attemptsMade" | "opts">): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** BullMQ's lock and stalled check: its defaults (30 s), or the short test timings (src/faults.ts). */
export function crashRecoveryOptions(): { lockDuration?: number; stalledInterval?: number } {
  const timings = testTimings();
  return timings ? { lockDuration: timings.lockMs, stalledInterval: timings.lockMs } : {};
}
