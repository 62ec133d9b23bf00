import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError } from "../../domain/errors.js";
import type { PaymentPlugin } from "../plugin.js";

function looksLikePlugin(value: unknown): value is PaymentPlugin {
  const candidate = value as Partial<PaymentPlugin> | null;
  return (
    typeof candidate?.name === "string" &&
    typeof candidate.label === "string" &&
    Array.isArray(candidate.methods) &&
    typeof candidate.configSchema?.safeParse === "function" &&
    typeof candidate.create === "function"
  );
}

/**
 * Extra plugins named in PAYMENT_PLUGINS: npm package names, or file paths (absolute, or
 * relative to the working directory). A module exports its plugin as `default` or `plugin`.
 */
export async function loadPluginModules(specifiers: readonly string[]): Promise<PaymentPlugin[]> {
  const plugins: PaymentPlugin[] = [];
  for (const specifier of specifiers) {
    const isPath = specifier.startsWith(".") || isAbsolute(specifier);
    const target = isPath ? pathToFileURL(resolve(specifier)).href : specifier;
    let module: Record<string, unknown>;
    try {
      module = (await import(target)) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(
        `PAYMENT_PLUGINS: cannot load "${specifier}": ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const plugin = module.default ?? module.plugin;
    if (!looksLikePlugin(plugin)) {
      throw new ConfigError(
        `PAYMENT_PLUGINS: "${specifier}" exports no payment plugin (export default { name, label, methods, configSchema, create })`,
      );
    }
    plugins.push(plugin);
  }
  return plugins;
}
