import type { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { JobDataMap, Queues } from "./queues.js";
import { createJobWorker } from "./worker.js";

/** A periodic job: run every `everyMs` by whichever worker process picks it up. */
export interface MaintenanceTask {
  readonly everyMs: number;
  run(): Promise<void>;
}

/**
 * Schedules each task as a BullMQ job scheduler (one schedule however many workers run) and
 * runs them on the maintenance queue.
 */
export async function startMaintenance(options: {
  tasks: Readonly<Record<string, MaintenanceTask>>;
  queues: Queues;
  connection: Redis;
  prefix: string;
  logger: Logger;
}): Promise<Worker<JobDataMap["maintenance"]>> {
  for (const [name, task] of Object.entries(options.tasks)) {
    await options.queues.maintenance.upsertJobScheduler(
      name,
      { every: task.everyMs },
      { name, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }
  return createJobWorker(
    "maintenance",
    async (job) => {
      const task = options.tasks[job.name];
      // A schedule left by an older version: nothing to run.
      if (task) await task.run();
    },
    { connection: options.connection, prefix: options.prefix, logger: options.logger, concurrency: 1 },
  );
}
