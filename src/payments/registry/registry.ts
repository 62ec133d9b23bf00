import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { ConfigError } from "../../domain/errors.js";
import type { PaymentMethod } from "../../domain/payment.js";
import type { PaymentOption } from "../../domain/payment-option.js";
import type { PaymentPlugin, ProviderClient } from "../plugin.js";
import { assertDistinctWebhookSegments, webhookUrlOf } from "../plugin-webhook.js";
import { type CredentialMode, modeOf } from "./credential-sets.js";
import { joinConfig } from "./instance-config.js";
import type { SharedCacheFactory } from "./shared-cache.js";
import type {
  ProviderInstance,
  ProviderInstanceRepository,
  ProviderRegistry,
  ResolvedInstance,
  SecretBox,
} from "./types.js";

export interface ProviderRegistryOptions {
  readonly plugins: readonly PaymentPlugin[];
  readonly instances: ProviderInstanceRepository;
  readonly secrets: SecretBox;
  readonly publicUrl: string;
  /** State a plugin shares across processes (Redis), per instance. */
  readonly shared: SharedCacheFactory;
  readonly logger: Logger;
}

/**
 * Stored data names a plugin this process was not started with (PAYMENT_PLUGINS, or a built-in
 * removed). A config problem: no retry helps until the plugin is registered again.
 */
export class PluginNotRegisteredError extends ConfigError {
  override name = "PluginNotRegisteredError";
  constructor(readonly plugin: string) {
    super(
      `Payment plugin "${plugin}" is not registered; add it to PAYMENT_PLUGINS or deactivate its instances`,
    );
  }
}

/** The registry plus what the composition root needs to keep it fresh and to check health. */
export interface ManagedProviderRegistry extends ProviderRegistry {
  /**
   * Builds (or reuses) the client of a stored instance, with the credentials of `mode` (default:
   * the set `testMode` selects now). A payment is verified and refunded in the mode it was made
   * in, whatever the instance is switched to since.
   */
  client(instance: ProviderInstance, mode?: CredentialMode): ProviderClient;
  /**
   * A stored instance by id, active or not (a late webhook to a deactivated instance still
   * settles), cached until the next invalidation: webhooks and settle jobs read it per event.
   */
  instance(id: string): Promise<ProviderInstance | null>;
  /** The plugin answering webhooks under /webhooks/<segment>/. */
  pluginForWebhook(segment: string): PaymentPlugin | undefined;
  /** Emits "invalidated" (tenantId or undefined for all) whenever cached instances are dropped. */
  readonly events: EventEmitter<{ invalidated: [tenantId: string | undefined] }>;
}

/**
 * Plugins by name, and each tenant's active instances, cached until invalidated. A change
 * anywhere (admin API, another process) reaches every process through the change feed, which
 * calls `invalidate`; a periodic `invalidate()` is the safety net for anything the feed missed.
 */
