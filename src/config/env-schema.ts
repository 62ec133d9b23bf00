import { extname } from "node:path";
import { z } from "zod";
import { CHANNELS } from "../bot/channels.js";
import type { ChatAddress } from "../domain/order.js";
import { LOG_FORMATS, LOG_LEVELS } from "../log/logger.js";
import { type EnvSection, sectionVariables } from "./env-section.js";
import { httpUrlMessage, integer, pattern, url } from "./env-values.js";
import { ENV_SECTIONS } from "./sections.js";
import type { Config } from "./types.js";

/**
 * The environment contract: DESIGN §7's table plus Duka's own variables (NODE_ENV, LOG_LEVEL, LOG_FORMAT,
 * DUKA_DATA_DIR, TENANT_ID, RECEIPT_MAX_BYTES, PROOF_REMINDER_MINUTES, QUEUE_PREFIX, the abuse limits
 * RATE_LIMIT_WINDOW_MINUTES, PAYMENT_PUSH_LIMIT, ORDER_LIMIT and MESSAGE_LIMIT, and the provider
 * registry's DUKA_MASTER_KEY_PREVIOUS, PROVIDER_HEALTH_INTERVAL_SECONDS, PROVIDER_PULL_INTERVAL_SECONDS,
 * PROVIDER_REFRESH_SECONDS, PAYMENT_PLUGINS and PAYMENT_SPLIT_STICKY_HOURS). Each message completes "<VARIABLE> …" and says what a good value looks like.
 */

/** Values never echoed in an error, whatever is wrong with them. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  ...ENV_SECTIONS.flatMap((section) => section.secretVariables ?? []),
  "DUKA_MASTER_KEY",
  "DUKA_MASTER_KEY_PREVIOUS",
  "ADMIN_TOKEN",
]);

const MB = 1024 * 1024;

/** `telegram:123,whatsapp:254700000001@c.us` → addresses; duplicates dropped. */
const merchantChatIds = z.string().transform((value, ctx): ChatAddress[] => {
  const addresses = new Map<string, ChatAddress>();
  value.split(",").forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === "") return;
    const address = toChatAddress(entry);
    if (typeof address === "string") {
      ctx.addIssue({
        code: "custom",
        message: `entry ${index + 1} ${address}`,
        params: { omitValue: true },
      });
      return;
    }
    addresses.set(`${address.channel}:${address.chatId}`, address);
  });
  return [...addresses.values()];
});

/** An address, or a message (completing "entry N …") saying why the entry is not one. */
function toChatAddress(entry: string): ChatAddress | string {
  const colon = entry.indexOf(":");
  const name = entry.slice(0, colon).trim().toLowerCase();
  const id = entry.slice(colon + 1).trim();
  const shape = `must look like ${CHANNELS.map((known) => `${known.name}:${known.chatIds.shape}`).join(" or ")}`;
  if (colon === -1) return `has no channel: ${shape}`;
  const channel = CHANNELS.find((known) => known.name === name);
  if (!channel)
    return `has channel "${name.slice(0, 20)}", which is ${noneOf(CHANNELS.map((known) => known.name))}: ${shape}`;
  const parsed = channel.chatIds.parse(id);
  return "problem" in parsed
    ? `${parsed.problem}: ${shape}`
    : { channel: channel.name, chatId: parsed.chatId };
}

/** "not a", "neither a nor b", "none of a, b, c". */
function noneOf(names: readonly string[]): string {
  if (names.length === 1) return `not ${names[0]}`;
  if (names.length === 2) return `neither ${names[0]} nor ${names[1]}`;
  return `none of ${names.join(", ")}`;
}

const masterKeyMessage = "must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32)";

/** Base64 (standard or URL-safe alphabet) of exactly 32 bytes. */
function isMasterKey(value: string): boolean {
  return /^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value, "base64").length === 32;
}

const masterKey = z
  .string()
  .refine(isMasterKey, masterKeyMessage)
  .transform((value) => Buffer.from(value, "base64"));

/** Old master keys, comma-separated, still accepted for reading secrets while rotating. */
const previousMasterKeys = z.string().transform((value, ctx): Buffer[] => {
  const keys: Buffer[] = [];
  value.split(",").forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === "") return;
    if (!isMasterKey(entry)) {
      ctx.addIssue({
        code: "custom",
        message: `entry ${index + 1} ${masterKeyMessage}; list the old DUKA_MASTER_KEY values separated by commas`,
      });
      return;
    }
    const key = Buffer.from(entry, "base64");
    if (!keys.some((known) => known.equals(key))) keys.push(key);
  });
  return keys;
});

/**
 * Extra payment plugin modules: npm package names (`duka-plugin-mtn`, `@acme/duka-pay/plugin`)
 * or file paths starting with `./`, `../` or `/`; duplicates dropped.
 */
