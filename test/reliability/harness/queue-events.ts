/**
 * BullMQ's own account of a run, from outside Duka's processes: QueueEvents on the cluster's
 * queues (what a job did, e.g. `stalled`: its lock ran out while a worker held it) and their job
 * counts.
 */
import { type JobType, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { REDIS_URL } from "../../helpers/shop.js";

export interface QueueWatch {
  /** Events of `name` seen so far, per queue: job ids, with `failedReason` for failures. */
  readonly seen: Map<string, { jobId: string; failedReason?: string; at: number }[]>;
  counts(...types: JobType[]): Promise<Record<string, Record<string, number>>>;
  close(): Promise<void>;
}

/** Watches `events` (e.g. "stalled", "failed") on `queues` under `prefix`; resolves once listening. */
export async function watchQueues(
  prefix: string,
  queues: readonly string[],
  events: readonly ("stalled" | "failed")[],
): Promise<QueueWatch> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const seen = new Map<string, { jobId: string; failedReason?: string; at: number }[]>();
  // QueueEvents blocks on its connection: one each.
  const blocking = queues.map(() => new Redis(REDIS_URL, { maxRetriesPerRequest: null }));
  const watchers = queues.map((name, index) => {
    const watcher = new QueueEvents(name, { prefix, connection: blocking[index]! });
    for (const event of events) {
      watcher.on(event, (payload: { jobId: string; failedReason?: string }) => {
        const key = `${name}:${event}`;
        seen.set(key, [...(seen.get(key) ?? []), { ...payload, at: Date.now() }]);
      });
    }
    return watcher;
  });
  await Promise.all(watchers.map((watcher) => watcher.waitUntilReady()));
  const handles = queues.map((name) => new Queue(name, { prefix, connection }));
  return {
    seen,
    async counts(...types) {
      const all = await Promise.all(handles.map((queue) => queue.getJobCounts(...types)));
      return Object.fromEntries(queues.map((name, index) => [name, all[index]!]));
    },
    async close() {
      await Promise.all(watchers.map((watcher) => watcher.close()));
      await Promise.all(handles.map((queue) => queue.close()));
      for (const redis of [connection, ...blocking]) redis.disconnect();
    },
  };
}
