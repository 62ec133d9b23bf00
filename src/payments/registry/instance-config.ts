/**
 * A provider instance's config as stored versus as used. Stored: the non-secret fields in
 * `config`, each secret field encrypted in `secrets`. Used: one object the plugin's zod schema
 * accepts, secrets in plaintext, built only when a client is created.
 *
 * What must stay true:
 * - What is stored is the validated input, not the schema's output: defaults and transforms
 *   apply each time the config is joined, so they are never applied twice.
 * - No message produced here contains an input value: zod's wording is replaced, and any
 *   message a plugin's schema supplies is scrubbed of the values it was given.
 */

import type { z } from "zod";
import { DukaError } from "../../domain/errors.js";
import { maskSecret } from "../../log/mask.js";
import { perModeFieldsOf, secretFieldsOf } from "../plugin.js";
import {
  type CredentialMode,
  credentialSetOf,
  hasCredentials,
  MissingCredentialsError,
  modeOf,
  partition,
  toStoredSets,
  withCredentialSets,
} from "./credential-sets.js";
import { SecretKeyError, type UnreadableSecret } from "./secrets.js";
import type { EncryptedSecret, ProviderInstance, SecretBox } from "./types.js";

/** Shown by {@link maskSecrets} for a secret under a key this process does not have. */
export const UNREADABLE_WRONG_KEY = "(unreadable: wrong master key)";
/** Shown by {@link maskSecrets} for a secret that was altered or damaged in the store. */
export const UNREADABLE_DAMAGED = "(unreadable: damaged)";

export interface ConfigIssue {
  /** Dotted path of the field (`shortcode`, `accounts.0.bank`); empty for the whole config. */
  readonly path: string;
  /** What is wrong, without the value given. */
  readonly message: string;
}

/** A config the plugin's schema refuses; `issues` lists each field and what is wrong with it. */
export class InvalidConfigError extends DukaError {
  override name = "InvalidConfigError";
  constructor(
    readonly issues: readonly ConfigIssue[],
    context = "The provider config is invalid",
  ) {
    super(
      "invalid",
      `${context}: ${issues.map(({ path, message }) => `${path || "config"} ${message}`).join("; ")}`,
    );
  }
}

export interface SplitConfig {
  readonly config: Record<string, unknown>;
  readonly secrets: Record<string, EncryptedSecret>;
}

/**
 * Validates `input` against the plugin's schema (unknown keys refused) and splits it into the
 * stored config and the encrypted secrets.
 *
 * With `existing` (an update): `input` is laid over the existing instance's values, secrets
 * decrypted, so it may omit fields it does not change; a field given as `undefined` is cleared.
 * A secret given as the masked value the admin API shows for it (`sk_live_…1234`, `***`) counts
 * as omitted, so echoing a view back never replaces a secret with its mask. Every secret is
 * encrypted afresh under the current key. Stored fields the schema no longer knows are dropped.
 *
 * Throws InvalidConfigError, or SecretKeyError when an omitted secret cannot be decrypted.
 */
export function splitConfig(
  box: SecretBox,
  schema: z.ZodObject,
  input: Record<string, unknown>,
  existing?: ProviderInstance,
): SplitConfig {
  const secretNames = new Set(secretFieldsOf(schema));
  const values = existing ? mergeOverExisting(box, schema, secretNames, input, existing) : definedOf(input);
  validate(schema.strict(), values);
  const config: Record<string, unknown> = {};
  const secrets: Record<string, EncryptedSecret> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!secretNames.has(name)) {
      config[name] = value;
    } else if (typeof value === "string") {
      secrets[name] = box.encrypt(value);
    } else {
      throw new InvalidConfigError([{ path: name, message: "is a secret and must be text" }]);
    }
  }
  return { config, secrets };
}

export interface SplitSets extends SplitConfig {
  /** The test set's own fields; empty: no test credentials. */
  readonly test: SplitConfig;
}

/** A live config and a test one (only the plugin's `perMode` fields), as the admin or a seed gives them. */
export interface SetsInput {
  readonly live: Record<string, unknown>;
  readonly test?: Record<string, unknown>;
}

/**
 * {@link splitConfig} for both credential sets. The live input holds the shared fields and the
 * live set's own; the test input only the test set's own (`perMode`) fields, which are validated
 * together with the shared ones, exactly as the test mode will use them. A mode is split when it
 * is given or stored credentials (any `perMode` field); the live one also when neither is, so an
 * empty input is refused for its missing fields. Issues of the test input have paths `test.…`.
 */
