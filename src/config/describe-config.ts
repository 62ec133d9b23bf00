import { maskPhone, maskSecret, maskUrlCredentials } from "../log/mask.js";
import { ENV_SECTIONS } from "./sections.js";
import type { Config } from "./types.js";

/** A JSON-able view of the configuration, safe to log at start-up. */
export type ConfigSummary = Readonly<Record<string, unknown>>;

/**
 * What the service runs with, for the start-up log line: secrets as `sk_live_…1234` (or `***`),
 * the master key only as present or absent (old keys only counted), passwords in URLs as `***`,
 * WhatsApp numbers masked.
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
      refreshSeconds: config.providers.refreshSeconds,
      pluginModules: [...config.providers.pluginModules],
    },
    admin: config.admin ? { token: maskSecret(config.admin.token) } : "disabled",
    catalog: {
      file: config.catalog.file ?? "built-in demo shop",
      manualInstructions: config.catalog.manualInstructions
        ? "from MANUAL_PAYMENT_INSTRUCTIONS"
        : "from catalog",
    },
    merchants: config.merchants.map(({ channel, chatId }) =>
      channel === "whatsapp"
        ? `whatsapp:${maskPhone(chatId)}@${chatId.split("@")[1] ?? "c.us"}`
        : `${channel}:${chatId}`,
    ),
    proofs: { ...config.proofs },
    telegram: config.telegram
      ? {
          token: maskSecret(config.telegram.token),
          apiRoot: config.telegram.apiRoot,
          mode: config.telegram.mode,
          ...(config.telegram.webhookSecret
            ? { webhookSecret: maskSecret(config.telegram.webhookSecret) }
            : {}),
        }
      : "disabled",
    whatsapp: config.whatsapp
      ? { chromiumPath: config.whatsapp.chromiumPath ?? "system default" }
      : "disabled",
    ...Object.fromEntries(
      ENV_SECTIONS.map((section) => {
        const settings = config.sections[section.name];
        return [section.name, settings === undefined ? "disabled" : section.describe(settings)];
      }),
    ),
  };
}
