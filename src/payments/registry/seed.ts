import { isDeepStrictEqual } from "node:util";
import type { Logger } from "pino";
import { ConfigError, DuplicateKeyError } from "../../domain/errors.js";
import { newId } from "../../domain/ids.js";
import type { EnvironmentSeed, PaymentPlugin, SeedContext } from "../plugin.js";
import { perModeFieldsOf } from "../plugin.js";
import { type CredentialMode, hasCredentials, partition } from "./credential-sets.js";
import { joinConfig, type SetsInput, splitSets } from "./instance-config.js";
import type { ProviderInstance, ProviderInstanceRepository, ProviderRegistry, SecretBox } from "./types.js";

/** An instance the environment asks for, with the plugin it is for. */
export interface InstanceSeed extends EnvironmentSeed {
  readonly plugin: string;
}

/**
 * What each plugin's environment asks for: a seed for every plugin whose section the
 * environment switched on (`sections` is `Config.sections`).
 */
export function environmentSeeds(options: {
  plugins: readonly PaymentPlugin[];
  sections: Readonly<Record<string, unknown>>;
  context: SeedContext;
}): InstanceSeed[] {
  return options.plugins.flatMap(({ name, environment }) => {
    const settings = environment ? options.sections[environment.name] : undefined;
    if (!environment || settings === undefined) return [];
    return [{ plugin: name, ...environment.seed(settings, options.context) }];
  });
}

/**
 * Makes the tenant's instance of each seeded plugin follow the environment: created when the
 * tenant has none, updated when a variable changed (a rotated key must not be silently ignored),
 * into the credential set the seed's mode names (test keys seed the test set and test mode; the
 * other set, if any, is kept),
 * left alone with a warning naming the ignored variables once an operator edited it through the
 * admin API. Processes seeding at once agree: creation collides on the unique display name
 * (the loser does nothing) and updates write the same values.
 */
export async function seedInstances(options: {
  tenantId: string;
  seeds: readonly InstanceSeed[];
  registry: ProviderRegistry;
  instances: ProviderInstanceRepository;
  secrets: SecretBox;
  logger: Logger;
  /** Told after an instance was updated, so every process drops its cached copy. */
  onChanged?: (tenantId: string) => Promise<void>;
}): Promise<void> {
  const { tenantId, logger } = options;
  for (const seed of options.seeds) {
    const plugin = options.registry.plugin(seed.plugin);
    if (!plugin) throw new ConfigError(`Cannot seed an instance of the unregistered plugin "${seed.plugin}"`);
    const existing = await options.instances.list({ tenantId, plugin: seed.plugin });
    if (existing.length === 0) {
      await createSeeded(plugin, seed, options);
      continue;
    }
    const target = existing.find((instance) => sourceOf(instance) === "environment") ?? existing[0]!;
    const mode: CredentialMode = seed.testMode ? "test" : "live";
    // A set the instance does not hold yet: every variable is a change.
    const current = hasCredentials(plugin.configSchema, target, mode)
      ? joinConfig(options.secrets, plugin.configSchema, target, mode)
      : {};
    const desired = desiredConfig(current, seed);
    const changed = Object.keys(seed.variables).filter(
      (field) => !isDeepStrictEqual(current[field], desired[field]),
    );
    const testModeChanged = target.testMode !== seed.testMode;
    if (changed.length === 0 && !testModeChanged) continue;
    const variables = [...new Set(changed.map((field) => seed.variables[field]!))];
    if (sourceOf(target) === "admin") {
      logger.warn(
        { tenantId, plugin: seed.plugin, instanceId: target._id, ignored: variables },
        `${variables.join(", ") || "the environment"} ignored: the ${seed.displayName} instance was edited through the admin API, which wins; delete it there to follow the environment again`,
      );
      continue;
    }
    await options.instances.update(target._id, {
      ...splitSets(options.secrets, plugin.configSchema, setsOf(plugin, mode, desired), target),
      testMode: seed.testMode,
      source: "environment",
    });
    logger.info(
      { tenantId, plugin: seed.plugin, instanceId: target._id, variables },
      "provider instance updated from the environment",
    );
    await options.onChanged?.(tenantId);
  }
}

/** A seed's whole config as the input of `mode`'s set: the shared fields stay live-side. */
function setsOf(plugin: PaymentPlugin, mode: CredentialMode, config: Record<string, unknown>): SetsInput {
  if (mode === "live") return { live: config };
  const [shared, own] = partition(config, new Set(perModeFieldsOf(plugin.configSchema)));
  return { live: shared, test: own };
}

/** Instances stored before `source` existed: one never edited since it was made was seeded. */
function sourceOf(instance: ProviderInstance): "environment" | "admin" {
  return (
    instance.source ??
    (instance.createdAt.getTime() === instance.updatedAt.getTime() ? "environment" : "admin")
  );
}

/** The current config with every environment-owned field as the environment says it now. */
function desiredConfig(current: Record<string, unknown>, seed: InstanceSeed): Record<string, unknown> {
  const desired = { ...current };
  for (const field of Object.keys(seed.variables)) {
    // Given as undefined, a variable no longer set clears the stored field.
    desired[field] = seed.config[field];
  }
  return desired;
}

async function createSeeded(
  plugin: PaymentPlugin,
  seed: InstanceSeed,
  options: Parameters<typeof seedInstances>[0],
): Promise<void> {
  const now = new Date();
  try {
    await options.instances.create({
      _id: newId("pi"),
      tenantId: options.tenantId,
      plugin: seed.plugin,
      displayName: seed.displayName,
      ...splitSets(
        options.secrets,
        plugin.configSchema,
        setsOf(plugin, seed.testMode ? "test" : "live", { ...seed.createOnly, ...seed.config }),
      ),
      active: true,
      testMode: seed.testMode,
      priority: 100,
      health: { status: "unknown" },
      source: "environment",
      createdAt: now,
      updatedAt: now,
    });
    options.logger.info(
      { tenantId: options.tenantId, plugin: seed.plugin },
      "provider instance seeded from the environment",
    );
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
  }
}