export function splitSets(
  box: SecretBox,
  schema: z.ZodObject,
  input: SetsInput,
  existing?: ProviderInstance,
): SplitSets {
  const perMode = new Set(perModeFieldsOf(schema));
  const testInput = input.test ?? {};
  const shared = Object.keys(testInput).filter((name) => !perMode.has(name));
  if (shared.length > 0) {
    throw new InvalidConfigError(
      shared.map((name) => ({
        path: `test.${name}`,
        message: Object.hasOwn(schema.shape, name)
          ? "is the same in both modes: set it in the live config"
          : "is not a setting of this plugin",
      })),
    );
  }
  const stored = existing ? withCredentialSets(schema, existing) : undefined;
  const gives = (values: Record<string, unknown>) =>
    Object.entries(values).some(([name, value]) => perMode.has(name) && value !== undefined);
  const testGiven =
    perMode.size > 0 &&
    (gives(testInput) || (stored !== undefined && hasCredentials(schema, stored, "test")));
  const liveGiven =
    perMode.size === 0 ||
    gives(input.live) ||
    (stored !== undefined && hasCredentials(schema, stored, "live")) ||
    !testGiven;
  const viewOf = (mode: CredentialMode) =>
    stored ? { ...stored, ...credentialSetOf(schema, stored, mode) } : undefined;
  const live = liveGiven ? splitConfig(box, schema, input.live, viewOf("live")) : undefined;
  const test = testGiven
    ? splitConfig(box, schema, { ...partition(input.live, perMode)[0], ...testInput }, viewOf("test"))
    : undefined;
  const config = toStoredSets(schema, live?.config, test?.config);
  const secrets = toStoredSets(schema, live?.secrets, test?.secrets);
  return { config: config.top, secrets: secrets.top, test: { config: config.test, secrets: secrets.test } };
}

/**
 * The config a plugin instance is built with for `mode` (default: the one `testMode` selects):
 * the shared fields and that mode's own, secrets decrypted, validated by the schema (defaults and
 * transforms applied). Throws MissingCredentialsError when the instance holds none for the mode,
 * SecretKeyError naming every unreadable field, or InvalidConfigError when the stored config no
 * longer fits the schema.
 */
export function joinConfig<Schema extends z.ZodObject>(
  box: SecretBox,
  schema: Schema,
  instance: ProviderInstance,
  mode: CredentialMode = modeOf(instance),
): z.output<Schema> {
  if (!hasCredentials(schema, instance, mode)) throw new MissingCredentialsError(instance._id, mode);
  const set = credentialSetOf(schema, instance, mode);
  const values: Record<string, unknown> = { ...set.config };
  const unreadable: Unreadable[] = [];
  for (const [field, secret] of Object.entries(set.secrets)) {
    try {
      values[field] = box.decrypt(secret);
    } catch (error) {
      unreadable.push({ instanceId: instance._id, field, error: asSecretKeyError(error) });
    }
  }
  if (unreadable.length > 0) throw unreadableError(box, unreadable);
  return validate(
    schema,
    values,
    `The stored config of provider instance ${instance._id} (${instance.plugin}) does not fit its plugin; fix it through the admin API`,
  );
}

/** Each secret field of a set (an instance's top level, or its test set), masked for display (`sk_live_…1234`, `***`). */
export function maskSecrets(box: SecretBox, set: Pick<ProviderInstance, "secrets">): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [field, secret] of Object.entries(set.secrets)) {
    try {
      masked[field] = maskSecret(box.decrypt(secret));
    } catch (error) {
      masked[field] =
        asSecretKeyError(error).problem === "unknown_key" ? UNREADABLE_WRONG_KEY : UNREADABLE_DAMAGED;
    }
  }
  return masked;
}

/**
 * Throws one SecretKeyError naming every instance id and field that cannot be decrypted. Run at
 * start-up, so a wrong DUKA_MASTER_KEY stops the service instead of failing payment by payment.
 */
export function assertSecretsReadable(box: SecretBox, instances: readonly ProviderInstance[]): void {
  const unreadable: Unreadable[] = [];
  for (const instance of instances) {
    for (const [field, secret] of storedSecrets(instance)) {
      try {
        box.decrypt(secret);
      } catch (error) {
        unreadable.push({ instanceId: instance._id, field, error: asSecretKeyError(error) });
      }
    }
  }
  if (unreadable.length > 0) throw unreadableError(box, unreadable);
}

interface Unreadable {
  readonly instanceId: string;
  readonly field: string;
  readonly error: SecretKeyError;
}

function asSecretKeyError(error: unknown): SecretKeyError {
  if (error instanceof SecretKeyError) return error;
  throw error;
}

