/**
 * The admin's input rules, pure: joining a config with separately given secrets, and telling
 * which fields a change really changed (secrets compared decrypted, as each encryption differs).
 */
import { isDeepStrictEqual } from "node:util";
import { DukaError } from "../../domain/errors.js";
import { type PaymentPlugin, secretFieldsOf } from "../plugin.js";
import type { ProviderInstance, SecretBox } from "./types.js";

/** One problem with the input, at a dotted path (`config.apiKey`). */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Input the admin refused, with every problem found. `issues` never hold a submitted value. */
export class AdminValidationError extends DukaError {
  override name = "AdminValidationError";
  constructor(
    message: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super("invalid", message);
  }
}

/** Keys that could reach an object's prototype if merged. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Where a config and its separate secrets were given in the request: the live set's or the test set's names. */
export interface InputNames {
  readonly config: string;
  readonly secrets: string;
}

export const LIVE_INPUT: InputNames = { config: "config", secrets: "secrets" };
export const TEST_INPUT: InputNames = { config: "testConfig", secrets: "testSecrets" };

/**
 * Joins `config` and the separately given `secrets`, refusing keys that could reach a prototype,
 * `secrets` entries that are not secret fields, and fields given twice. Fields the plugin does
 * not know are left for its strict schema to report together with every other issue. Issues
 * name the fields as the request did (`names`).
 */
export function mergeInput(
  plugin: PaymentPlugin,
  config: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, string>> | undefined,
  names: InputNames = LIVE_INPUT,
): Record<string, unknown> {
  const secretNames = new Set(secretFieldsOf(plugin.configSchema));
  const issues: ValidationIssue[] = [];
  const merged: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    if (FORBIDDEN_KEYS.has(name)) issues.push({ path: `${names.config}.${name}`, message: "Forbidden key" });
    else merged[name] = value;
  }
  for (const [name, value] of Object.entries(secrets ?? {})) {
    if (!secretNames.has(name)) {
      issues.push({
        path: `${names.secrets}.${name}`,
        message: `Not a secret field of plugin "${plugin.name}"; secret fields: ${[...secretNames].join(", ") || "none"}`,
      });
    } else if (Object.hasOwn(config, name)) {
      issues.push({
        path: `${names.secrets}.${name}`,
        message: `Given in both ${names.config} and ${names.secrets}; give it once`,
      });
    } else merged[name] = value;
  }
  if (issues.length > 0) throw new AdminValidationError(`Invalid config for plugin "${plugin.name}"`, issues);
  return merged;
}

export function configFieldNames(
  config: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, unknown>>,
  prefix = "config",
) {
  return [...Object.keys(config), ...Object.keys(secrets)].map((name) => `${prefix}.${name}`);
}

export function prefixed(
  config: Readonly<Record<string, unknown>>,
  prefix = "config",
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([name, value]) => [`${prefix}.${name}`, value]));
}

export function diffConfig(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !isDeepStrictEqual(before[name], after[name]));
}

/** Secret fields whose plaintext changed (each encryption differs, so compare decrypted). */
export function diffSecrets(
  box: SecretBox,
  before: ProviderInstance["secrets"],
  after: ProviderInstance["secrets"],
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => {
    const old = before[name];
    const next = after[name];
    if (!old || !next) return old !== next;
    if (old === next || isDeepStrictEqual(old, next)) return false;
    try {
      return box.decrypt(old) !== box.decrypt(next);
    } catch {
      return true;
    }
  });
}
