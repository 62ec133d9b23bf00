/**
 * The composition root: builds every part from its `create…(deps)` factory for one process
 * role, and owns the one shutdown path that closes them in reverse order.
 */
import type { Server } from "node:http";
import { join } from "node:path";
import type { Worker } from "bullmq";
import type { Logger } from "pino";
import type { ChannelMap, InboundMessage } from "./bot/channel.js";
import { createInboundDedupe } from "./bot/inbound-dedupe.js";
import { createTelegramAdapter, type TelegramAdapter } from "./bot/telegram/adapter.js";
import { createWhatsAppAdapter, type WhatsAppAdapter } from "./bot/whatsapp/adapter.js";
import { createWhatsAppWebClient, type WhatsAppClientLike } from "./bot/whatsapp/client.js";
import { publishWhatsAppStatus, readWhatsAppStatus, type WhatsAppStatus } from "./bot/whatsapp-status.js";
import { loadCatalog } from "./catalog/index.js";
import type { Catalog } from "./catalog/types.js";
import type { Config } from "./config/index.js";
import { createLogger } from "./log/index.js";
import { createInboxProcessor } from "./payments/inbox-processor.js";
import { createProofIntake } from "./payments/manual/proof-intake.js";
import { createProofReview } from "./payments/manual/review.js";
import { createPaymentService } from "./payments/payment-service.js";
import { BUILT_IN_PLUGINS } from "./payments/plugins.js";
import { createReconciler } from "./payments/reconciler.js";
import { createRefunds } from "./payments/refunds.js";
import { createProviderAdmin } from "./payments/registry/admin.js";
import { createRedisChangeFeed } from "./payments/registry/change-feed.js";
import { createHealthMonitor } from "./payments/registry/health.js";
import { assertSecretsReadable, plaintextSecrets } from "./payments/registry/instance-config.js";
import { resolveMasterKeys } from "./payments/registry/master-key.js";
import { loadPluginModules } from "./payments/registry/plugin-loader.js";
import { createProviderRegistry, type ManagedProviderRegistry } from "./payments/registry/registry.js";
import { createSecretBox } from "./payments/registry/secrets.js";
import { environmentSeeds, seedInstances } from "./payments/registry/seed.js";
import { createRedisSharedCache } from "./payments/registry/shared-cache.js";
import { createSettlement } from "./payments/settlement.js";
import { createWebhookIntake } from "./payments/webhook-intake.js";
import { createRedis, evictionPolicyProblem, waitForRedis } from "./queue/connection.js";
import { startMaintenance } from "./queue/maintenance.js";
import { createOutboundWorker } from "./queue/outbound-worker.js";
import { createOutbox } from "./queue/outbox.js";
import { createPacer, TELEGRAM_PACING, WHATSAPP_PACING } from "./queue/pacing.js";
import { createQueues, RECONCILE_JOB_OPTIONS, SETTLE_JOB_OPTIONS } from "./queue/queues.js";
import { createReminderScheduler } from "./queue/reminders.js";
import { expiryTask, inboxSweepTask, outboxSweepTask } from "./queue/sweeper.js";
import { createJobWorker } from "./queue/worker.js";
import { ADMIN_BASE, createAdminRoutes } from "./server/admin/index.js";
import { createHttpApp } from "./server/app.js";
import { createMetrics } from "./server/metrics.js";
import { createActionPerformer } from "./shop/actions.js";
import { type ActionPerformer, createConversationRunner } from "./shop/conversation-runner.js";
import { createInboundRouter } from "./shop/inbound-router.js";
import { createMerchantCommands } from "./shop/merchant-commands.js";
import { merchantDigest } from "./shop/merchant-messages.js";
import { createMerchantNotifier } from "./shop/merchant-notifier.js";
import { createOrderService } from "./shop/orders.js";
import { createStore } from "./store/index.js";
import type { Store } from "./store/types.js";
import { paymentWebhookRoutes } from "./webhooks/payment-webhooks.js";
import { telegramWebhookRoutes } from "./webhooks/telegram.js";