export function createProviderRegistry(options: ProviderRegistryOptions): ManagedProviderRegistry {
  const { logger } = options;
  const byName = new Map(options.plugins.map((plugin) => [plugin.name, plugin]));
  if (byName.size !== options.plugins.length) throw new ConfigError("Two payment plugins share a name");
  assertDistinctWebhookSegments(options.plugins);
  const bySegment = new Map(
    options.plugins.flatMap((plugin) => (plugin.webhook ? [[plugin.webhook.segment, plugin] as const] : [])),
  );
  const cache = new Map<string, Promise<ResolvedInstance[]>>();
  // Clients are built from decrypted config, once per stored version of an instance and mode.
  const clients = new Map<string, { updatedAt: number; client: ProviderClient }>();
  const events = new EventEmitter<{ invalidated: [tenantId: string | undefined] }>();
  // Only found instances stay: ids from forged requests must not grow the cache.
  const byId = new Map<string, Promise<ProviderInstance | null>>();

  function instance(id: string): Promise<ProviderInstance | null> {
    let found = byId.get(id);
    if (!found) {
      found = options.instances.findById(id);
      byId.set(id, found);
      found.then(
        (stored) => stored === null && byId.delete(id),
        () => byId.delete(id),
      );
    }
    return found;
  }

  function client(instance: ProviderInstance, mode: CredentialMode = modeOf(instance)): ProviderClient {
    const key = `${instance._id}:${mode}`;
    const cached = clients.get(key);
    if (cached && cached.updatedAt === instance.updatedAt.getTime()) return cached.client;
    const plugin = byName.get(instance.plugin);
    if (!plugin) throw new PluginNotRegisteredError(instance.plugin);
    const config = joinConfig(options.secrets, plugin.configSchema, instance, mode);
    const webhookUrl = webhookUrlOf(options.publicUrl, plugin, { id: instance._id, config });
    const built = plugin.create({
      id: instance._id,
      tenantId: instance.tenantId,
      testMode: mode === "test",
      config,
      publicUrl: options.publicUrl,
      ...(webhookUrl ? { webhookUrl } : {}),
      shared: options.shared(instance._id),
    });
    clients.set(key, { updatedAt: instance.updatedAt.getTime(), client: built });
    return built;
  }

  async function load(tenantId: string): Promise<ResolvedInstance[]> {
    const resolved: ResolvedInstance[] = [];
    for (const instance of await options.instances.list({ tenantId })) {
      const plugin = byName.get(instance.plugin);
      if (!instance.active) continue;
      if (!plugin) {
        logger.warn(
          { instanceId: instance._id, plugin: instance.plugin },
          "instance of an unregistered plugin skipped",
        );
        continue;
      }
      try {
        resolved.push({ instance, plugin, client: client(instance) });
      } catch (error) {
        // One broken instance must not take the others down; fallback moves on.
        logger.error({ instanceId: instance._id, err: error }, "provider instance cannot be built; skipped");
      }
    }
    return resolved;
  }

  function active(tenantId: string): Promise<ResolvedInstance[]> {
    let loaded = cache.get(tenantId);
    if (!loaded) {
      loaded = load(tenantId);
      cache.set(tenantId, loaded);
      // A failed load must not stick: the next call tries again.
      loaded.catch(() => cache.delete(tenantId));
    }
    return loaded;
  }

  return {
    events,
    client,
    instance,
    plugins: () => options.plugins,
    plugin: (name) => byName.get(name),
    pluginForWebhook: (segment) => bySegment.get(segment),

    async candidates(tenantId: string, method: PaymentMethod) {
      return (await active(tenantId)).filter(({ plugin }) => plugin.methods.includes(method));
    },

    async options(tenantId: string): Promise<PaymentOption[]> {
      const offered = new Map<PaymentMethod, PaymentOption>();
      const firstPrompts = new Set<PaymentMethod>();
      for (const { plugin, instance } of await active(tenantId)) {
        for (const method of plugin.methods) {
          const first = offered.get(method);
          // A page for a method whose first provider prompts the phone: the way after a failed prompt.
          if (first && firstPrompts.has(method) && !plugin.promptsPayer && !first.page) {
            const payer = plugin.payer?.(instance.config);
            const label = plugin.methodLabels?.[method] ?? plugin.label;
            offered.set(method, { ...first, page: { label, ...(payer ? { payer } : {}) } });
          }
          if (first) continue;
          if (plugin.promptsPayer) firstPrompts.add(method);
          const payer = plugin.payer?.(instance.config);
          offered.set(method, {
            method,
            label: plugin.methodLabels?.[method] ?? plugin.label,
            testMode: instance.testMode,
            ...(instance.testMode && plugin.testInstructions
              ? { testInstructions: plugin.testInstructions }
              : {}),
            ...(plugin.receiptLabel ? { receiptLabel: plugin.receiptLabel } : {}),
            ...(payer ? { payer } : {}),
          });
        }
      }
      return [...offered.values()];
    },

    probe(plugin, config, testMode) {
      const parsed = plugin.configSchema.parse(config);
      const webhookUrl = webhookUrlOf(options.publicUrl, plugin, { id: "probe", config: parsed });
      return plugin.create({
        id: "probe",
        tenantId: "probe",
        testMode,
        config: parsed,
        publicUrl: options.publicUrl,
        ...(webhookUrl ? { webhookUrl } : {}),
        // A probe shares nothing with stored instances.
        shared: options.shared(`probe-${randomBytes(6).toString("hex")}`),
      });
    },

    invalidate(tenantId?: string) {
      if (tenantId === undefined) cache.clear();
      else cache.delete(tenantId);
      // Rare (a change of some instance): dropping every entry is simpler than finding the tenant's.
      byId.clear();
      events.emit("invalidated", tenantId);
    },
  };
}
