/**
 * Live and test credentials of one provider instance. The plugin marks the fields that differ
 * between its live and test accounts (`.meta({ perMode: true })`); the instance stores the shared
 * fields and the live set's own at its top level, the test set's own in `test`. A mode's config is
 * the shared fields plus that mode's own, and a mode without any of its own fields has no
 * credentials: it is never filled in from the other mode.
 *
 * Every write stores `test` (empty without test credentials), so only instances stored before the
 * sets existed lack it. They hold one set at the top level. With `testMode` false it is the live
 * set, as stored. With `testMode` true it is read as the test set (they were seeded from test keys
 * or labelled test by an operator): {@link withCredentialSets} moves it there when read, and the
 * next write (admin API, seeding) stores that shape. Pure: no I/O.
 */
import type { z } from "zod";
import { ConfigError } from "../../domain/errors.js";
import type { CredentialSet, ProviderInstance } from "../../domain/provider-instance.js";
import { perModeFieldsOf } from "../plugin.js";

export type CredentialMode = "live" | "test";

export function modeOf(instance: Pick<ProviderInstance, "testMode">): CredentialMode {
  return instance.testMode ? "test" : "live";
}

/** A mode the instance is asked to use but holds no credentials for; never filled from the other. */
export class MissingCredentialsError extends ConfigError {
  override name = "MissingCredentialsError";
  constructor(
    readonly instanceId: string,
    readonly mode: CredentialMode,
  ) {
    super(
      `Provider instance ${instanceId} is in ${mode} mode but has no ${mode} credentials; give them through the admin API (${mode === "test" ? "testConfig" : "config"}) or switch testMode back`,
    );
  }
}

/** No credentials of a mode. */
export const EMPTY_SET: CredentialSet = { config: {}, secrets: {} };

/**
 * The instance with `test` always present: a pre-sets instance's one set moved into it when in
 * test mode, an empty one when live (see the module note). Changes applied over the result are
 * read as they are, never migrated again.
 */
export function withCredentialSets(
  schema: z.ZodObject,
  instance: ProviderInstance,
): ProviderInstance & { readonly test: CredentialSet } {
  if (instance.test !== undefined) return { ...instance, test: instance.test };
  const perMode = new Set(perModeFieldsOf(schema));
  if (!instance.testMode || perMode.size === 0) return { ...instance, test: EMPTY_SET };
  const [sharedConfig, testConfig] = partition(instance.config, perMode);
  const [sharedSecrets, testSecrets] = partition(instance.secrets, perMode);
  return {
    ...instance,
    config: sharedConfig,
    secrets: sharedSecrets,
    test: { config: testConfig, secrets: testSecrets },
  };
}

/** True when the instance holds credentials for `mode` (a plugin without per-mode fields always does). */
export function hasCredentials(
  schema: z.ZodObject,
  instance: ProviderInstance,
  mode: CredentialMode,
): boolean {
  const perMode = perModeFieldsOf(schema);
  if (perMode.length === 0) return true;
  const set = ownSet(schema, withCredentialSets(schema, instance), mode);
  return perMode.some((name) => Object.hasOwn(set.config, name) || Object.hasOwn(set.secrets, name));
}

/** The fields `mode` uses, shared ones included, still encrypted: what a client of that mode is built from. */
export function credentialSetOf(
  schema: z.ZodObject,
  instance: ProviderInstance,
  mode: CredentialMode,
): CredentialSet {
  const sets = withCredentialSets(schema, instance);
  if (mode === "live") return { config: sets.config, secrets: sets.secrets };
  const perMode = new Set(perModeFieldsOf(schema));
  const [sharedConfig] = partition(sets.config, perMode);
  const [sharedSecrets] = partition(sets.secrets, perMode);
  const own = sets.test;
  return { config: { ...sharedConfig, ...own.config }, secrets: { ...sharedSecrets, ...own.secrets } };
}

/** Only `mode`'s own per-mode fields. */
function ownSet(
  schema: z.ZodObject,
  sets: ProviderInstance & { test: CredentialSet },
  mode: CredentialMode,
): CredentialSet {
  if (mode === "test") return sets.test;
  const perMode = new Set(perModeFieldsOf(schema));
  return { config: partition(sets.config, perMode)[1], secrets: partition(sets.secrets, perMode)[1] };
}

/**
 * Stored form of a live and a test config (each shared fields plus its mode's own, as split for
 * storing): shared and live fields at the top level, the test set's own in `test`. Without a live
 * set the shared fields come from the test one; without a test set `test` is empty.
 */
export function toStoredSets<Value>(
  schema: z.ZodObject,
  live: Readonly<Record<string, Value>> | undefined,
  test: Readonly<Record<string, Value>> | undefined,
): { top: Record<string, Value>; test: Record<string, Value> } {
  const perMode = new Set(perModeFieldsOf(schema));
  const [shared, own] = partition(test ?? {}, perMode);
  return live ? { top: { ...live }, test: own } : { top: shared, test: own };
}

/** [fields not in `names`, fields in `names`]. */
export function partition<Value>(
  values: Readonly<Record<string, Value>>,
  names: ReadonlySet<string>,
): [Record<string, Value>, Record<string, Value>] {
  const outside: Record<string, Value> = {};
  const inside: Record<string, Value> = {};
  for (const [name, value] of Object.entries(values)) (names.has(name) ? inside : outside)[name] = value;
  return [outside, inside];
}