/** `all` runs everything in one process; the others let the service scale out (DESIGN §2). */
export const ROLES = ["all", "web", "worker", "telegram", "whatsapp"] as const;
export type Role = (typeof ROLES)[number];

export interface DukaOptions {
  readonly config: Config;
  readonly role?: Role;
  readonly logger?: Logger;
  /** A catalog already loaded (tests); otherwise read from the config. */
  readonly catalog?: Catalog;
  /** An already open store (tests sharing one between "processes"); otherwise opened here. */
  readonly store?: Store;
  /** Sweeper cadence; tests shorten it. */
  readonly sweepEveryMs?: number;
  /** Proof reminder delay in ms, overriding PROOF_REMINDER_MINUTES; tests shorten it. */
  readonly reminderDelayMs?: number;
  /** Reconciliation delays in ms, overriding RECONCILE_DELAYS_SECONDS; tests shorten them. */
  readonly reconcileDelaysMs?: readonly number[];
  /**
   * Builds the WhatsApp client (tests and the demo pass a stand-in); otherwise WHATSAPP_ENABLED
   * starts whatsapp-web.js with the system Chromium.
   */
  readonly whatsappClientFactory?: () => WhatsAppClientLike;
}

export interface Duka {
  readonly config: Config;
  readonly store: Store;
  readonly catalog: Catalog;
  readonly telegram?: TelegramAdapter;
  readonly whatsapp?: WhatsAppAdapter;
  readonly providers: ManagedProviderRegistry;
  /** The bound HTTP port (web roles), once started. */
  port(): number | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createDuka(options: DukaOptions): Promise<Duka> {
  const { config } = options;
  const role = options.role ?? "all";
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const runs = (...roles: Role[]) => role === "all" || roles.includes(role);
  const closers: (() => Promise<unknown>)[] = [];

  const catalog = options.catalog ?? (await loadCatalog(config.catalog));
  const store =
    options.store ??
    (await createStore({
      ...(config.storage.mongodbUri ? { mongodbUri: config.storage.mongodbUri } : {}),
      dataDir: join(config.storage.dataDir, "store"),
      mediaDir: join(config.storage.dataDir, "media"),
      logger,
    }));
  if (!options.store) closers.push(() => store.close());

  const producer = createRedis(config.redis.url, "producer");
  const workerConnection = createRedis(config.redis.url, "worker");
  closers.push(() => Promise.all([producer.quit(), workerConnection.quit()]).catch(() => undefined));
  for (const redis of [producer, workerConnection])
    redis.on("error", (error) => logger.debug({ err: error }, "redis"));
  const prefix = config.queue.prefix;
  const queues = createQueues({ connection: producer, prefix });
  closers.push(() => queues.close());
  const outbox = createOutbox({ store, queues });
  const metrics = createMetrics();

  const telegram = config.telegram
    ? createTelegramAdapter({
        token: config.telegram.token,
        apiRoot: config.telegram.apiRoot,
        media: store.media,
        logger: logger.child({ channel: "telegram" }),
        ...(config.telegram.mode === "webhook"
          ? {
              webhook: {
                url: `${config.http.publicUrl}/webhooks/telegram`,
                secret: config.telegram.webhookSecret!,
              },
            }
          : {}),
      })
    : undefined;
  const whatsappFactory =
    options.whatsappClientFactory ??
    (config.whatsapp
      ? () =>
          createWhatsAppWebClient({
            ...(config.whatsapp?.chromiumPath ? { chromiumPath: config.whatsapp.chromiumPath } : {}),
            dataPath: join(config.storage.dataDir, "whatsapp"),
            ...(config.storage.mongodbUri ? { mongodbUri: config.storage.mongodbUri } : {}),
            logger: logger.child({ channel: "whatsapp" }),
          })
      : undefined);
  const whatsapp = whatsappFactory
    ? createWhatsAppAdapter({
        clientFactory: whatsappFactory,
        media: store.media,
        logger: logger.child({ channel: "whatsapp" }),
      })
    : undefined;
  const whatsappStatusKey = `${prefix}:whatsapp:status`;
  const channels: ChannelMap = { ...(telegram ? { telegram } : {}), ...(whatsapp ? { whatsapp } : {}) };

  const tenantId = config.tenantId;
  // Outside production a missing DUKA_MASTER_KEY is replaced by a key kept with the data.
  const keys = resolveMasterKeys(config.security, logger, join(config.storage.dataDir, "master.key"));
  const secrets = createSecretBox({ current: keys.current, previous: keys.previous });
  const registry = createProviderRegistry({
    plugins: [...BUILT_IN_PLUGINS, ...(await loadPluginModules(config.providers.pluginModules))],
    instances: store.providers,
    secrets,
    publicUrl: config.http.publicUrl,
    shared: createRedisSharedCache(producer, prefix),
    logger,
  });
  const changes = createRedisChangeFeed({
    publisher: producer,
    subscriber: createRedis(config.redis.url, "worker"),
    channel: `${prefix}:providers:changed`,
    logger,
  });
  closers.push(() => changes.close());
  // Reconciliation is built further down; payments only call it once the service runs.
  const payments = createPaymentService({
    store,
    registry,
    onPending: (payment) => reconciler.schedule(payment),
    logger,
  });
  const orders = createOrderService({ tenantId, store, catalog, payments });
  // The runner performs actions through services that themselves tell shoppers through the
  // runner; the late binding breaks that construction cycle.
  let perform: ActionPerformer = async () => {
    throw new Error("action performer not ready");
  };
  const conversations = createConversationRunner({
    tenantId,
    store,
    catalog,
    payments,
    outbox,
    perform: (...args) => perform(...args),
    logger,
  });
  const notifier = createMerchantNotifier({
    tenantId,
    merchants: config.merchants,
    outbox,
    conversations,
    catalog,
  });
  const proofs = createProofIntake({
    store,
    channels,
    notifier,
    maxBytes: config.proofs.maxBytes,
    scheduleReminder: createReminderScheduler(
      queues,
      options.reminderDelayMs ?? config.proofs.reminderMinutes * 60_000,
    ),
  });
  perform = createActionPerformer({ tenantId, orders, proofs });
  const review = createProofReview({ store, notifier });
  const refunds = createRefunds({ store, registry, tellShopper: notifier.tellShopper, logger });
  const settlement = createSettlement({ store, notifier, logger });
  const reconciler = createReconciler({
    store,
    registry,
    settlement,
    delaysMs:
      options.reconcileDelaysMs ?? config.providers.reconcileDelaysSeconds.map((seconds) => seconds * 1000),
    schedule: async (job, delayMs, jobId) => {
      await queues.reconcile.add("reconcile", job, { ...RECONCILE_JOB_OPTIONS, jobId, delay: delayMs });
    },
    logger,
  });
  const enqueueSettle = async (inboxId: string) => {
    await queues.settle.add("settle", { inboxId }, { ...SETTLE_JOB_OPTIONS, jobId: inboxId });
  };
  const processInbox = createInboxProcessor({ store, registry, settlement, logger });
  const intake = createWebhookIntake({ store, registry, enqueueSettle, logger });
  const health = createHealthMonitor({
    instances: store.providers,
    clientOf: registry.client,
    secretsOf: (instance) => plaintextSecrets(secrets, instance),
    onChange: (instance) => notifier.providerHealthChanged(instance),
    logger,
  });
  const router = createInboundRouter({
    tenantId,
    merchants: config.merchants,
    dedupe: createInboundDedupe(producer, prefix, logger),
    conversations,
    merchantCommands: createMerchantCommands({ tenantId, store, review, refunds, catalog, logger }),
    outbox,
    channels,
    logger,
  });
  const onInput = async (message: InboundMessage) => {
    metrics.inbound.inc({ channel: message.from.channel });
    await router.handle(message);
  };

  const webhookMode = config.telegram?.mode === "webhook";
  const receivesTelegram = telegram && (webhookMode ? runs("web") : runs("telegram"));
  let server: Server | undefined;

  async function start(): Promise<void> {
    await Promise.all([
      waitForRedis(producer, logger, "queues"),
      waitForRedis(workerConnection, logger, "workers"),
    ]);
    const evictionProblem = await evictionPolicyProblem(producer);
    if (evictionProblem) logger.warn(evictionProblem);
    // A wrong master key must stop the start, not surface later as garbage or failed payments.
    assertSecretsReadable(secrets, await store.providers.list());
    await seedInstances({
      tenantId,
      seeds: environmentSeeds({
        plugins: registry.plugins(),
        sections: config.sections,
        context: { paymentInstructions: catalog.paymentInstructions },
      }),
      registry,
      instances: store.providers,
      secrets,
      logger,
      onChanged: (changed) => changes.publish(changed),
    });
    await changes.subscribe((changed) => registry.invalidate(changed));
    const refresh = setInterval(() => registry.invalidate(), config.providers.refreshSeconds * 1000);
    closers.push(async () => clearInterval(refresh));
    if (runs("worker")) {
      const jobOptions = { connection: workerConnection, prefix, logger };
      const workers: Worker[] = [
        createJobWorker("reminders", (job) => review.remind(job.data.tenantId, job.data.proofId), jobOptions),
        // Settling waits on the provider's verify over HTTP, not on CPU: many at once keep a
        // burst of webhooks from queueing behind a few slow answers.
        createJobWorker("settle", (job) => processInbox(job.data.inboxId), {
          ...jobOptions,
          concurrency: 32,
        }),
        createJobWorker("reconcile", (job) => reconciler.check(job.data), jobOptions),
        await startMaintenance({
          tasks: {
            "sweep-outbox": outboxSweepTask({
              store,
              outbox,
              logger,
              ...(options.sweepEveryMs
                ? { everyMs: options.sweepEveryMs, staleAfterMs: options.sweepEveryMs }
                : {}),
            }),
            "sweep-inbox": inboxSweepTask({
              store,
              enqueueSettle,
              logger,
              ...(options.sweepEveryMs
                ? { everyMs: options.sweepEveryMs, staleAfterMs: options.sweepEveryMs }
                : {}),
            }),
            "provider-health": health.task(config.providers.healthIntervalSeconds * 1000),
            // Only on a server without TTL indexes (see Store.expire).
            ...(store.expire ? { "expire-documents": expiryTask({ expire: store.expire, logger }) } : {}),
          },
          queues,
          connection: workerConnection,
          prefix,
          logger,
        }),
      ];
      if (telegram) {
        workers.push(
          createOutboundWorker({
            channel: telegram,
            store,
            pacer: createPacer(producer, `${prefix}:telegram`, TELEGRAM_PACING),
            connection: workerConnection,
            prefix,
            logger,
            renderDigest: merchantDigest,
          }),
        );
      }
      // Closing waits for the jobs in flight, so a deploy never cuts a send in half.
      closers.push(() => Promise.all(workers.map((worker) => worker.close())));
    }
    // A WhatsApp number lives in one process, which also sends its outbound messages (DESIGN §2).
    if (whatsapp && runs("whatsapp")) {
      whatsapp.listen(onInput);
      await whatsapp.start();
      const outbound = createOutboundWorker({
        channel: whatsapp,
        store,
        pacer: createPacer(producer, `${prefix}:whatsapp`, WHATSAPP_PACING),
        connection: workerConnection,
        prefix,
        logger,
        renderDigest: merchantDigest,
      });
      const stopReporting = publishWhatsAppStatus(producer, whatsappStatusKey, whatsappStatus);
      closers.push(async () => {
        stopReporting();
        await outbound.close();
        await whatsapp.stop();
      });
    }
    if (receivesTelegram) {
      telegram.listen(onInput);
      await telegram.start();
      closers.push(() => telegram.stop());
    }
    if (runs("web")) {
      const app = createHttpApp({
        logger,
        trustProxy: config.http.trustProxy,
        metrics,
        readiness: {
          redis: async () => ((await producer.ping()) === "PONG" ? null : "Redis did not answer PING"),
          store: async () => {
            await store.ping();
            return null;
          },
          ...(telegram ? { telegram: () => telegram.health() } : {}),
        },
        details: {
          // Public: the login QR (which would let anyone link a phone) stays behind the admin token.
          ...(whatsappFactory
            ? {
                whatsapp: async () => {
                  const { qr, ...status } = await whatsappStatus();
                  return { ...status, waitingForQrScan: qr !== null };
                },
              }
            : {}),
          providers: async () =>
            (await store.providers.list({ tenantId })).map((instance) => ({
              id: instance._id,
              plugin: instance.plugin,
              displayName: instance.displayName,
              active: instance.active,
              health: instance.health,
            })),
        },
        routes: [
          {
            path: "/",
            router: paymentWebhookRoutes({ intake, pluginForWebhook: registry.pluginForWebhook }),
          },
          ...(webhookMode && telegram
            ? [
                {
                  path: "/",
                  router: telegramWebhookRoutes(telegram.webhookHandler(config.telegram!.webhookSecret!)),
                },
              ]
            : []),
          ...(config.admin
            ? [
                {
                  path: ADMIN_BASE,
                  router: createAdminRoutes(
                    createProviderAdmin({
                      registry,
                      instances: store.providers,
                      secrets,
                      changes,
                      health,
                      audit: store.audit,
                      publicUrl: config.http.publicUrl,
                      defaultTenantId: tenantId,
                    }),
                    {
                      token: config.admin.token,
                      refunds,
                      tenantId,
                      ...(whatsappFactory ? { whatsappStatus } : {}),
                    },
                  ),
                },
              ]
            : []),
        ],
      });
      server = await new Promise<Server>((resolve, reject) => {
        const listening = app.listen(config.http.port, () => resolve(listening));
        listening.once("error", reject);
      });
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server!.close(() => resolve());
            server!.closeIdleConnections();
          }),
      );
    }
    if (config.merchants.length === 0) {
      logger.warn("MERCHANT_CHAT_IDS is empty: nobody is told about receipts or can confirm them");
    }
    logger.info(
      { role, store: store.kind, telegram: Boolean(telegram), port: currentPort() },
      "duka started",
    );
  }

  /** The session as this process sees it, or as the WhatsApp process last reported it. */
  async function whatsappStatus(): Promise<WhatsAppStatus> {
    if (whatsapp && runs("whatsapp")) {
      return {
        state: whatsapp.state(),
        problem: await whatsapp.health(),
        qr: whatsapp.qr(),
        at: new Date().toISOString(),
      };
    }
    return readWhatsAppStatus(producer, whatsappStatusKey);
  }

  function currentPort(): number | undefined {
    const address = server?.address();
    return address && typeof address === "object" ? address.port : undefined;
  }

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const close of closers.reverse()) {
        await close().catch((error: unknown) => logger.error({ err: error }, "error while shutting down"));
      }
      logger.info({ role }, "duka stopped");
    })();
    return stopping;
  }

  return {
    config,
    store,
    catalog,
    providers: registry,
    ...(telegram ? { telegram } : {}),
    ...(whatsapp ? { whatsapp } : {}),
    port: currentPort,
    start,
    stop,
  };
}