function unreadableError(box: SecretBox, unreadable: readonly Unreadable[]): SecretKeyError {
  const byInstance = new Map<string, string[]>();
  for (const { instanceId, field } of unreadable) {
    byInstance.set(instanceId, [...(byInstance.get(instanceId) ?? []), field]);
  }
  const where = [...byInstance].map(([id, fields]) => `${id} (${fields.join(", ")})`).join(", ");
  const missingKeys = [
    ...new Set(
      unreadable.flatMap(({ error }) =>
        error.problem === "unknown_key" && error.keyId ? [error.keyId] : [],
      ),
    ),
  ];
  const damaged = unreadable.some(({ error }) => error.problem !== "unknown_key");
  const advice: string[] = [];
  if (missingKeys.length > 0) {
    advice.push(
      `encrypted under master key ${missingKeys.join(", ")}, which is not configured (this process has ${box.keyId}): set DUKA_MASTER_KEY to the key they were saved with (or, while rotating, list that old key in DUKA_MASTER_KEY_PREVIOUS)`,
    );
  }
  if (damaged) {
    advice.push(
      "altered or damaged in the store (authentication failed): re-enter them through the admin API",
    );
  }
  const count = unreadable.length === 1 ? "1 provider secret" : `${unreadable.length} provider secrets`;
  const details: UnreadableSecret[] = unreadable.map(({ instanceId, field, error }) => ({
    instanceId,
    field,
    problem: error.problem,
    ...(error.keyId === undefined ? {} : { keyId: error.keyId }),
  }));
  return new SecretKeyError(
    `Cannot decrypt ${count}: ${where}. They are ${advice.join("; some are ")}`,
    missingKeys.length > 0 ? "unknown_key" : (details[0]?.problem ?? "malformed"),
    { unreadable: details, ...(missingKeys.length === 1 ? { keyId: missingKeys[0] } : {}) },
  );
}

/** `input` over the existing instance's known fields, secrets decrypted only where needed. */
function mergeOverExisting(
  box: SecretBox,
  schema: z.ZodObject,
  secretNames: ReadonlySet<string>,
  input: Record<string, unknown>,
  existing: ProviderInstance,
): Record<string, unknown> {
  const known = new Set(Object.keys(schema.shape));
  const given = { ...input };
  const base: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(existing.config)) {
    if (known.has(name) && !secretNames.has(name)) base[name] = value;
    // A field marked secret after it was stored in clear text: kept, and encrypted from now on.
    else if (secretNames.has(name) && !Object.hasOwn(existing.secrets, name)) base[name] = value;
  }
  for (const [name, secret] of Object.entries(existing.secrets)) {
    if (!secretNames.has(name)) continue;
    if (Object.hasOwn(given, name)) {
      const replacement = given[name];
      if (!couldBeMask(replacement)) continue;
      const plaintext = decryptStored(box, existing, name, secret);
      if (replacement !== maskSecret(plaintext) && !isUnreadableMark(replacement)) continue;
      delete given[name];
      base[name] = plaintext;
    } else {
      base[name] = decryptStored(box, existing, name, secret);
    }
  }
  return definedOf({ ...base, ...given });
}

/** What {@link maskSecrets} may show; anything else given for a secret is a new value. */
function couldBeMask(value: unknown): boolean {
  return (
    typeof value === "string" && (value === "***" || isUnreadableMark(value) || /^.{8}….{4}$/su.test(value))
  );
}

function isUnreadableMark(value: unknown): boolean {
  return value === UNREADABLE_WRONG_KEY || value === UNREADABLE_DAMAGED;
}

function decryptStored(
  box: SecretBox,
  instance: ProviderInstance,
  field: string,
  secret: EncryptedSecret,
): string {
  try {
    return box.decrypt(secret);
  } catch (error) {
    const cause = asSecretKeyError(error);
    throw new SecretKeyError(
      `Cannot keep the stored secret "${field}" of provider instance ${instance._id}: ${cause.message}. Or give a new value for "${field}" to replace it`,
      cause.problem,
      {
        ...(cause.keyId === undefined ? {} : { keyId: cause.keyId }),
        unreadable: [
          {
            instanceId: instance._id,
            field,
            problem: cause.problem,
            ...(cause.keyId === undefined ? {} : { keyId: cause.keyId }),
          },
        ],
      },
    );
  }
}

