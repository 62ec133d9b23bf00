import type { ChatAddress } from "../domain/order.js";
import type { LogFormat, LogLevel } from "../log/logger.js";

export type NodeEnv = "development" | "test" | "production";

/**
 * The whole service configuration, parsed once from the environment by `loadConfig`
 * (DESIGN §7 lists the variables). Every URL is kept without a trailing slash. Each channel's and
 * each payment plugin's own variables live in its section (`sectionSettings`).
 */
export interface Config {
  /** NODE_ENV: development | test | production. Default development. */
  readonly nodeEnv: NodeEnv;
  /** TENANT_ID: the tenant the env-configured shop and providers belong to. Default "default". */
  readonly tenantId: string;
  /**
   * What each plugin's and channel's own variables made, by section name (`sectionSettings`
   * reads one typed); a section the environment leaves off has no entry.
   */
  readonly sections: Readonly<Record<string, unknown>>;
  readonly log: LogConfig;
  readonly http: HttpConfig;
  readonly redis: RedisConfig;
  readonly queue: QueueConfig;
  readonly storage: StorageConfig;
  readonly security: SecurityConfig;
  readonly providers: ProvidersConfig;
  /** ADMIN_TOKEN; undefined = the admin API is disabled. */
  readonly admin?: AdminConfig;
  /** Pass straight to `loadCatalog`. */
  readonly catalog: CatalogSourceConfig;
  /** MERCHANT_CHAT_IDS: who may run merchant commands. Default none. */
  readonly merchants: readonly ChatAddress[];
  readonly proofs: ProofsConfig;
  readonly limits: LimitsConfig;
}

export interface LogConfig {
  /** LOG_LEVEL: pino level or `silent`. Default info. */
  readonly level: LogLevel;
  /** LOG_FORMAT: `json`, `pretty`, or `auto` (pretty on a terminal, JSON otherwise). Default auto. */
  readonly format: LogFormat;
}

export interface HttpConfig {
  /** PORT. Default 3000. */
  readonly port: number;
  /** PUBLIC_URL: base of every callback URL. Default `http://localhost:${port}`. */
  readonly publicUrl: string;
  /**
   * TRUST_PROXY: how many proxies in front of Duka may set X-Forwarded-For (the client address
   * for allowlists). Default 0: the connection's own address; a forged header changes nothing.
   */
  readonly trustProxy: number;
}

export interface RedisConfig {
  /** REDIS_URL. Default redis://127.0.0.1:6379. May hold a password: log `describeConfig` only. */
  readonly url: string;
}

export interface QueueConfig {
  /** QUEUE_PREFIX: BullMQ key prefix. Default "duka". */
  readonly prefix: string;
}

export interface StorageConfig {
  /** MONGODB_URI; undefined = the embedded store. */
  readonly mongodbUri?: string;
  /** DUKA_DATA_DIR: the embedded store's journal and the local media store. Default ./data. */
  readonly dataDir: string;
}

export interface SecurityConfig {
  /** DUKA_MASTER_KEY decoded: 32 bytes, encrypts provider secrets. Required in production. */
  readonly masterKey?: Buffer;
  /**
   * DUKA_MASTER_KEY_PREVIOUS decoded: older 32-byte keys (comma-separated base64), accepted for
   * reading secrets saved before a rotation; never used to encrypt. Needs DUKA_MASTER_KEY.
   * Default none.
   */
  readonly previousKeys: readonly Buffer[];
}

export interface ProvidersConfig {
  /** PROVIDER_HEALTH_INTERVAL_SECONDS: how often each instance is health-checked. Default 300, 10–86400. */
  readonly healthIntervalSeconds: number;
  /**
   * PROVIDER_PULL_INTERVAL_SECONDS: how often instances that can list what they received (M-Pesa
   * C2B with Pull Transactions) are asked, so a dropped webhook still settles. Default 600, 60–86400.
   */
  readonly pullIntervalSeconds: number;
  /**
   * PROVIDER_REFRESH_SECONDS: the registry reloads instances at least this often, a safety net
   * behind the change feed. Default 30, 1–3600.
   */
  readonly refreshSeconds: number;
  /**
   * PAYMENT_PLUGINS: extra plugin modules to load at start-up, as given: npm package names or
   * file paths starting with ./, ../ (relative to the working directory) or /. Default none.
   */
  readonly pluginModules: readonly string[];
  /**
   * RECONCILE_DELAYS_SECONDS: after a provider payment starts, ask the provider about it after
   * each of these; still pending after the last, it expires. Default 45, 120, 300.
   */
  readonly reconcileDelaysSeconds: readonly number[];
  /**
   * PAYMENT_SPLIT_STICKY_HOURS: where instances split a method's traffic by weight, a shopper
   * keeps the instance drawn for them this long, so a retry lands on the same one. Default 24, 1–720.
   */
  readonly splitStickySeconds: number;
}

export interface AdminConfig {
  /** ADMIN_TOKEN: bearer token of the admin API, at least 16 characters. */
  readonly token: string;
}

export interface CatalogSourceConfig {
  /** CATALOG_FILE (.yaml, .yml or .json); undefined = the built-in demo shop. */
  readonly file?: string;
  /** MANUAL_PAYMENT_INSTRUCTIONS: overrides the catalog's paymentInstructions. */
  readonly manualInstructions?: string;
}

/** Limits against abuse, counted in Redis per window, so every process shares them. */
export interface LimitsConfig {
  /** RATE_LIMIT_WINDOW_MINUTES, as seconds: the window every limit below counts in. Default 10 minutes. */
  readonly windowSeconds: number;
  /** PAYMENT_PUSH_LIMIT: prompts pushed to payers' phones (M-Pesa STK), per phone and per chat. Default 3. */
  readonly paymentPushes: number;
  /** ORDER_LIMIT: new orders per chat. Default 10. */
  readonly orders: number;
  /** MESSAGE_LIMIT: shoppers' messages per chat. Default 120. */
  readonly messages: number;
}

export interface ProofsConfig {
  /** RECEIPT_MAX_BYTES: largest receipt image accepted. Default 5 MB, at most 20 MB. */
  readonly maxBytes: number;
  /** PROOF_REMINDER_MINUTES: remind the merchant of unreviewed proofs after this. Default 30; 0 = never. */
  readonly reminderMinutes: number;
}
