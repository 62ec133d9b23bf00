/**
 * Provider instances as stored, and the services around them. An instance is data: which
 * plugin, for which tenant, its validated config, its secrets encrypted at rest (AES-256-GCM
 * under DUKA_MASTER_KEY), whether it is active, in test mode, its fallback priority and the
 * last health check.
 */
import type { z } from "zod";
import type { PaymentOption } from "../../conversations/types.js";
import type { PaymentMethod } from "../../domain/payment.js";
import type { PaymentPlugin, ProviderClient } from "../plugin.js";

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
  /** The non-secret config fields. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The secret config fields, each encrypted. */
  readonly secrets: Readonly<Record<string, EncryptedSecret>>;
  readonly active: boolean;
  readonly testMode: boolean;
  /** Lower goes first; fallback tries the next. */
  readonly priority: number;
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

export type InstanceChanges = Partial<
  Pick<ProviderInstance, "displayName" | "config" | "secrets" | "active" | "testMode" | "priority" | "source">
>;

export interface ProviderInstanceRepository {
  /** Throws DuplicateKeyError when the tenant already has an instance with that display name. */
  create(instance: ProviderInstance): Promise<void>;
  findById(id: string): Promise<ProviderInstance | null>;
  /** By priority, then creation; every tenant when `tenantId` is omitted. */
  list(filter?: { tenantId?: string; plugin?: string }): Promise<ProviderInstance[]>;
  /** Sets the changes and `updatedAt`; null when there is no such instance. */
  update(id: string, changes: InstanceChanges): Promise<ProviderInstance | null>;
  /**
   * Stores a health result when the stored status is still `expected` (compare-and-set), so
   * exactly one process sees a given change of status and alerts about it.
   */
  setHealth(id: string, health: InstanceHealth, expected: HealthStatus): Promise<ProviderInstance | null>;
  delete(id: string): Promise<boolean>;
}

/** Encrypts and decrypts secret values; knows the current key and older ones for rotation. */
export interface SecretBox {
  /** Id of the key new values are encrypted under. */
  readonly keyId: string;
  encrypt(plaintext: string): EncryptedSecret;
  /** Throws SecretKeyError for an unknown key id or a failed authentication tag. */
  decrypt(secret: EncryptedSecret): string;
}

/** Tells every process that a tenant's instances changed (Redis pub/sub). */
export interface ChangeFeed {
  publish(tenantId: string): Promise<void>;
  subscribe(listener: (tenantId: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** An instance the registry can call. */
export interface ResolvedInstance {
  readonly instance: ProviderInstance;
  readonly plugin: PaymentPlugin;
  readonly client: ProviderClient;
}

export interface ProviderRegistry {
  plugins(): readonly PaymentPlugin[];
  plugin(name: string): PaymentPlugin | undefined;
  /** Active instances of the tenant serving `method`, in fallback order. */
  candidates(tenantId: string, method: PaymentMethod): Promise<ResolvedInstance[]>;
  /** The methods the tenant offers now, labelled for the shopper. */
  options(tenantId: string): Promise<PaymentOption[]>;
  /** Builds a client for a config before it is saved ("test connection"). */
  probe(plugin: PaymentPlugin, config: Record<string, unknown>, testMode: boolean): ProviderClient;
  /** Drops cached instances of a tenant (all when omitted); the next call reloads them. */
  invalidate(tenantId?: string): void;
}

/** Validates a plugin's config and splits it into stored config and encrypted secrets. */
export type ConfigSplitter = (
  schema: z.ZodObject,
  input: Record<string, unknown>,
) => { config: Record<string, unknown>; secrets: Record<string, EncryptedSecret> };
