import { CHANNELS } from "../bot/channels.js";
import { maskSecret, maskUrlCredentials } from "../log/mask.js";
import { ENV_SECTIONS } from "./sections.js";
import type { Config } from "./types.js";

/** A JSON-able view of the configuration, safe to log at start-up. */
export type ConfigSummary = Readonly<Record<string, unknown>>;

/**
 * What the service runs with, for the start-up log line: secrets as `sk_live_…1234` (or `***`),
 * the master key only as present or absent (old keys only counted), passwords in URLs as `***`,
 * chat ids as their channel masks them (a phone number partly hidden).
 */
export function describeConfig(config: Config): ConfigSummary {
  return {
    nodeEnv: config.nodeEnv,
    tenantId: config.tenantId,
    log: { ...config.log },
    http: { port: config.http.port, publicUrl: maskUrlCredentials(config.http.publicUrl) },
    redis: { url: maskUrlCredentials(config.redis.url) },
    queue: { prefix: config.queue.prefix },
    storage: {
      backend: config.storage.mongodbUri ? "mongodb" : "embedded",
      ...(config.storage.mongodbUri ? { mongodbUri: maskUrlCredentials(config.storage.mongodbUri) } : {}),
      dataDir: config.storage.dataDir,
    },
    security: {
      masterKey: config.security.masterKey ? "set (32 bytes)" : "unset",
      previousKeys: config.security.previousKeys.length,
    },
    providers: {
      healthIntervalSeconds: config.providers.healthIntervalSeconds,
      pullIntervalSeconds: config.providers.pullIntervalSeconds,
      refreshSeconds: config.providers.refreshSeconds,
      pluginModules: [...config.providers.pluginModules],
      splitStickySeconds: config.providers.splitStickySeconds,
    },
    admin: config.admin ? { token: maskSecret(config.admin.token) } : "disabled",
    catalog: {
      file: config.catalog.file ?? "built-in demo shop",
      manualInstructions: config.catalog.manualInstructions
        ? "from MANUAL_PAYMENT_INSTRUCTIONS"
        : "from catalog",
    },
    merchants: config.merchants.map(({ channel, chatId }) => {
      const syntax = CHANNELS.find((known) => known.name === channel)?.chatIds;
      return `${channel}:${syntax ? syntax.mask(chatId) : chatId}`;
    }),
    proofs: { ...config.proofs },
    ...describeSections(config),
  };
}

/** Each section as it describes itself, or "disabled" when the environment leaves it off. */
function describeSections(config: Config): ConfigSummary {
  return Object.fromEntries(
    ENV_SECTIONS.map((section) => {
      const settings = config.sections[section.name];
      return [section.name, settings === undefined ? "disabled" : section.describe(settings)];
    }),
  );
}
