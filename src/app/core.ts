/**
 * The core every process role shares: the store, Redis and the queues, the channels opened for
 * this process, the provider registry, and the services of the shop. Builds every part from its
 * `create…(deps)` factory; `start` connects what needs connecting before any role starts.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import type { ChannelDefinition } from "../bot/channel-definition.js";
import { CHANNELS } from "../bot/channels.js";
import { createInboundDedupe } from "../bot/inbound-dedupe.js";
import { loadCatalog } from "../catalog/index.js";
import type { Catalog } from "../catalog/types.js";
import type { Config } from "../config/index.js";
import type { ChannelMap, InboundMessage } from "../domain/channel.js";
import { InternalError } from "../domain/errors.js";
import type { ChatAddress } from "../domain/order.js";
import type { Role } from "../domain/roles.js";
import { createLogger } from "../log/index.js";
import { createDeliveries } from "../payments/cash-on-delivery/index.js";
import { createInboxProcessor } from "../payments/inbox-processor.js";
import { createProofIntake } from "../payments/manual/proof-intake.js";
import { createProofReview } from "../payments/manual/review.js";
import { createPastedCodes } from "../payments/pasted-codes.js";
import { createPaymentService } from "../payments/payment-service.js";
import { BUILT_IN_PLUGINS } from "../payments/plugins.js";
import { createReceivedMoney } from "../payments/received-money.js";
import { createReconciler } from "../payments/reconciler.js";
import { createRefunds } from "../payments/refunds.js";
import { createRedisChangeFeed } from "../payments/registry/change-feed.js";
import { createHealthMonitor } from "../payments/registry/health.js";
import { assertSecretsReadable, plaintextSecrets } from "../payments/registry/instance-config.js";
import { resolveMasterKeys } from "../payments/registry/master-key.js";
import { loadPluginModules } from "../payments/registry/plugin-loader.js";
import { createProviderRegistry } from "../payments/registry/registry.js";
import { createSecretBox } from "../payments/registry/secrets.js";
import { environmentSeeds, seedInstances } from "../payments/registry/seed.js";
import { createRedisSharedCache } from "../payments/registry/shared-cache.js";
import { createTrafficRouter } from "../payments/routing/router.js";
import { createRedisStickyRoutes } from "../payments/routing/sticky-routes.js";
import { createSettlement } from "../payments/settlement.js";
import { createWebhookIntake } from "../payments/webhook-intake.js";
import { createChatOrder } from "../queue/chat-order.js";
import { createCodeCheckScheduler } from "../queue/code-checks.js";
import { createRedis, evictionPolicyProblem, persistenceProblem, waitForRedis } from "../queue/connection.js";
import { createOutbox } from "../queue/outbox.js";
import { createQueues, RECONCILE_JOB_OPTIONS } from "../queue/queues.js";
import { createRedisRateLimit } from "../queue/rate-limit.js";
import { createReminderScheduler } from "../queue/reminders.js";
import { createSettleEnqueuer } from "../queue/settle-enqueue.js";
import { createMetrics } from "../server/metrics.js";
import { createActionPerformer } from "../shop/actions.js";
import { type ActionPerformer, createConversationRunner } from "../shop/conversation-runner.js";
import { createFulfilment } from "../shop/fulfilment.js";
import { createInboundRouter } from "../shop/inbound-router.js";
import { createMerchantCommands } from "../shop/merchant-commands.js";
import { createMerchantNotifier } from "../shop/merchant-notifier.js";
import { createOrderService } from "../shop/orders.js";
import { createStore } from "../store/index.js";
import { openWhenReady } from "../store/open-when-ready.js";
import type { Store } from "../store/types.js";
import { openChannels } from "./open-channels.js";

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
   * The chat channels this service knows; default the channel map (src/bot/channels.ts). Tests
   * pass channels over stand-ins (a WhatsApp client) or channels of their own.
   */
  readonly channels?: readonly ChannelDefinition[];
}

export type Core = Awaited<ReturnType<typeof createCore>>;