function definedOf(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

function validate<Schema extends z.ZodType>(
  schema: Schema,
  values: Record<string, unknown>,
  context?: string,
): z.output<Schema> {
  const result = schema.safeParse(values, { error: wordingOf });
  if (result.success) return result.data;
  const given = stringsIn(values);
  const issues = result.error.issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: pathOf([...issue.path, key]),
        message: "is not a setting of this plugin",
      }));
    }
    return [{ path: pathOf(issue.path), message: scrub(issue.message, given) }];
  });
  throw new InvalidConfigError(issues, context);
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  bigint: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  date: "a date",
};

/**
 * Our wording for zod's built-in issues. A message the plugin's schema sets itself takes
 * precedence over this map and is scrubbed afterwards instead.
 */
function wordingOf(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${TYPE_NAMES[issue.expected] ?? `of type ${issue.expected}`}`;
    case "too_small":
      return boundOf("at least", "more than", issue.origin, issue.minimum, issue.inclusive);
    case "too_big":
      return boundOf("at most", "less than", issue.origin, issue.maximum, issue.inclusive);
    case "invalid_format":
      return formatOf(issue);
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "unrecognized_keys":
      return "is not a setting of this plugin";
    case "invalid_union":
      return "does not match any accepted form";
    case "invalid_key":
      return "has an invalid key";
    case "invalid_element":
      return "has an invalid item";
    default:
      return "is invalid";
  }
}

function boundOf(
  inclusiveWord: string,
  exclusiveWord: string,
  origin: string,
  bound: number | bigint | Date,
  inclusive: boolean | undefined,
): string {
  const limit = bound instanceof Date ? bound.toISOString() : String(bound);
  const relation = inclusive === false ? exclusiveWord : inclusiveWord;
  if (origin === "string") return `must be ${relation} ${limit} characters long`;
  if (origin === "array" || origin === "set") return `must have ${relation} ${limit} items`;
  return `must be ${relation} ${limit}`;
}

function formatOf(issue: z.core.$ZodRawIssue & { code: "invalid_format" }): string {
  const details = issue as { format: string; prefix?: string; suffix?: string; includes?: string };
  switch (details.format) {
    case "regex":
      return "has the wrong format";
    case "starts_with":
      return `must start with ${JSON.stringify(details.prefix)}`;
    case "ends_with":
      return `must end with ${JSON.stringify(details.suffix)}`;
    case "includes":
      return `must contain ${JSON.stringify(details.includes)}`;
    case "url":
      return "must be a URL";
    case "email":
      return "must be an email address";
    default:
      return `must be a valid ${details.format}`;
  }
}

/** Keys come from the input: shown, but bounded and without control characters. */
function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => {
      const text = String(segment).replace(/\p{Cc}/gu, "?");
      return text.length > 64 ? `${text.slice(0, 64)}…` : text;
    })
    .join(".");
}

/** Every string in the input long enough to matter, longest first. */
function stringsIn(value: unknown, depth = 0, found: string[] = []): string[] {
  if (typeof value === "string") {
    if (value.length >= 4) found.push(value);
  } else if (value !== null && typeof value === "object" && depth < 8) {
    for (const item of Object.values(value)) stringsIn(item, depth + 1, found);
  }
  return depth === 0 ? [...new Set(found)].sort((a, b) => b.length - a.length) : found;
}

function scrub(message: string, values: readonly string[]): string {
  let result = message;
  for (const value of values) result = result.split(value).join("***");
  return result.length > 300 ? `${result.slice(0, 300)}…` : result;
}

/** Secrets shorter than this are not scrubbed from messages (they would match ordinary words). */
const MIN_SCRUB_LENGTH = 4;

/** Every secret an instance stores, both sets', by field (`test.` before the test set's). */
function storedSecrets(instance: Pick<ProviderInstance, "secrets" | "test">): [string, EncryptedSecret][] {
  return [
    ...Object.entries(instance.secrets),
    ...Object.entries(instance.test?.secrets ?? {}).map(([field, secret]): [string, EncryptedSecret] => [
      `test.${field}`,
      secret,
    ]),
  ];
}

/** An instance's secrets (both sets) in clear text, for scrubbing messages; unreadable ones are left out. */
export function plaintextSecrets(
  box: SecretBox,
  instance: Pick<ProviderInstance, "secrets" | "test">,
): string[] {
  const values: string[] = [];
  for (const [, secret] of storedSecrets(instance)) {
    try {
      values.push(box.decrypt(secret));
    } catch {
      // Unreadable under the current keys: nothing to scrub.
    }
  }
  return values;
}

/** `text` with every secret value (long enough to be one) replaced by `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SCRUB_LENGTH) result = result.split(secret).join("[redacted]");
  }
  return result;
}
