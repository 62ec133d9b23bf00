import { DukaError, DuplicateKeyError } from "../../domain/errors.js";
import { newId } from "../../domain/ids.js";
import type { AuditRepository } from "../../store/types.js";
import { type HealthResult, type PaymentPlugin, perModeFieldsOf, secretFieldsOf } from "../plugin.js";
import { webhookPathOf } from "../plugin-webhook.js";
import {
  AdminValidationError,
  configFieldNames,
  diffConfig,
  diffSecrets,
  LIVE_INPUT,
  mergeInput,
  prefixed,
  TEST_INPUT,
} from "./admin-input.js";
import { type CredentialMode, hasCredentials, modeOf, withCredentialSets } from "./credential-sets.js";
import type { HealthMonitor } from "./health.js";
import {
  InvalidConfigError,
  joinConfig,
  maskSecrets,
  plaintextSecrets,
  type SplitSets,
  scrubSecrets,
  splitSets,
} from "./instance-config.js";
import { type PluginView, toPluginView } from "./plugin-view.js";
import type { ManagedProviderRegistry } from "./registry.js";
import { SecretKeyError } from "./secrets.js";
import type {
  ChangeFeed,
  InstanceChanges,
  InstanceHealth,
  ProviderInstance,
  ProviderInstanceRepository,
  SecretBox,
} from "./types.js";

export interface ProviderAdminDeps {
  /** Managed: registering webhook URLs calls an instance's own client. */
  readonly registry: ManagedProviderRegistry;
  readonly instances: ProviderInstanceRepository;
  readonly secrets: SecretBox;
  readonly changes: ChangeFeed;
  /** Checks, stores and alerts exactly as the periodic health task does. */
  readonly health: HealthMonitor;
  readonly audit: AuditRepository;
  /** `PUBLIC_URL`: webhook URLs are built from it. */
  readonly publicUrl: string;
  /** The tenant of instances created without one. */
  readonly defaultTenantId: string;
  /** Default: the system clock. */
  readonly now?: () => Date;
}

