/** The `worker` role's job workers, and each channel's outbound worker in the role that sends it. */
import type { Worker } from "bullmq";
import { crashPoint, testTimings } from "../faults.js";
import { pullReceivedTask } from "../payments/pull-received.js";
import { createRedisSharedCache } from "../payments/registry/shared-cache.js";
import { startMaintenance } from "../queue/maintenance.js";
import { createOutboundWorker } from "../queue/outbound-worker.js";
import { createPacer } from "../queue/pacing.js";
import { expiryTask, inboxSweepTask, outboxSweepTask } from "../queue/sweeper.js";
import { createJobWorker, isLastAttempt } from "../queue/worker.js";
import { merchantDigest } from "../shop/merchant-messages.js";
import type { Core, DukaOptions } from "./core.js";

/**
 * Starts them after the channels receive, so they close first: a channel's adapter is stopped
 * only once its outbound worker has finished the sends in flight.
 */
export async function startWorkers(core: Core, options: Pick<DukaOptions, "sweepEveryMs">): Promise<void> {
  const { config, store, logger, prefix, workerConnection: connection } = core;
  const workers: Worker[] = [];
  if (core.runs("worker")) {
    const jobOptions = { connection, prefix, logger };
    const sweepEveryMs = options.sweepEveryMs ?? testTimings()?.sweepMs;
    const sweep = sweepEveryMs ? { everyMs: sweepEveryMs, staleAfterMs: sweepEveryMs } : {};
    workers.push(
      createJobWorker(
        "reminders",
        (job) => core.review.remind(job.data.tenantId, job.data.proofId),
        jobOptions,
      ),
      // Settling waits on the provider's verify over HTTP, not on CPU: many at once keep a
      // burst of webhooks from queueing behind a few slow answers.
      createJobWorker(
        "settle",
        async (job) => {
          await core.processInbox(job.data.inboxId);
          crashPoint("after-settle-before-ack");
        },
        {
          ...jobOptions,
          concurrency: 32,
        },
      ),
      createJobWorker("reconcile", (job) => core.reconciler.check(job.data), jobOptions),
      createJobWorker("codes", (job) => core.pastedCodes.check(job.data, isLastAttempt(job)), jobOptions),
      await startMaintenance({
        tasks: {
          "sweep-outbox": outboxSweepTask({ store, outbox: core.outbox, logger, ...sweep }),
          "sweep-inbox": inboxSweepTask({ store, enqueueSettle: core.enqueueSettle, logger, ...sweep }),
          "provider-health": core.health.task(config.providers.healthIntervalSeconds * 1000),
          "pull-received": pullReceivedTask({
            store,
            registry: core.registry,
            recordEvent: core.intake.recordEvent,
            sharedOf: createRedisSharedCache(core.producer, prefix),
            everyMs: config.providers.pullIntervalSeconds * 1000,
            logger,
          }),
          // A refund call lasts seconds; a claim this old lost its answer (a timeout, a crash).
          "reconcile-refunds": {
            everyMs: 60_000,
            run: async () => void (await core.refunds.reconcileClaims(new Date(Date.now() - 5 * 60_000))),
          },
          // Only on a server without TTL indexes (see Store.expire).
          ...(store.expire ? { "expire-documents": expiryTask({ expire: store.expire, logger }) } : {}),
        },
        queues: core.queues,
        connection,
        prefix,
        logger,
      }),
    );
  }
  for (const { definition, runtime } of core.channels) {
    if (!core.runs(runtime.sendsIn)) continue;
    workers.push(
      createOutboundWorker({
        channel: runtime.adapter,
        store,
        pacer: createPacer(core.producer, `${prefix}:${definition.name}`, runtime.pacing),
        order: core.chatOrder,
        connection,
        prefix,
        logger,
        renderDigest: merchantDigest,
      }),
    );
  }
  // Closing waits for the jobs in flight, so a deploy never cuts a send in half.
  core.closers.push(() => Promise.all(workers.map((worker) => worker.close())));
}
