/**
 * Provider instances as stored, and the services around them. An instance is data: which
 * plugin, for which tenant, its validated config, its secrets encrypted at rest (AES-256-GCM
 * under DUKA_MASTER_KEY), whether it is active, in test mode, its fallback priority and the
 * last health check.
 */
import type { z } from "zod";
import type { PaymentMethod } from "../../domain/payment.js";
import type { PaymentOption } from "../../domain/payment-option.js";
import type { EncryptedSecret, ProviderInstance } from "../../domain/provider-instance.js";
import type { PaymentPlugin, ProviderClient } from "../plugin.js";

export type {
  EncryptedSecret,
  HealthStatus,
  InstanceChanges,
  InstanceHealth,
  InstanceSource,
  ProviderInstance,
} from "../../domain/provider-instance.js";
export type { ProviderInstanceRepository } from "../../store/types.js";

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