/** A provider instance as the admin sees it: never a plaintext secret. */
export interface ProviderView {
  readonly id: string;
  readonly tenantId: string;
  readonly plugin: string;
  readonly displayName: string;
  readonly active: boolean;
  readonly testMode: boolean;
  readonly priority: number;
  /** Its share of the method's traffic among weighted peers at the same priority; null: not splitting. */
  readonly weight: number | null;
  readonly health: InstanceHealth;
  /** Where the provider must call back (`PUBLIC_URL` + the plugin's webhook path), or null. */
  readonly webhookUrl: string | null;
  /** The non-secret config fields: the shared ones and the live set's own. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Each stored secret field, masked (`sk_live_…1234`): the shared ones and the live set's own. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The test set's own fields, secrets masked; null: no test credentials. */
  readonly test: {
    readonly config: Readonly<Record<string, unknown>>;
    readonly secrets: Readonly<Record<string, string>>;
  } | null;
  /** Which modes have credentials: `testMode` may only select one that has. */
  readonly credentials: Readonly<Record<CredentialMode, boolean>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface CreateProviderInput {
  /** Default: the default tenant. */
  readonly tenantId?: string;
  readonly plugin: string;
  /** Unique per tenant. */
  readonly displayName: string;
  /** The plugin's config, secret fields included (in plaintext; encrypted before storing). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Secret fields may also be given apart from `config` (DESIGN §7); never both for one field. */
  readonly secrets?: Readonly<Record<string, string>>;
  /**
   * The test account's own fields (the plugin's `perMode` ones: keys, webhook secrets, base URLs),
   * secrets in plaintext; shared fields come from `config`. Omitted: no test credentials.
   */
  readonly testConfig?: Readonly<Record<string, unknown>>;
  /** Test secret fields apart from `testConfig`, as `secrets` is to `config`. */
  readonly testSecrets?: Readonly<Record<string, string>>;
  /** Default true. */
  readonly active?: boolean;
  /** Default false. The selected mode must have credentials (400 otherwise). */
  readonly testMode?: boolean;
  /** Lower goes first. Default 100. */
  readonly priority?: number;
  /** Share of traffic among weighted instances of the same priority (A/B routing). Default none. */
  readonly weight?: number;
}

export interface UpdateProviderInput {
  readonly active?: boolean;
  /** Switches the set every call uses, from the next call on; refused (400) without credentials for it. */
  readonly testMode?: boolean;
  readonly priority?: number;
  /** A new share of traffic; null stops splitting. */
  readonly weight?: number | null;
  readonly displayName?: string;
  /** A partial config: fields given replace the stored ones, fields omitted keep their value. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Secret fields to replace; the same as giving them in `config`. */
  readonly secrets?: Readonly<Record<string, string>>;
  /** The test set's fields to replace, as `config` does for the live set. */
  readonly testConfig?: Readonly<Record<string, unknown>>;
  readonly testSecrets?: Readonly<Record<string, string>>;
}

export interface ProviderAdmin {
  /** Instances by priority; every tenant's when `tenantId` is omitted. */
  list(tenantId?: string): Promise<ProviderView[]>;
  /** Throws not_found. */
  get(id: string): Promise<ProviderView>;
  /** Throws invalid (unknown plugin, bad config; with `issues`) or conflict (displayName taken). */
  create(input: CreateProviderInput): Promise<ProviderView>;
  /** Throws not_found, invalid or conflict. */
  update(id: string, input: UpdateProviderInput): Promise<ProviderView>;
  /** Throws not_found. */
  remove(id: string): Promise<void>;
  /** Runs the health check now and stores the result. Throws not_found. */
  checkNow(id: string): Promise<ProviderView>;
  /**
   * Tells the provider where to post this instance's events (Daraja C2B Register URL). Throws
   * not_found, or conflict when its plugin registers nothing; a provider's refusal is a ProviderError.
   */
  registerWebhooks(id: string): Promise<{ readonly message: string }>;
  /** Checks a config before it is saved; stores nothing. Throws not_found (plugin) or invalid. */
  testConnection(
    pluginName: string,
    config: Readonly<Record<string, unknown>>,
    testMode: boolean,
  ): Promise<HealthResult>;
  plugins(): PluginView[];
}

const DEFAULTS = { active: true, testMode: false, priority: 100 } as const;

export type AuditAction =
  | "provider.created"
  | "provider.updated"
  | "provider.deleted"
  | "provider.activated"
  | "provider.deactivated"
  | "provider.health_checked"
  | "provider.webhooks_registered";

export function createProviderAdmin(deps: ProviderAdminDeps): ProviderAdmin {
  const { registry, instances, secrets: box } = deps;
  const now = deps.now ?? (() => new Date());
  const publicUrl = deps.publicUrl.replace(/\/+$/, "");

  function registeredNames(): string {
    return (
      registry
        .plugins()
        .map((plugin) => plugin.name)
        .join(", ") || "none"
    );
  }

  function requirePlugin(name: string, code: "invalid" | "not_found" = "invalid"): PaymentPlugin {
    const plugin = registry.plugin(name);
    if (plugin) return plugin;
    const message = `Unknown plugin "${name}", registered: ${registeredNames()}`;
    if (code === "not_found") throw new DukaError("not_found", message);
    throw new AdminValidationError(message, [{ path: "plugin", message }]);
  }

  async function requireInstance(id: string): Promise<ProviderInstance> {
    const instance = await instances.findById(id);
    if (!instance)
      throw new DukaError("not_found", `No provider instance "${id}"; GET /providers lists them`);
    return instance;
  }

  function webhookUrlOf(instance: ProviderInstance, plugin: PaymentPlugin | undefined): string | null {
    if (!plugin?.webhook) return null;
    try {
      const config = joinConfig(box, plugin.configSchema, instance);
      const path = webhookPathOf(plugin, { id: instance._id, config });
      if (path === undefined) return null;
      // A path may embed a secret (an unguessable callback token): it is not shown here.
      return `${publicUrl}${scrubSecrets(path, plaintextSecrets(box, instance))}`;
    } catch {
      // Stored config no longer valid or secrets unreadable: no URL until it is fixed.
      return null;
    }
  }

  function toView(stored: ProviderInstance): ProviderView {
    const plugin = registry.plugin(stored.plugin);
    const instance = plugin ? withCredentialSets(plugin.configSchema, stored) : stored;
    const masked = (set: Pick<ProviderInstance, "secrets">) => {
      try {
        return maskSecrets(box, set);
      } catch {
        // A secret under a retired key must not hide the instance from the admin who fixes it.
        return Object.fromEntries(Object.keys(set.secrets).map((name) => [name, "(unreadable)"]));
      }
    };
    const has = (mode: CredentialMode) =>
      plugin ? hasCredentials(plugin.configSchema, instance, mode) : false;
    return {
      id: instance._id,
      tenantId: instance.tenantId,
      plugin: instance.plugin,
      displayName: instance.displayName,
      active: instance.active,
      testMode: instance.testMode,
      priority: instance.priority,
      weight: instance.weight ?? null,
      health: instance.health,
      webhookUrl: webhookUrlOf(instance, plugin),
      config: plugin ? withoutSecretFields(plugin, instance.config) : instance.config,
      secrets: masked(instance),
      // A plugin without per-mode fields (manual) has one config for both modes: no test set to show.
      test:
        plugin && perModeFieldsOf(plugin.configSchema).length > 0 && has("test") && instance.test
          ? { config: instance.test.config, secrets: masked(instance.test) }
          : null,
      credentials: { live: has("live"), test: has("test") },
      createdAt: instance.createdAt,
      updatedAt: instance.updatedAt,
    };
  }

  async function assertNameFree(tenantId: string, displayName: string, exceptId?: string): Promise<void> {
    const taken = (await instances.list({ tenantId })).some(
      (instance) => instance.displayName === displayName && instance._id !== exceptId,
    );
    if (taken) throw nameTaken(tenantId, displayName);
  }

  async function announce(
    instance: ProviderInstance,
    action: AuditAction,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await deps.audit.append({
      _id: newId("aud"),
      tenantId: instance.tenantId,
      at: now(),
      actor: "admin",
      action,
      subjectId: instance._id,
      detail: { plugin: instance.plugin, displayName: instance.displayName, ...detail },
    });
    // This process at once; the others through the feed.
    registry.invalidate(instance.tenantId);
    try {
      await deps.changes.publish(instance.tenantId);
    } catch (error) {
      throw new DukaError(
        "unavailable",
        `The change to ${instance._id} was saved, but other processes could not be told; they pick it up at their next periodic reload`,
        { cause: error },
      );
    }
  }

  /**
   * Validates the live and test configs (secret fields in plaintext) against the plugin and splits
   * them; with `existing`, fields omitted keep their stored values. Issues are reported at their
   * path in the request (`config.apiKey`, `testConfig.secretKey`).
   */
  function split(
    plugin: PaymentPlugin,
    input: Pick<UpdateProviderInput, "config" | "secrets" | "testConfig" | "testSecrets">,
    existing?: ProviderInstance,
  ): SplitSets {
    const live = mergeInput(plugin, input.config ?? {}, input.secrets, LIVE_INPUT);
    const test =
      input.testConfig !== undefined || input.testSecrets !== undefined
        ? mergeInput(plugin, input.testConfig ?? {}, input.testSecrets, TEST_INPUT)
        : undefined;
    try {
      return splitSets(box, plugin.configSchema, { live, ...(test ? { test } : {}) }, existing);
    } catch (error) {
      if (error instanceof InvalidConfigError) {
        throw new AdminValidationError(
          error.message,
          error.issues.map(({ path, message }) => ({
            path:
              path === ""
                ? "config"
                : path.startsWith("test.")
                  ? `testConfig.${path.slice("test.".length)}`
                  : `config.${path}`,
            message,
          })),
        );
      }
      if (error instanceof SecretKeyError) {
        // An omitted secret must be kept but cannot be read: the admin fixes it by giving it anew.
        throw new AdminValidationError(
          error.message,
          error.unreadable.map(({ field }) => ({
            path:
              existing?.test && Object.hasOwn(existing.test.secrets, field)
                ? `testConfig.${field}`
                : `config.${field}`,
            message: "The stored value cannot be decrypted; give a new value",
          })),
        );
      }
      throw error;
    }
  }

  return {
    async list(tenantId) {
      const found = await instances.list(tenantId === undefined ? {} : { tenantId });
      return found.map(toView);
    },

    async get(id) {
      return toView(await requireInstance(id));
    },

    async create(input) {
      const plugin = requirePlugin(input.plugin);
      const tenantId = input.tenantId ?? deps.defaultTenantId;
      const displayName = input.displayName.trim();
      const { config, secrets, test } = split(plugin, input);
      await assertNameFree(tenantId, displayName);
      const at = now();
      const instance: ProviderInstance = {
        _id: newId("pi"),
        tenantId,
        plugin: plugin.name,
        displayName,
        config,
        secrets,
        test,
        active: input.active ?? DEFAULTS.active,
        testMode: input.testMode ?? DEFAULTS.testMode,
        priority: input.priority ?? DEFAULTS.priority,
        ...(input.weight === undefined ? {} : { weight: input.weight }),
        health: { status: "unknown" },
        source: "admin",
        createdAt: at,
        updatedAt: at,
      };
      assertCredentialsFor(plugin, instance);
      try {
        await instances.create(instance);
      } catch (error) {
        if (error instanceof DuplicateKeyError) throw nameTaken(tenantId, displayName);
        throw error;
      }
      await announce(instance, "provider.created", {
        fields: [
          "active",
          "testMode",
          "priority",
          ...(instance.weight === undefined ? [] : ["weight"]),
          ...configFieldNames(config, secrets),
          ...configFieldNames(test.config, test.secrets, TEST_INPUT.config),
        ],
        values: {
          active: instance.active,
          testMode: instance.testMode,
          priority: instance.priority,
          ...(instance.weight === undefined ? {} : { weight: instance.weight }),
          ...prefixed(config),
          ...prefixed(test.config, TEST_INPUT.config),
        },
      });
      return toView(instance);
    },

    async update(id, input) {
      const existing = await requireInstance(id);
      const changes: { -readonly [K in keyof InstanceChanges]: InstanceChanges[K] } = {};
      const fields: string[] = [];
      const values: Record<string, unknown> = {};
      const note = (field: string, value: unknown, secret = false) => {
        fields.push(field);
        if (!secret) values[field] = value;
      };

      if (input.active !== undefined && input.active !== existing.active) {
        changes.active = input.active;
        note("active", input.active);
      }
      if (input.testMode !== undefined && input.testMode !== existing.testMode) {
        changes.testMode = input.testMode;
        note("testMode", input.testMode);
      }
      if (input.priority !== undefined && input.priority !== existing.priority) {
        changes.priority = input.priority;
        note("priority", input.priority);
      }
      if (input.weight !== undefined && input.weight !== (existing.weight ?? null)) {
        changes.weight = input.weight;
        note("weight", input.weight);
      }
      if (input.displayName !== undefined) {
        const displayName = input.displayName.trim();
        if (displayName !== existing.displayName) {
          await assertNameFree(existing.tenantId, displayName, existing._id);
          changes.displayName = displayName;
          note("displayName", displayName);
        }
      }
      const givesConfig = [input.config, input.secrets, input.testConfig, input.testSecrets].some(
        (given) => given !== undefined,
      );
      if (givesConfig) {
        const plugin = requirePlugin(existing.plugin);
        const before = withCredentialSets(plugin.configSchema, existing);
        const next = split(plugin, input, existing);
        const changed = [
          ...changedFields(before, next, LIVE_INPUT.config, box),
          ...changedFields(before.test, next.test, TEST_INPUT.config, box),
        ];
        // A pre-sets instance read as test-only is stored in its new shape with its next change.
        const reshaped = before !== existing;
        if (changed.length > 0 || reshaped) {
          changes.config = next.config;
          changes.secrets = next.secrets;
          changes.test = next.test;
          for (const { field, value, secret } of changed) note(field, value, secret);
        }
      }
      if (changes.testMode !== undefined || changes.config) {
        const plugin = requirePlugin(existing.plugin);
        // Over the existing sets as read, so the switch itself is never taken for old data.
        const { weight: _routing, ...settings } = changes;
        assertCredentialsFor(plugin, { ...withCredentialSets(plugin.configSchema, existing), ...settings });
      }

      if (fields.length === 0) return toView(existing);
      // Settings edited here win over the environment from now on (seeding warns instead).
      if (changes.config || changes.testMode !== undefined) changes.source = "admin";
      let updated: ProviderInstance | null;
      try {
        updated = await instances.update(id, changes);
      } catch (error) {
        if (error instanceof DuplicateKeyError) {
          throw nameTaken(existing.tenantId, changes.displayName ?? existing.displayName);
        }
        throw error;
      }
      if (!updated)
        throw new DukaError("not_found", `No provider instance "${id}"; it was deleted meanwhile`);
      const action: AuditAction =
        fields.length === 1 && fields[0] === "active"
          ? updated.active
            ? "provider.activated"
            : "provider.deactivated"
          : "provider.updated";
      await announce(updated, action, { fields, values });
      return toView(updated);
    },

    async remove(id) {
      const existing = await requireInstance(id);
      if (!(await instances.delete(id))) {
        throw new DukaError("not_found", `No provider instance "${id}"; it was deleted meanwhile`);
      }
      await announce(existing, "provider.deleted", { fields: [] });
    },

    async checkNow(id) {
      const instance = await requireInstance(id);
      const stored = await deps.health.checkAndRecord(instance);
      await announce(stored, "provider.health_checked", {
        fields: ["health"],
        values: { status: stored.health.status, previousStatus: instance.health.status },
      });
      return toView(stored);
    },

    async registerWebhooks(id) {
      const instance = await requireInstance(id);
      const client = registry.client(instance);
      if (!client.registerWebhooks) {
        throw new DukaError("conflict", `The ${instance.plugin} plugin has no webhook URLs to register`);
      }
      const result = await client.registerWebhooks();
      await deps.audit.append({
        _id: newId("aud"),
        tenantId: instance.tenantId,
        at: now(),
        actor: "admin",
        action: "provider.webhooks_registered",
        subjectId: instance._id,
        detail: { plugin: instance.plugin, displayName: instance.displayName, message: result.message },
      });
      return result;
    },

    async testConnection(pluginName, config, testMode) {
      const plugin = requirePlugin(pluginName, "not_found");
      // Validates exactly as saving would (same issues), then throws the encrypted copy away.
      split(plugin, { config });
      const plaintext = secretFieldsOf(plugin.configSchema)
        .map((name) => config[name])
        .filter((value): value is string => typeof value === "string");
      return deps.health.probe(() => registry.probe(plugin, { ...config }, testMode), plaintext);
    },

    plugins() {
      return registry.plugins().map(toPluginView);
    },
  };
}

/**
 * The stored config without fields the plugin now marks secret: one stored in clear text before
 * it was marked (Paystack's previousSecretKey) is never shown; the next write encrypts it.
 */
function withoutSecretFields(
  plugin: PaymentPlugin,
  config: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const secret = new Set(secretFieldsOf(plugin.configSchema));
  return Object.fromEntries(Object.entries(config).filter(([name]) => !secret.has(name)));
}

/** Each field whose value changed between two stored sets, as the audit names it. */
function changedFields(
  before: Pick<ProviderInstance, "config" | "secrets">,
  after: Pick<ProviderInstance, "config" | "secrets">,
  prefix: string,
  box: SecretBox,
): { field: string; value: unknown; secret: boolean }[] {
  return [
    ...diffConfig(before.config, after.config).map((name) => ({
      field: `${prefix}.${name}`,
      value: after.config[name],
      secret: false,
    })),
    ...diffSecrets(box, before.secrets, after.secrets).map((name) => ({
      field: `${prefix}.${name}`,
      value: undefined,
      secret: true,
    })),
  ];
}

/**
 * Refuses an instance whose `testMode` selects a set it has no credentials for: calls would fail
 * (or, worse, be tempted to use the other set's keys), so the switch is not saved at all.
 */
function assertCredentialsFor(plugin: PaymentPlugin, instance: ProviderInstance): void {
  const mode = modeOf(instance);
  if (hasCredentials(plugin.configSchema, instance, mode)) return;
  const where = mode === "test" ? TEST_INPUT.config : LIVE_INPUT.config;
  const message = `Cannot use ${mode} mode: the instance has no ${mode} credentials. Give them in ${where} (${perModeNames(plugin)}) first or in the same request`;
  throw new AdminValidationError(message, [{ path: "testMode", message }]);
}

function perModeNames(plugin: PaymentPlugin): string {
  return perModeFieldsOf(plugin.configSchema).join(", ");
}

function nameTaken(tenantId: string, displayName: string): DukaError {
  return new DukaError(
    "conflict",
    `Tenant "${tenantId}" already has a provider instance named "${displayName}"; choose another displayName`,
  );
}
