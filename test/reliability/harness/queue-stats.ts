/**
 * What a cluster's queues hold in Redis (reliability.md R30 "Redis memory bounded"): job counts per
 * state, and the server's used memory, read over a connection of the caller's.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";

export type JobCounts = Record<
  "completed" | "failed" | "waiting" | "active" | "delayed" | "prioritized",
  number
>;

export async function queueCounts(
  redisUrl: string,
  prefix: string,
  names: readonly string[],
): Promise<Record<string, JobCounts>> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  try {
    const counts = await Promise.all(
      queues.map(
        (queue) =>
          queue.getJobCounts(
            "completed",
            "failed",
            "waiting",
            "active",
            "delayed",
            "prioritized",
          ) as Promise<JobCounts>,
      ),
    );
    return Object.fromEntries(names.map((name, index) => [name, counts[index]!]));
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
    connection.disconnect();
  }
}

/** INFO memory's used_memory, in bytes. */
export async function redisUsedMemory(redisUrl: string): Promise<number> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return Number((await connection.info("memory")).match(/^used_memory:(\d+)/m)?.[1]);
  } finally {
    connection.disconnect();
  }
}
