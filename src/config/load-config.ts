import type { z } from "zod";
import { ConfigError } from "../domain/errors.js";
import { maskSensitive } from "../log/mask.js";
import { ENV_VARIABLES, envSchema, SECRET_VARIABLES } from "./env-schema.js";
import type { Config } from "./types.js";

/**
 * Parses and validates the environment once, at start-up. Unset, empty and blank variables take
 * their defaults; values are trimmed. Throws a ConfigError with one line per problem, each
 * naming the variable, what is wrong, and the offending value unless it is a secret.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const values = readEnvironment(env);
  const result = envSchema.safeParse(values);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, values)).join("\n"));
  }
  return deepFreeze(result.data);
}

function readEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of ENV_VARIABLES) {
    const value = env[name]?.trim();
    if (value) values[name] = value;
  }
  return values;
}

const MAX_ECHO = 80;

function describeIssue(issue: z.core.$ZodIssue, values: Record<string, string>): string {
  const variable = String(issue.path[0] ?? "environment");
  const raw = values[variable];
  const omit = issue.code === "custom" && issue.params?.omitValue === true;
  let shown = "";
  if (raw !== undefined && !omit) {
    shown = isHidden(variable, raw) ? " (value hidden)" : ` (got ${JSON.stringify(echo(raw))})`;
  }
  return `Invalid configuration: ${variable} ${issue.message}${shown}`;
}

/** Secrets, and any value that may carry credentials (`redis://:pw@host`), are never echoed. */
function isHidden(variable: string, raw: string): boolean {
  return SECRET_VARIABLES.has(variable) || raw.includes("@") || maskSensitive(raw) !== raw;
}

function echo(raw: string): string {
  return raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
