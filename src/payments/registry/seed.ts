import type { Logger } from "pino";
import type { Catalog } from "../../catalog/types.js";
import type { Config } from "../../config/index.js";
import { ConfigError, DuplicateKeyError } from "../../domain/errors.js";
import { newId } from "../../domain/ids.js";
import { generateCallbackToken } from "../mpesa/index.js";
import { splitConfig } from "./instance-config.js";
import type { ProviderInstanceRepository, ProviderRegistry, SecretBox } from "./types.js";

/** An instance the environment asks for (MANUAL_PAYMENT_INSTRUCTIONS, MPESA_*, PAYSTACK_*). */
export interface InstanceSeed {
  readonly plugin: string;
  readonly displayName: string;
  readonly config: Record<string, unknown>;
  readonly testMode?: boolean;
}

/**
 * Creates the tenant's instance of each seeded plugin unless it has one already: the
 * environment starts a shop, and from then on the database (the admin API) wins. Two processes
 * seeding at once collide on the unique display name; the loser does nothing.
 */
export async function seedInstances(options: {
  tenantId: string;
  seeds: readonly InstanceSeed[];
  registry: ProviderRegistry;
  instances: ProviderInstanceRepository;
  secrets: SecretBox;
  logger: Logger;
}): Promise<void> {
  for (const seed of options.seeds) {
    const plugin = options.registry.plugin(seed.plugin);
    if (!plugin) throw new ConfigError(`Cannot seed an instance of the unregistered plugin "${seed.plugin}"`);
    if ((await options.instances.list({ tenantId: options.tenantId, plugin: seed.plugin })).length > 0)
      continue;
    const now = new Date();
    try {
      await options.instances.create({
        _id: newId("pi"),
        tenantId: options.tenantId,
        plugin: seed.plugin,
        displayName: seed.displayName,
        ...splitConfig(options.secrets, plugin.configSchema, seed.config),
        active: true,
        testMode: seed.testMode ?? false,
        priority: 100,
        health: { status: "unknown" },
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
}

/**
 * The instances the environment asks for: the manual method from the catalog's instructions,
 * M-Pesa from MPESA_* (with a fresh callback token) and Paystack from PAYSTACK_*.
 */
export function environmentSeeds(options: {
  config: Pick<Config, "mpesa" | "paystack">;
  catalog: Catalog;
  registry: ProviderRegistry;
  logger: Logger;
}): InstanceSeed[] {
  const { mpesa, paystack } = options.config;
  const seeds: InstanceSeed[] = [
    {
      plugin: "manual",
      displayName: "Bank transfer",
      config: { instructions: options.catalog.paymentInstructions },
    },
  ];
  if (mpesa) {
    seeds.push({
      plugin: "mpesa",
      displayName: "M-Pesa",
      testMode: mpesa.baseUrl.includes("sandbox"),
      config: {
        consumerKey: mpesa.consumerKey,
        consumerSecret: mpesa.consumerSecret,
        passkey: mpesa.passkey,
        shortcode: mpesa.shortcode,
        transactionType: mpesa.transactionType,
        baseUrl: mpesa.baseUrl,
        callbackToken: generateCallbackToken(),
        ...(mpesa.allowedIps ? { allowedIps: mpesa.allowedIps } : {}),
      },
    });
  }
  if (paystack) {
    seeds.push({
      plugin: "paystack",
      displayName: "Card (Paystack)",
      testMode: paystack.testMode,
      config: {
        secretKey: paystack.secretKey,
        baseUrl: paystack.baseUrl,
        ...(paystack.publicKey ? { publicKey: paystack.publicKey } : {}),
      },
    });
  }
  return seeds;
}
