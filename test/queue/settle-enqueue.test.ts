/**
 * Queueing a settle job again (the inbox sweeper) against real Redis and BullMQ: a job BullMQ
 * failed for stalling past its limit runs again; a job failed for any other reason stays failed.
 */
import { randomBytes } from "node:crypto";
import { UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createQueues, type Queues } from "../../src/queue/queues.js";
import { createSettleEnqueuer, STALLED_LIMIT_REASON } from "../../src/queue/settle-enqueue.js";
import { clearPrefix, REDIS_URL } from "../helpers/shop.js";

let prefix: string;
let connection: Redis;
let queues: Queues;
let worker: Worker;

beforeEach(() => {
  prefix = `se-${randomBytes(4).toString("hex")}`;
  connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = createQueues({ connection, prefix });
  // Fetches by hand (no processor), so the test decides how the job ends.
  worker = new Worker("settle", null, { connection: connection.duplicate(), prefix });
});

afterEach(async () => {
  await worker.close();
  await queues.close();
  connection.disconnect();
  await clearPrefix(prefix);
});

/** Queues `inboxId`'s job, takes it and fails it with `reason`. */
async function failedWith(inboxId: string, reason: string) {
  const enqueue = createSettleEnqueuer(queues.settle);
  await enqueue(inboxId);
  const job = await worker.getNextJob("token");
  expect(job?.id).toBe(inboxId);
  // Finally, whatever attempts are left, as BullMQ fails a job past its stalled limit.
  await job!.moveToFailed(new UnrecoverableError(reason), "token");
  expect(await queues.settle.getJobState(inboxId)).toBe("failed");
  return enqueue;
}

it("runs a job that stalled past its limit again when its row is queued again", async () => {
  const enqueue = await failedWith("ibx_stalled", STALLED_LIMIT_REASON);
  await enqueue("ibx_stalled");
  expect(await queues.settle.getJobState("ibx_stalled")).toBe("waiting");
});

it("leaves a job failed for another reason in the failed set", async () => {
  const enqueue = await failedWith("ibx_broken", "UnreadableDataError: not a webhook event");
  await enqueue("ibx_broken");
  expect(await queues.settle.getJobState("ibx_broken")).toBe("failed");
});