const pluginModules = z.string().transform((value, ctx): string[] => {
  const modules = new Set<string>();
  value.split(",").forEach((raw, index) => {
    const entry = raw.trim();
    if (entry === "") return;
    if (!isPackageName(entry) && !/^\.{0,2}\/.+$/.test(entry)) {
      ctx.addIssue({
        code: "custom",
        message: `entry ${index + 1} must be an npm package name (duka-plugin-x, @scope/name) or a file path starting with ./, ../ or /`,
      });
      return;
    }
    modules.add(entry);
  });
  return [...modules];
});

/** RECONCILE_DELAYS_SECONDS: "45,120,300" — increasing whole seconds, 1 to 24 hours each. */
const reconcileDelays = z.string().transform((value, ctx): number[] => {
  const delays = value.split(",").map((raw) => Number(raw.trim()));
  const valid =
    delays.length > 0 &&
    delays.length <= 10 &&
    delays.every(
      (delay, index) =>
        Number.isInteger(delay) &&
        delay >= 1 &&
        delay <= 86_400 &&
        (index === 0 || delay > delays[index - 1]!),
    );
  if (!valid) {
    ctx.addIssue({
      code: "custom",
      message: "must be 1 to 10 increasing whole seconds, comma-separated, like 45,120,300",
    });
  }
  return delays;
});

/** An npm package name (lowercase, optionally scoped), optionally with a subpath export. */
function isPackageName(value: string): boolean {
  return (
    value.length <= 214 &&
    /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*(?:\/[A-Za-z0-9._~-]+)*$/.test(value)
  );
}

