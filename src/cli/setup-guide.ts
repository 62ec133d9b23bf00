import { CHANNELS } from "../bot/channels.js";
import type { Config } from "../config/types.js";
import type { Role } from "../domain/roles.js";
import { BUILT_IN_PLUGINS } from "../payments/plugins.js";

/**
 * What `duka start` tells a person at a terminal before the logs begin: what this process runs,
 * in plain words, and the settings still missing for a shop that customers can use. Pure: the
 * caller decides where (and whether) the lines go.
 */
export function setupGuide(config: Config, role: Role): string[] {
  const runs = (part: Role) => role === "all" || role === part;
  const parts = [
    ...(runs("web") ? [`the web server on ${config.http.publicUrl}`] : []),
    ...(runs("worker") ? ["the payment and message workers"] : []),
    ...CHANNELS.flatMap((channel) => {
      const settings = channel.settings(config);
      return runs(channel.name) && settings !== undefined ? [channel.title(settings)] : [];
    }),
  ];
  const lines = [
    `Duka is starting (role "${role}"): ${parts.length > 0 ? parts.join(", ") : "nothing configured for this role"}.`,
    `  Shop: ${config.catalog.file ?? "the built-in demo catalog"}.`,
    `  Store: ${
      config.storage.mongodbUri
        ? "MongoDB"
        : `embedded, in ${config.storage.dataDir} (one process; MONGODB_URI runs several)`
    }.`,
    `  Payments: ${paymentMethods(config).join(", ")}.`,
  ];
  const next = nextSteps(config, role);
  if (next.length === 0) return lines;
  return [
    ...lines,
    "",
    "To finish setting up, set (in the environment or .env):",
    ...next.map((step) => `  - ${step}`),
    "(npm run demo plays a whole purchase with no credentials at all.)",
  ];
}

/** The built-in plugins' environments and what the environment set for each (undefined: off). */
function pluginSettings(config: Config) {
  return BUILT_IN_PLUGINS.flatMap(({ environment }) =>
    environment ? [{ environment, settings: config.sections[environment.name] }] : [],
  );
}

function paymentMethods(config: Config): string[] {
  // Plugins with variables first: the always-on transfer closes the list.
  const configured = pluginSettings(config).filter(({ settings }) => settings !== undefined);
  return [
    ...configured.filter(({ environment }) => environment.setupHint),
    ...configured.filter(({ environment }) => !environment.setupHint),
  ].map(({ environment, settings }) => environment.summary(settings));
}

function nextSteps(config: Config, role: Role): string[] {
  const steps: string[] = [];
  // The first channel that says how to switch it on is offered, in the roles that would run it.
  const offered = CHANNELS.find((channel) => channel.setUpHint !== undefined);
  const noChannel = CHANNELS.every((channel) => channel.settings(config) === undefined);
  if (offered?.setUpHint && noChannel && ["all", "web", offered.name].includes(role)) {
    steps.push(offered.setUpHint);
  }
  if (config.merchants.length === 0) {
    const example = offered ? ` e.g. ${offered.name}:<your chat id>,` : "";
    steps.push(`MERCHANT_CHAT_IDS: who runs the shop,${example} to be told of orders and confirm receipts`);
  }
  if (!config.catalog.file) {
    steps.push("CATALOG_FILE: your products, in YAML or JSON (see examples/catalog.yaml)");
  }
  const switchable = pluginSettings(config).filter(({ environment }) => environment.setupHint);
  if (switchable.length > 0 && switchable.every(({ settings }) => settings === undefined)) {
    const hints = switchable.map(({ environment }) => environment.setupHint!);
    steps.push(
      `${hints.map((hint) => hint.variables).join(" or ")}: to take ${hints.map((hint) => hint.takes).join(" or ")}`,
    );
  }
  if (!config.admin) steps.push("ADMIN_TOKEN: to manage payment providers through /admin/api");
  if (!config.security.masterKey) {
    steps.push("DUKA_MASTER_KEY: the key that encrypts provider secrets (openssl rand -base64 32)");
  }
  return steps;
}
