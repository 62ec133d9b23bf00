/**
 * Settle jobs against real Redis and BullMQ: a job that can never succeed (its plugin is not
 * registered, its instance's secrets do not decrypt, its data is not a settle job) is attempted
 * once, stays in the failed set with the reason, and its inbox row is marked so the sweeper stops
 * queueing it; a provider that cannot be reached is still retried.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import type { Job, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids.js";
import type { InboxEvent } from "../../src/domain/inbox.js";
import { createLogger } from "../../src/log/index.js";
import { createInboxProcessor } from "../../src/payments/inbox-processor.js";
import { mpesaPlugin } from "../../src/payments/mpesa/plugin.js";
import { createReceivedMoney } from "../../src/payments/received-money.js";
import { splitConfig } from "../../src/payments/registry/instance-config.js";
import { createProviderRegistry } from "../../src/payments/registry/registry.js";
import { createSecretBox } from "../../src/payments/registry/secrets.js";
import { createRedisSharedCache } from "../../src/payments/registry/shared-cache.js";
import type { SecretBox } from "../../src/payments/registry/types.js";
import { createSettlement } from "../../src/payments/settlement.js";
import { createQueues, type JobDataMap, type Queues, SETTLE_JOB_OPTIONS } from "../../src/queue/queues.js";
import { inboxSweepTask } from "../../src/queue/sweeper.js";
import { createJobWorker } from "../../src/queue/worker.js";
import { createStore } from "../../src/store/index.js";
import type { Store } from "../../src/store/types.js";
import { REDIS_URL } from "../helpers/shop.js";
import { testConfig } from "../payments/mpesa/harness.js";
import { at, makeInstance, makePayment } from "../store/fixtures.js";

const logger = createLogger({ level: "silent" });
let prefix: string;
let store: Store;
let producer: Redis;
let workerConnection: Redis;
let queues: Queues;
let secrets: SecretBox;
let worker: Worker<JobDataMap["settle"]>;

beforeEach(async () => {
  prefix = `t-${randomBytes(4).toString("hex")}`;
  store = await createStore({ mediaDir: `/tmp/${prefix}-media` });
  producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = createQueues({ connection: producer, prefix });
  secrets = createSecretBox({ current: randomBytes(32) });
  const registry = createProviderRegistry({
    plugins: [mpesaPlugin],
    instances: store.providers,
    secrets,
    publicUrl: "http://localhost:3000",
    shared: createRedisSharedCache(producer, prefix),
    logger,
  });
  const notifier = {
    tellShopper: async () => {},
    paymentSettled: async () => {},
    paymentFlagged: async () => {},
    orphanReceived: async () => {},
  };
  const settlement = createSettlement({ store, notifier, logger });
  const receivedMoney = createReceivedMoney({ store, registry, settlement, notifier, logger });
  const processInbox = createInboxProcessor({ store, registry, settlement, receivedMoney, logger });
  worker = createJobWorker("settle", (job) => processInbox(job.data.inboxId), {
    connection: workerConnection,
    prefix,
    logger,
  });
});

afterEach(async () => {
  await worker.close();
  await queues.close();
  await store.close();
  const keys = await producer.keys(`${prefix}:*`);
  if (keys.length > 0) await producer.del(...keys);
  producer.disconnect();
  workerConnection.disconnect();
});

/** A closed port: connecting is refused, as when a provider is down. */
async function refusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** An M-Pesa instance, a pending payment on it and a "paid" webhook event for that payment. */
async function paidEvent(options: { plugin?: string; box?: SecretBox; baseUrl?: string } = {}) {
  const plugin = options.plugin ?? "mpesa";
  const { config, secrets: encrypted } = splitConfig(options.box ?? secrets, mpesaPlugin.configSchema, {
    ...testConfig(options.baseUrl ?? (await refusedBaseUrl())),
  });
  const instance = makeInstance({ plugin, config, secrets: encrypted });
  await store.providers.create(instance);
  const payment = makePayment({
    instanceId: instance._id,
    providerRef: `ws_CO_${randomBytes(6).toString("hex")}`,
  });
  await store.payments.create(payment);
  const row: InboxEvent = {
    _id: newId("ibx"),
    tenantId: instance.tenantId,
    provider: plugin,
    instanceId: instance._id,
    eventKey: payment.providerRef!,
    event: { outcome: "succeeded", providerRef: payment.providerRef!, amount: payment.amount },
    status: "received",
    receivedAt: at(0),
  };
  await store.inbox.record(row);
  return row;
}

/** Resolves with the job once BullMQ has put it in the failed set for good (no retry left). */
function finallyFailed(jobId: string): Promise<Job<JobDataMap["settle"]>> {
  return new Promise((resolve) => {
    const listener = async (job: Job<JobDataMap["settle"]> | undefined) => {
      if (job?.id !== jobId || (await queues.settle.getJobState(jobId)) !== "failed") return;
      worker.off("failed", listener);
      resolve((await queues.settle.getJob(jobId))!);
    };
    worker.on("failed", listener);
  });
}

async function settle(inboxId: string, options = SETTLE_JOB_OPTIONS) {
  const failed = finallyFailed(inboxId);
  await queues.settle.add("settle", { inboxId }, { ...options, jobId: inboxId });
  return failed;
}

describe("settle jobs that can never succeed", () => {
  it("fails a job for a plugin that is not registered at once, and marks its row failed", async () => {
    const row = await paidEvent({ plugin: "stripe" });
    const job = await settle(row._id);

    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain('Payment plugin "stripe" is not registered');
    expect(job.opts.attempts).toBe(SETTLE_JOB_OPTIONS.attempts);
    const stored = await store.inbox.findById(row._id);
    expect(stored).toMatchObject({ status: "failed" });
    expect(stored?.note).toContain('"stripe" is not registered');

    // The sweeper no longer queues it.
    const queued: string[] = [];
    await inboxSweepTask({
      store,
      enqueueSettle: async (id) => void queued.push(id),
      logger,
      staleAfterMs: 0,
    }).run();
    expect(queued).not.toContain(row._id);
  });

  it("fails a job whose instance's secrets do not decrypt at once", async () => {
    const row = await paidEvent({ box: createSecretBox({ current: randomBytes(32) }) });
    const job = await settle(row._id);

    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^SecretKeyError: .*DUKA_MASTER_KEY/);
    expect(await store.inbox.findById(row._id)).toMatchObject({ status: "failed" });
  });

  it("fails a job whose data is not a settle job at once", async () => {
    const jobId = `bad-${randomBytes(4).toString("hex")}`;
    const failed = finallyFailed(jobId);
    await queues.settle.add("settle", { inboxId: 42 } as unknown as JobDataMap["settle"], {
      ...SETTLE_JOB_OPTIONS,
      jobId,
    });
    const job = await failed;

    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toContain("does not carry settle job data");
  });
});

describe("settle jobs that may succeed later", () => {
  it("retries when the provider cannot be reached, and leaves the row for the sweeper", async () => {
    const row = await paidEvent();
    const job = await settle(row._id, {
      ...SETTLE_JOB_OPTIONS,
      attempts: 3,
      backoff: { type: "fixed", delay: 10 },
    });

    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toMatch(/Daraja OAuth could not be reached/);
    expect(await store.inbox.findById(row._id)).toMatchObject({ status: "received" });
  });
});
