/**
 * A payment provider instance as stored: which plugin, for which tenant, its validated config,
 * its secrets encrypted at rest (AES-256-GCM under DUKA_MASTER_KEY), whether it is active, in
 * test mode, its fallback priority and the last health check. The registry builds clients from
 * it; the store keeps it.
 */

/** One secret value, encrypted; `keyId` names the master key so keys can be rotated. */
export interface EncryptedSecret {
  readonly keyId: string;
  /** base64 of the 96-bit random IV, the 128-bit GCM tag and the ciphertext. */
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

export type HealthStatus = "unknown" | "healthy" | "unhealthy";

export interface InstanceHealth {
  readonly status: HealthStatus;
  readonly checkedAt?: Date;
  readonly message?: string;
  readonly latencyMs?: number;
}

export interface ProviderInstance {
  /** `pi_…` */
  readonly _id: string;
  readonly tenantId: string;
  /** Plugin name (`manual`, `mpesa`, `paystack`). */
  readonly plugin: string;
  /** Unique per tenant. */
  readonly displayName: string;
  /**
   * The non-secret config fields: the shared ones and the live set's own (the plugin's `perMode`
   * fields). An instance made for test mode only has no live `perMode` fields here.
   */
  readonly config: Readonly<Record<string, unknown>>;
  /** The secret config fields, each encrypted: shared ones and the live set's own. */
  readonly secrets: Readonly<Record<string, EncryptedSecret>>;
  /**
   * The test set: the plugin's `perMode` fields for its test account, secrets encrypted as above.
   * Absent: no test credentials — except on instances stored before sets existed with `testMode`
   * true, whose one set is read as their test set (see payments/registry/credential-sets.ts).
   */
  readonly test?: CredentialSet;
  readonly active: boolean;
  /** Which set every call uses: the test set when true, the live one when false. */
  readonly testMode: boolean;
  /** Lower goes first; fallback tries the next. */
  readonly priority: number;
  /**
   * Share of first attempts among the instances of the same method at the same best priority
   * that have a weight (A/B routing, see payments/routing); absent: not splitting traffic.
   */
  readonly weight?: number;
  readonly health: InstanceHealth;
  /**
   * Who owns its settings: `environment` (seeded, and updated on each start to follow the
   * variables) or `admin` (made or edited through the admin API: the environment no longer
   * applies). Instances stored before this field: untouched since creation means `environment`.
   */
  readonly source?: InstanceSource;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type InstanceSource = "environment" | "admin";

/** One mode's own fields: the non-secret ones, and the secret ones encrypted. */
export interface CredentialSet {
  readonly config: Readonly<Record<string, unknown>>;
  readonly secrets: Readonly<Record<string, EncryptedSecret>>;
}

export type InstanceChanges = Partial<
  Pick<
    ProviderInstance,
    "displayName" | "config" | "secrets" | "test" | "active" | "testMode" | "priority" | "source"
  >
> & {
  /** A number sets the weight; null removes it (the instance stops splitting traffic). */
  readonly weight?: number | null;
};