const coreObject = z.object({
  NODE_ENV: z
    .enum(["development", "test", "production"], { error: "must be development, test or production" })
    .default("development"),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(", ")}` }).default("auto"),
  PORT: integer(1, 65535).default(3000),
  PUBLIC_URL: url(["http", "https"], httpUrlMessage).optional(),
  REDIS_URL: url(["redis", "rediss"], "must be a redis:// or rediss:// URL", { base: false }).default(
    "redis://127.0.0.1:6379",
  ),
  MONGODB_URI: pattern(
    /^mongodb(\+srv)?:\/\/\S+$/,
    "must be a mongodb:// or mongodb+srv:// connection string",
  ).optional(),
  DUKA_DATA_DIR: z.string().default("./data"),
  TENANT_ID: pattern(/^[A-Za-z0-9_-]{1,64}$/, "must be 1 to 64 letters, digits, - or _").default("default"),
  DUKA_MASTER_KEY: masterKey.optional(),
  DUKA_MASTER_KEY_PREVIOUS: previousMasterKeys.default([]),
  PROVIDER_HEALTH_INTERVAL_SECONDS: integer(10, 86400, "must be an integer from 10 to 86400 (a day)").default(
    300,
  ),
  PROVIDER_PULL_INTERVAL_SECONDS: integer(60, 86400, "must be an integer from 60 to 86400 (a day)").default(
    600,
  ),
  PROVIDER_REFRESH_SECONDS: integer(1, 3600, "must be an integer from 1 to 3600 (an hour)").default(30),
  PAYMENT_PLUGINS: pluginModules.default([]),
  PAYMENT_SPLIT_STICKY_HOURS: integer(1, 720, "must be an integer from 1 to 720 (30 days)").default(24),
  RECONCILE_DELAYS_SECONDS: reconcileDelays.default([45, 120, 300]),
  ADMIN_TOKEN: pattern(/^\S{16,512}$/, "must be 16 to 512 characters without spaces").optional(),
  CATALOG_FILE: z
    .string()
    .refine(
      (value) => [".yaml", ".yml", ".json"].includes(extname(value).toLowerCase()),
      "must name a .yaml, .yml or .json file",
    )
    .optional(),
  MANUAL_PAYMENT_INSTRUCTIONS: z.string().max(1000, "must be at most 1000 characters").optional(),
  MERCHANT_CHAT_IDS: merchantChatIds.default([]),
  RECEIPT_MAX_BYTES: integer(1024, 20 * MB, `must be an integer from 1024 to ${20 * MB} (20 MB)`).default(
    5 * MB,
  ),
  PROOF_REMINDER_MINUTES: integer(0, 10080, "must be an integer from 0 (never) to 10080 (a week)").default(
    30,
  ),
  QUEUE_PREFIX: pattern(/^[A-Za-z0-9_.-]{1,32}$/, "must be 1 to 32 letters, digits, -, _ or .").default(
    "duka",
  ),
  RATE_LIMIT_WINDOW_MINUTES: integer(1, 1440, "must be an integer from 1 to 1440 (a day)").default(10),
  PAYMENT_PUSH_LIMIT: integer(1, 1000).default(3),
  ORDER_LIMIT: integer(1, 1000).default(10),
  MESSAGE_LIMIT: integer(1, 10000).default(120),
  TRUST_PROXY: integer(0, 10, "must be the number of proxies in front of Duka, from 0 to 10").default(0),
});

/** The core variables and every registered section's. */
const envObject = coreObject.extend(sectionVariables(ENV_SECTIONS));

type Env = z.output<typeof coreObject> & Readonly<Record<string, unknown>>;

/** Rules that span variables. Written against presence so they hold even beside other errors. */
function checkCombinations(env: Env, ctx: z.RefinementCtx): void {
  const issue = (variable: string, message: string) =>
    ctx.addIssue({ code: "custom", path: [variable], message, params: { omitValue: true } });
  for (const section of ENV_SECTIONS) section.check?.(env, issue);

  if (env.NODE_ENV === "production" && env.DUKA_MASTER_KEY === undefined) {
    issue("DUKA_MASTER_KEY", "is required when NODE_ENV=production (make one with: openssl rand -base64 32)");
  }
  // Providers post payment webhooks to PUBLIC_URL: in production they must travel encrypted.
  if (env.NODE_ENV === "production" && isPlainHttp(env.PUBLIC_URL)) {
    issue(
      "PUBLIC_URL",
      "must be an https:// URL when NODE_ENV=production (providers send payment webhooks to it), like https://shop.example.com",
    );
  }
  // Beside other errors a field may still hold its raw string: any value counts as set.
  const previousKeys: unknown = env.DUKA_MASTER_KEY_PREVIOUS;
  const rotating = Array.isArray(previousKeys) ? previousKeys.length > 0 : previousKeys !== undefined;
  if (rotating && env.DUKA_MASTER_KEY === undefined) {
    issue(
      "DUKA_MASTER_KEY_PREVIOUS",
      "is set but DUKA_MASTER_KEY is not: while rotating, put the new key in DUKA_MASTER_KEY and the old ones here",
    );
  }
}

/** Unset means the http://localhost default; a value that is no URL at all has its own message. */
function isPlainHttp(publicUrl: unknown): boolean {
  return publicUrl === undefined || (typeof publicUrl === "string" && /^http:/i.test(publicUrl));
}

function toConfig(env: Env): Config {
  return {
    nodeEnv: env.NODE_ENV,
    sections: readSections(env, ENV_SECTIONS),
    tenantId: env.TENANT_ID,
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    http: {
      port: env.PORT,
      publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
      trustProxy: env.TRUST_PROXY,
    },
    redis: { url: env.REDIS_URL },
    queue: { prefix: env.QUEUE_PREFIX },
    storage: { ...(env.MONGODB_URI ? { mongodbUri: env.MONGODB_URI } : {}), dataDir: env.DUKA_DATA_DIR },
    security: {
      ...(env.DUKA_MASTER_KEY ? { masterKey: env.DUKA_MASTER_KEY } : {}),
      previousKeys: env.DUKA_MASTER_KEY_PREVIOUS,
    },
    providers: {
      healthIntervalSeconds: env.PROVIDER_HEALTH_INTERVAL_SECONDS,
      pullIntervalSeconds: env.PROVIDER_PULL_INTERVAL_SECONDS,
      refreshSeconds: env.PROVIDER_REFRESH_SECONDS,
      pluginModules: env.PAYMENT_PLUGINS,
      reconcileDelaysSeconds: env.RECONCILE_DELAYS_SECONDS,
      splitStickySeconds: env.PAYMENT_SPLIT_STICKY_HOURS * 3600,
    },
    ...(env.ADMIN_TOKEN ? { admin: { token: env.ADMIN_TOKEN } } : {}),
    catalog: {
      ...(env.CATALOG_FILE ? { file: env.CATALOG_FILE } : {}),
      ...(env.MANUAL_PAYMENT_INSTRUCTIONS ? { manualInstructions: env.MANUAL_PAYMENT_INSTRUCTIONS } : {}),
    },
    merchants: env.MERCHANT_CHAT_IDS,
    proofs: { maxBytes: env.RECEIPT_MAX_BYTES, reminderMinutes: env.PROOF_REMINDER_MINUTES },
    limits: {
      windowSeconds: env.RATE_LIMIT_WINDOW_MINUTES * 60,
      paymentPushes: env.PAYMENT_PUSH_LIMIT,
      orders: env.ORDER_LIMIT,
      messages: env.MESSAGE_LIMIT,
    },
  };
}

/** Each section's settings, by name, for the sections the environment switches on. */
function readSections(env: Env, sections: readonly EnvSection[]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const section of sections) {
    const read = section.read(env);
    if (read !== undefined) settings[section.name] = read;
  }
  return settings;
}

/** The one schema over the (normalized) environment: variables, their combinations, the Config. */
export const envSchema = envObject
  // The sections' variables widen the inferred type; the core ones are still there, typed.
  .superRefine((env, ctx) => checkCombinations(env as Env, ctx), { when: () => true })
  .transform((env) => toConfig(env as Env));

/** Every variable the schema reads; nothing else in the environment is looked at. */
export const ENV_VARIABLES: readonly string[] = Object.keys(envObject.shape);