export async function createCore(options: DukaOptions) {
  const { config } = options;
  const role = options.role ?? "all";
  const logger = options.logger ?? createLogger({ level: config.log.level });
  const runs = (...roles: Role[]) => role === "all" || roles.includes(role);
  /** What `stop` closes, in reverse order. */
  const closers: (() => Promise<unknown>)[] = [];

  const catalog = options.catalog ?? (await loadCatalog(config.catalog));
  const store =
    options.store ??
    // Started before its store, or while it is busy: wait for it rather than exit.
    (await openWhenReady(
      () =>
        createStore({
          ...(config.storage.mongodbUri ? { mongodbUri: config.storage.mongodbUri } : {}),
          dataDir: join(config.storage.dataDir, "store"),
          mediaDir: join(config.storage.dataDir, "media"),
          logger,
        }),
      logger,
    ));
  if (!options.store) closers.push(() => store.close());

  const producer = createRedis(config.redis.url, "producer");
  const workerConnection = createRedis(config.redis.url, "worker");
  const changeSubscriber = createRedis(config.redis.url, "worker");
  closers.push(() => Promise.all([producer.quit(), workerConnection.quit()]).catch(() => undefined));
  // Without a listener ioredis prints every failed reconnect to stderr while Redis is down.
  for (const redis of [producer, workerConnection, changeSubscriber])
    redis.on("error", (error) => logger.debug({ err: error }, "redis"));
  const prefix = config.queue.prefix;
  const queues = createQueues({ connection: producer, prefix });
  closers.push(() => queues.close());
  const chatOrder = createChatOrder(producer, prefix);
  const outbox = createOutbox({ store, queues, order: chatOrder });
  const metrics = createMetrics();

  const definitions = options.channels ?? CHANNELS;
  const channels = openChannels(definitions, config, { media: store.media, logger, redis: producer, runs });
  const adapters: ChannelMap = Object.fromEntries(
    channels.map(({ definition, runtime }) => [definition.name, runtime.adapter]),
  );
  const phoneOf = (chat: ChatAddress) =>
    definitions.find((definition) => definition.name === chat.channel)?.phoneOf?.(chat.chatId) ?? null;

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
    subscriber: changeSubscriber,
    channel: `${prefix}:providers:changed`,
    logger,
  });
  closers.push(() => changes.close());
  // Reconciliation is built further down; payments only call it once the service runs.
  const limitOf = (name: string, limit: number) =>
    createRedisRateLimit(
      producer,
      `${prefix}:limit:${name}`,
      { limit, windowSeconds: config.limits.windowSeconds },
      logger,
    );
  const payments = createPaymentService({
    store,
    registry,
    onPending: (payment) => reconciler.schedule(payment),
    payerPrompts: {
      perPhone: limitOf("prompt-phone", config.limits.paymentPushes),
      perChat: limitOf("prompt-chat", config.limits.paymentPushes),
    },
    router: createTrafficRouter({
      sticky: createRedisStickyRoutes(producer, prefix, config.providers.splitStickySeconds * 1000),
      stickyMs: config.providers.splitStickySeconds * 1000,
      logger,
    }),
    logger,
  });
  const orders = createOrderService({
    tenantId,
    store,
    catalog,
    payments,
    ordersPerChat: limitOf("orders", config.limits.orders),
    // The notifier is built below (it needs the conversations, which need the orders).
    delivery: {
      deliveryOrderPlaced: (order) => notifier.deliveryOrderPlaced(order),
      deliveryOrderCancelled: (order) => notifier.deliveryOrderCancelled(order),
    },
  });
  // The runner performs actions through services that themselves tell shoppers through the
  // runner; the late binding breaks that construction cycle.
  let perform: ActionPerformer = async () => {
    throw new InternalError("action performer not ready");
  };
  const conversations = createConversationRunner({
    tenantId,
    store,
    catalog,
    payments,
    outbox,
    perform: (...args) => perform(...args),
    logger,
    phoneOf,
  });
  const notifier = createMerchantNotifier({
    tenantId,
    merchants: config.merchants,
    outbox,
    conversations,
    catalog,
    providerLabel: (plugin) => registry.plugin(plugin)?.label,
  });
  const proofs = createProofIntake({
    store,
    channels: adapters,
    notifier,
    payments,
    maxBytes: config.proofs.maxBytes,
    scheduleReminder: createReminderScheduler(
      queues,
      options.reminderDelayMs ?? config.proofs.reminderMinutes * 60_000,
    ),
    // Built further down (they need the received money); only called once the service runs.
    pastedCodes: {
      wants: (tenantId, sms) => pastedCodes.wants(tenantId, sms),
      schedule: createCodeCheckScheduler(queues),
    },
  });
  perform = createActionPerformer({ tenantId, orders, proofs });
  const review = createProofReview({ store, notifier });
  const refunds = createRefunds({ store, registry, tellShopper: notifier.tellShopper, logger });
  const settlement = createSettlement({ store, notifier, logger });
  const deliveries = createDeliveries({ store, settlement, tellShopper: notifier.tellShopper });
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
  const enqueueSettle = createSettleEnqueuer(queues.settle);
  const receivedMoney = createReceivedMoney({ store, registry, settlement, notifier, payments, logger });
  const pastedCodes = createPastedCodes({
    store,
    registry,
    receivedMoney,
    handOver: proofs.handOver,
    logger,
  });
  const processInbox = createInboxProcessor({ store, registry, settlement, receivedMoney, logger });
  const intake = createWebhookIntake({
    store,
    registry,
    enqueueSettle,
    lookup: receivedMoney.lookup,
    logger,
  });
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
    merchantCommands: createMerchantCommands({
      tenantId,
      store,
      review,
      refunds,
      receivedMoney,
      fulfilment: createFulfilment({ store }),
      deliveries,
      catalog,
      logger,
    }),
    outbox,
    channels: adapters,
    messagesPerChat: limitOf("messages", config.limits.messages),
    logger,
  });
  const onInput = async (message: InboundMessage) => {
    metrics.inbound.inc({ channel: message.from.channel });
    await router.handle(message);
  };

  /**
   * Instances whose config asks for it tell their provider where to post (Daraja C2B Register URL)
   * at each start; a refusal is logged for the operator and does not stop the shop.
   */
  async function registerWebhooksOnStart(): Promise<void> {
    for (const instance of await store.providers.list({ tenantId })) {
      const client = registry.client(instance);
      if (!instance.active || !client.registersOnStart || !client.registerWebhooks) continue;
      try {
        const { message } = await client.registerWebhooks();
        logger.info({ instanceId: instance._id, message }, "webhook URLs registered with the provider");
      } catch (error) {
        logger.warn(
          { instanceId: instance._id, err: error },
          "webhook URLs not registered; use the admin API",
        );
      }
    }
  }

  /** Connects Redis, checks the master key, seeds the env-configured providers, follows changes. */
  async function start(): Promise<void> {
    await Promise.all([
      waitForRedis(producer, logger, "queues"),
      waitForRedis(workerConnection, logger, "workers"),
    ]);
    for (const problem of [await evictionPolicyProblem(producer), await persistenceProblem(producer)])
      if (problem) logger.warn(problem);
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
    await registerWebhooksOnStart();
    await changes.subscribe((changed) => registry.invalidate(changed));
    const refresh = setInterval(() => registry.invalidate(), config.providers.refreshSeconds * 1000);
    closers.push(async () => clearInterval(refresh));
  }

  return {
    config,
    role,
    runs,
    logger,
    closers,
    catalog,
    store,
    producer,
    workerConnection,
    prefix,
    queues,
    chatOrder,
    outbox,
    metrics,
    definitions,
    channels,
    adapters,
    tenantId,
    registry,
    secrets,
    changes,
    review,
    refunds,
    receivedMoney,
    pastedCodes,
    deliveries,
    reconciler,
    enqueueSettle,
    processInbox,
    intake,
    health,
    onInput,
    start,
  };
}
