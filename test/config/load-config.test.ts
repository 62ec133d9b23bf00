import { describe, expect, it } from "vitest";
import { telegramEnv } from "../../src/bot/telegram/env.js";
import { whatsappEnv } from "../../src/bot/whatsapp/env.js";
import { sectionSettings } from "../../src/config/env-section.js";
import { type Config, loadConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/domain/errors.js";

/** The settings the M-Pesa and Paystack plugins' own variables made. */
const mpesaOf = (config: Config) => config.sections.mpesa as Record<string, unknown> | undefined;
const paystackOf = (config: Config) => config.sections.paystack as Record<string, unknown> | undefined;

const BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const MASTER_KEY = Buffer.alloc(32, 7).toString("base64");
const OLD_KEY = Buffer.alloc(32, 6).toString("base64");
const MPESA = {
  MPESA_CONSUMER_KEY: "consumerKeyABCDEFGHIJKLMNOP",
  MPESA_CONSUMER_SECRET: "consumerSecret1234",
  MPESA_SHORTCODE: "174379",
  MPESA_PASSKEY: "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
};
const SK_TEST = "sk_test_0123456789abcdef0123456789abcdef01234567";
const PK_TEST = "pk_test_0123456789abcdef0123456789abcdef01234567";
const HTTPS_URL = "https://shop.example.com";

const telegram = (config: Config) => sectionSettings(config, telegramEnv);
const whatsapp = (config: Config) => sectionSettings(config, whatsappEnv);

/** The ConfigError message loadConfig throws for `env`; fails the test if it does not throw. */
function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe("config");
    return (error as ConfigError).message;
  }
  throw new Error(`expected loadConfig to throw for ${JSON.stringify(Object.keys(env))}`);
}

describe("loadConfig defaults", () => {
  it("builds the whole config from an empty environment", () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: "development",
      tenantId: "default",
      log: { level: "info", format: "auto" },
      http: { port: 3000, publicUrl: "http://localhost:3000", trustProxy: 0 },
      redis: { url: "redis://127.0.0.1:6379" },
      queue: { prefix: "duka" },
      storage: { dataDir: "./data" },
      security: { previousKeys: [] },
      providers: {
        healthIntervalSeconds: 300,
        pullIntervalSeconds: 600,
        refreshSeconds: 30,
        pluginModules: [],
        reconcileDelaysSeconds: [45, 120, 300],
        splitStickySeconds: 86_400,
      },
      catalog: {},
      sections: { manual: {} },
      merchants: [],
      proofs: { maxBytes: 5_242_880, reminderMinutes: 30 },
      limits: { windowSeconds: 600, paymentPushes: 3, orders: 10, messages: 120 },
    } satisfies Config);
  });

  it.each<[string, (config: Config) => unknown, unknown]>([
    ["NODE_ENV", (c) => c.nodeEnv, "development"],
    ["LOG_LEVEL", (c) => c.log.level, "info"],
    ["LOG_FORMAT", (c) => c.log.format, "auto"],
    ["PORT", (c) => c.http.port, 3000],
    ["PUBLIC_URL", (c) => c.http.publicUrl, "http://localhost:3000"],
    ["REDIS_URL", (c) => c.redis.url, "redis://127.0.0.1:6379"],
    ["MONGODB_URI", (c) => c.storage.mongodbUri, undefined],
    ["DUKA_DATA_DIR", (c) => c.storage.dataDir, "./data"],
    ["TENANT_ID", (c) => c.tenantId, "default"],
    ["DUKA_MASTER_KEY", (c) => c.security.masterKey, undefined],
    ["DUKA_MASTER_KEY_PREVIOUS", (c) => c.security.previousKeys, []],
    ["PROVIDER_HEALTH_INTERVAL_SECONDS", (c) => c.providers.healthIntervalSeconds, 300],
    ["PROVIDER_PULL_INTERVAL_SECONDS", (c) => c.providers.pullIntervalSeconds, 600],
    ["PROVIDER_REFRESH_SECONDS", (c) => c.providers.refreshSeconds, 30],
    ["PAYMENT_PLUGINS", (c) => c.providers.pluginModules, []],
    ["PAYMENT_SPLIT_STICKY_HOURS", (c) => c.providers.splitStickySeconds, 86_400],
    ["ADMIN_TOKEN", (c) => c.admin, undefined],
    ["CATALOG_FILE", (c) => c.catalog.file, undefined],
    ["MANUAL_PAYMENT_INSTRUCTIONS", (c) => c.catalog.manualInstructions, undefined],
    ["MERCHANT_CHAT_IDS", (c) => c.merchants, []],
    ["RECEIPT_MAX_BYTES", (c) => c.proofs.maxBytes, 5 * 1024 * 1024],
    ["PROOF_REMINDER_MINUTES", (c) => c.proofs.reminderMinutes, 30],
    ["QUEUE_PREFIX", (c) => c.queue.prefix, "duka"],
    ["TELEGRAM_BOT_TOKEN", (c) => telegram(c), undefined],
    ["WHATSAPP_ENABLED", (c) => whatsapp(c), undefined],
    ["MPESA_*", (c) => mpesaOf(c), undefined],
    ["PAYSTACK_SECRET_KEY", (c) => paystackOf(c), undefined],
  ])("%s defaults", (_name, pick, expected) => {
    expect(pick(loadConfig({}))).toEqual(expected);
  });

  it.each<[string, NodeJS.ProcessEnv, (config: Config) => unknown, unknown]>([
    [
      "TELEGRAM_API_ROOT",
      { TELEGRAM_BOT_TOKEN: BOT_TOKEN },
      (c) => telegram(c)?.apiRoot,
      "https://api.telegram.org",
    ],
    ["TELEGRAM_MODE", { TELEGRAM_BOT_TOKEN: BOT_TOKEN }, (c) => telegram(c)?.mode, "polling"],
    [
      "TELEGRAM_WEBHOOK_SECRET",
      { TELEGRAM_BOT_TOKEN: BOT_TOKEN },
      (c) => telegram(c)?.webhookSecret,
      undefined,
    ],
    ["CHROMIUM_PATH", { WHATSAPP_ENABLED: "true" }, (c) => whatsapp(c), {}],
    ["MPESA_TRANSACTION_TYPE", MPESA, (c) => mpesaOf(c)?.transactionType, "CustomerPayBillOnline"],
    ["MPESA_BASE_URL", MPESA, (c) => mpesaOf(c)?.baseUrl, "https://sandbox.safaricom.co.ke"],
    [
      "PAYSTACK_BASE_URL",
      { PAYSTACK_SECRET_KEY: SK_TEST },
      (c) => paystackOf(c)?.baseUrl,
      "https://api.paystack.co",
    ],
    ["PAYSTACK_PUBLIC_KEY", { PAYSTACK_SECRET_KEY: SK_TEST }, (c) => paystackOf(c)?.publicKey, undefined],
  ])("%s defaults once its group is on", (_name, env, pick, expected) => {
    expect(pick(loadConfig(env))).toEqual(expected);
  });

  it("follows PORT in the default PUBLIC_URL", () => {
    expect(loadConfig({ PORT: "8080" }).http.publicUrl).toBe("http://localhost:8080");
  });

  it.each(["", "   "])("treats %j as unset", (blank) => {
    const config = loadConfig({
      PORT: blank,
      ADMIN_TOKEN: blank,
      TELEGRAM_BOT_TOKEN: blank,
      NODE_ENV: blank,
    });
    expect(config.http.port).toBe(3000);
    expect(config.admin).toBeUndefined();
    expect(telegram(config)).toBeUndefined();
    expect(config.nodeEnv).toBe("development");
  });

  it("ignores variables it does not know", () => {
    expect(loadConfig({ HOME: "/root", PATH: "/bin", npm_config_x: "1" })).toEqual(loadConfig({}));
  });

  it("returns a frozen object", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, MERCHANT_CHAT_IDS: "telegram:1" });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.sections.telegram)).toBe(true);
    expect(Object.isFrozen(config.merchants)).toBe(true);
  });
});

describe("loadConfig values", () => {
  it("reads every group when everything is set", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      LOG_LEVEL: "debug",
      LOG_FORMAT: "json",
      PORT: "8080",
      PUBLIC_URL: "https://shop.example.com/",
      REDIS_URL: "rediss://redis.internal:6380",
      MONGODB_URI: "mongodb://db1:27017,db2:27017/duka?replicaSet=rs0",
      DUKA_DATA_DIR: "/var/lib/duka",
      TENANT_ID: "mama-mboga",
      DUKA_MASTER_KEY: MASTER_KEY,
      DUKA_MASTER_KEY_PREVIOUS: OLD_KEY,
      PROVIDER_HEALTH_INTERVAL_SECONDS: "60",
      PROVIDER_PULL_INTERVAL_SECONDS: "120",
      PROVIDER_REFRESH_SECONDS: "5",
      PAYMENT_PLUGINS: "duka-plugin-mtn",
      RECONCILE_DELAYS_SECONDS: "30, 90",
      PAYMENT_SPLIT_STICKY_HOURS: "2",
      ADMIN_TOKEN: "admin-token-0123456789",
      CATALOG_FILE: "/etc/duka/shop.yaml",
      MANUAL_PAYMENT_INSTRUCTIONS: "Pay to Till 999999",
      MERCHANT_CHAT_IDS: "telegram:42",
      RECEIPT_MAX_BYTES: "1048576",
      PROOF_REMINDER_MINUTES: "0",
      RATE_LIMIT_WINDOW_MINUTES: "5",
      PAYMENT_PUSH_LIMIT: "5",
      ORDER_LIMIT: "20",
      MESSAGE_LIMIT: "200",
      QUEUE_PREFIX: "duka-test",
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: "hook_SECRET-1",
      WHATSAPP_ENABLED: "1",
      CHROMIUM_PATH: "/usr/bin/chromium",
      ...MPESA,
      MPESA_TRANSACTION_TYPE: "CustomerBuyGoodsOnline",
      MPESA_BASE_URL: "https://api.safaricom.co.ke/",
      PAYSTACK_SECRET_KEY: SK_TEST,
      PAYSTACK_PUBLIC_KEY: PK_TEST,
      PAYSTACK_BASE_URL: "http://127.0.0.1:9000",
    });
    expect(config).toEqual({
      nodeEnv: "production",
      tenantId: "mama-mboga",
      log: { level: "debug", format: "json" },
      http: { port: 8080, publicUrl: "https://shop.example.com", trustProxy: 0 },
      redis: { url: "rediss://redis.internal:6380" },
      queue: { prefix: "duka-test" },
      storage: { mongodbUri: "mongodb://db1:27017,db2:27017/duka?replicaSet=rs0", dataDir: "/var/lib/duka" },
      security: { masterKey: Buffer.alloc(32, 7), previousKeys: [Buffer.alloc(32, 6)] },
      providers: {
        healthIntervalSeconds: 60,
        pullIntervalSeconds: 120,
        refreshSeconds: 5,
        pluginModules: ["duka-plugin-mtn"],
        reconcileDelaysSeconds: [30, 90],
        splitStickySeconds: 7200,
      },
      admin: { token: "admin-token-0123456789" },
      catalog: { file: "/etc/duka/shop.yaml", manualInstructions: "Pay to Till 999999" },
      sections: {
        telegram: {
          token: BOT_TOKEN,
          apiRoot: "http://127.0.0.1:8081",
          mode: "webhook",
          webhookSecret: "hook_SECRET-1",
        },
        whatsapp: { chromiumPath: "/usr/bin/chromium" },
        manual: {},
        mpesa: {
          consumerKey: MPESA.MPESA_CONSUMER_KEY,
          consumerSecret: MPESA.MPESA_CONSUMER_SECRET,
          shortcode: "174379",
          passkey: MPESA.MPESA_PASSKEY,
          transactionType: "CustomerBuyGoodsOnline",
          baseUrl: "https://api.safaricom.co.ke",
        },
        paystack: {
          secretKey: SK_TEST,
          publicKey: PK_TEST,
          baseUrl: "http://127.0.0.1:9000",
          testMode: true,
        },
      },
      merchants: [{ channel: "telegram", chatId: "42" }],
      proofs: { maxBytes: 1_048_576, reminderMinutes: 0 },
      limits: { windowSeconds: 300, paymentPushes: 5, orders: 20, messages: 200 },
    } satisfies Config);
  });

  it("trims values", () => {
    expect(loadConfig({ PORT: " 8080 \n" }).http.port).toBe(8080);
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["false", false],
    ["False", false],
    ["0", false],
  ])("reads WHATSAPP_ENABLED=%s as %s", (value, enabled) => {
    expect(whatsapp(loadConfig({ WHATSAPP_ENABLED: value })) !== undefined).toBe(enabled);
  });

  it("marks live Paystack keys as not test mode", () => {
    expect(paystackOf(loadConfig({ PAYSTACK_SECRET_KEY: "sk_live_abcdef0123456789" }))?.testMode).toBe(false);
  });

  it("decodes a URL-safe base64 master key too", () => {
    const key = Buffer.alloc(32, 0xfb);
    const config = loadConfig({ DUKA_MASTER_KEY: key.toString("base64url") });
    expect(config.security.masterKey?.equals(key)).toBe(true);
  });
});

describe("provider registry variables", () => {
  it("reads bounds of the health interval and the refresh period", () => {
    const low = loadConfig({ PROVIDER_HEALTH_INTERVAL_SECONDS: "10", PROVIDER_REFRESH_SECONDS: "1" });
    expect(low.providers).toMatchObject({ healthIntervalSeconds: 10, refreshSeconds: 1 });
    const high = loadConfig({ PROVIDER_HEALTH_INTERVAL_SECONDS: "86400", PROVIDER_REFRESH_SECONDS: "3600" });
    expect(high.providers).toMatchObject({ healthIntervalSeconds: 86400, refreshSeconds: 3600 });
  });

  it("reads the pull interval from a minute to a day", () => {
    expect(loadConfig({ PROVIDER_PULL_INTERVAL_SECONDS: "60" }).providers.pullIntervalSeconds).toBe(60);
    expect(loadConfig({ PROVIDER_PULL_INTERVAL_SECONDS: "86400" }).providers.pullIntervalSeconds).toBe(86400);
    for (const value of ["59", "86401", "ten"]) {
      expect(() => loadConfig({ PROVIDER_PULL_INTERVAL_SECONDS: value })).toThrow(
        /PROVIDER_PULL_INTERVAL_SECONDS/,
      );
    }
  });

  it("reads PAYMENT_PLUGINS as package names and paths, blanks and duplicates dropped", () => {
    const config = loadConfig({
      PAYMENT_PLUGINS:
        " duka-plugin-mtn , @acme/duka-pay/plugin,, ./plugins/airtel.js,../x.ts,/opt/p.mjs,duka-plugin-mtn",
    });
    expect(config.providers.pluginModules).toEqual([
      "duka-plugin-mtn",
      "@acme/duka-pay/plugin",
      "./plugins/airtel.js",
      "../x.ts",
      "/opt/p.mjs",
    ]);
  });

  it("decodes DUKA_MASTER_KEY_PREVIOUS, standard or URL-safe, duplicates dropped", () => {
    const second = Buffer.alloc(32, 0xfb);
    const config = loadConfig({
      DUKA_MASTER_KEY: MASTER_KEY,
      DUKA_MASTER_KEY_PREVIOUS: ` ${OLD_KEY}, ${second.toString("base64url")},,${OLD_KEY}`,
    });
    expect(config.security.previousKeys).toEqual([Buffer.alloc(32, 6), second]);
    expect(Object.isFrozen(config.security.previousKeys)).toBe(true);
  });

  it.each([
    ["c2hvcnQta2V5LXNlY3JldA==", 1],
    [`${OLD_KEY},${Buffer.alloc(33, 1).toString("base64")}`, 2],
    [`${OLD_KEY},${"!".repeat(43)}=`, 2],
  ])("refuses a previous key that is not 32 bytes of base64, hiding the value (%#)", (value, entry) => {
    const message = errorOf({ DUKA_MASTER_KEY: MASTER_KEY, DUKA_MASTER_KEY_PREVIOUS: value });
    expect(message).toBe(
      `Invalid configuration: DUKA_MASTER_KEY_PREVIOUS entry ${entry} must be base64 of exactly 32 bytes (make one with: openssl rand -base64 32); list the old DUKA_MASTER_KEY values separated by commas (value hidden)`,
    );
    expect(message).not.toContain(OLD_KEY);
    expect(message).not.toContain(value.split(",").at(-1));
  });

  it("needs DUKA_MASTER_KEY beside DUKA_MASTER_KEY_PREVIOUS", () => {
    expect(errorOf({ DUKA_MASTER_KEY_PREVIOUS: OLD_KEY })).toBe(
      "Invalid configuration: DUKA_MASTER_KEY_PREVIOUS is set but DUKA_MASTER_KEY is not: while rotating, put the new key in DUKA_MASTER_KEY and the old ones here",
    );
  });

  it("does not add the rotation rule to a previous key that is already refused", () => {
    const lines = errorOf({ DUKA_MASTER_KEY_PREVIOUS: "c2hvcnQta2V5LXNlY3JldA==" }).split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: DUKA_MASTER_KEY_PREVIOUS entry 1 must be base64/);
    expect(lines.join("\n")).not.toContain("c2hvcnQta2V5LXNlY3JldA");
  });
});

describe("MERCHANT_CHAT_IDS", () => {
  it.each<[string, Config["merchants"]]>([
    ["telegram:123", [{ channel: "telegram", chatId: "123" }]],
    ["telegram:-1001234567890", [{ channel: "telegram", chatId: "-1001234567890" }]],
    ["whatsapp:254700000001@c.us", [{ channel: "whatsapp", chatId: "254700000001@c.us" }]],
    ["whatsapp:+254700000001", [{ channel: "whatsapp", chatId: "254700000001@c.us" }]],
    ["whatsapp:254700000001", [{ channel: "whatsapp", chatId: "254700000001@c.us" }]],
    ["whatsapp:123456789012345@lid", [{ channel: "whatsapp", chatId: "123456789012345@lid" }]],
    [
      "telegram:123,whatsapp:254700000001@c.us",
      [
        { channel: "telegram", chatId: "123" },
        { channel: "whatsapp", chatId: "254700000001@c.us" },
      ],
    ],
    [
      " Telegram : 123 , , telegram:123, whatsapp:254700000001,",
      [
        { channel: "telegram", chatId: "123" },
        { channel: "whatsapp", chatId: "254700000001@c.us" },
      ],
    ],
  ])("parses %j", (value, expected) => {
    expect(loadConfig({ MERCHANT_CHAT_IDS: value }).merchants).toEqual(expected);
  });

  it.each([
    ["123", "entry 1 has no channel"],
    ["telegram:abc", "entry 1 has a Telegram chat id that is not an integer"],
    ["telegram:12.5", "entry 1 has a Telegram chat id that is not an integer"],
    ["telegram:1,whatsapp:bob", "entry 2 has a WhatsApp id that is not a phone number"],
    ["sms:254700000001", 'entry 1 has channel "sms", which is neither telegram nor whatsapp'],
  ])("rejects %j", (value, problem) => {
    const message = errorOf({ MERCHANT_CHAT_IDS: value });
    expect(message).toBe(
      `Invalid configuration: MERCHANT_CHAT_IDS ${problem}: must look like telegram:<numeric chat id> or whatsapp:<phone number>@c.us`,
    );
  });

  it("reports every bad entry on its own line", () => {
    expect(errorOf({ MERCHANT_CHAT_IDS: "x,telegram:1,y" }).split("\n")).toHaveLength(2);
  });
});

describe("loadConfig errors", () => {
  it.each<[NodeJS.ProcessEnv, string]>([
    [{ PORT: "abc" }, 'PORT must be an integer from 1 to 65535 (got "abc")'],
    [{ PORT: "0" }, 'PORT must be an integer from 1 to 65535 (got "0")'],
    [{ PORT: "65536" }, 'PORT must be an integer from 1 to 65535 (got "65536")'],
    [{ PORT: "80.5" }, 'PORT must be an integer from 1 to 65535 (got "80.5")'],
    [{ PORT: "0x50" }, 'PORT must be an integer from 1 to 65535 (got "0x50")'],
    [{ NODE_ENV: "prod" }, 'NODE_ENV must be development, test or production (got "prod")'],
    [
      { LOG_LEVEL: "verbose" },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    ],
    [{ LOG_FORMAT: "text" }, 'LOG_FORMAT must be one of auto, json, pretty (got "text")'],
    [
      { PUBLIC_URL: "shop.example.com" },
      'PUBLIC_URL must be an http(s) URL such as https://example.com (no ? or #) (got "shop.example.com")',
    ],
    [
      { PUBLIC_URL: "ftp://example.com" },
      'PUBLIC_URL must be an http(s) URL such as https://example.com (no ? or #) (got "ftp://example.com")',
    ],
    [
      { PUBLIC_URL: "https://shop.example.com/?ref=1" },
      'PUBLIC_URL must be an http(s) URL such as https://example.com (no ? or #) (got "https://shop.example.com/?ref=1")',
    ],
    [{ REDIS_URL: "localhost:6379" }, 'REDIS_URL must be a redis:// or rediss:// URL (got "localhost:6379")'],
    [
      { MONGODB_URI: "postgres://db/duka" },
      'MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string (got "postgres://db/duka")',
    ],
    [{ TENANT_ID: "mama mboga" }, 'TENANT_ID must be 1 to 64 letters, digits, - or _ (got "mama mboga")'],
    [{ CATALOG_FILE: "shop.txt" }, 'CATALOG_FILE must name a .yaml, .yml or .json file (got "shop.txt")'],
    [
      { MANUAL_PAYMENT_INSTRUCTIONS: "x".repeat(1001) },
      `MANUAL_PAYMENT_INSTRUCTIONS must be at most 1000 characters (got "${"x".repeat(80)}…")`,
    ],
    [
      { RECEIPT_MAX_BYTES: "20971521" },
      'RECEIPT_MAX_BYTES must be an integer from 1024 to 20971520 (20 MB) (got "20971521")',
    ],
    [
      { PROOF_REMINDER_MINUTES: "-5" },
      'PROOF_REMINDER_MINUTES must be an integer from 0 (never) to 10080 (a week) (got "-5")',
    ],
    [
      { QUEUE_PREFIX: "duka:prod" },
      'QUEUE_PREFIX must be 1 to 32 letters, digits, -, _ or . (got "duka:prod")',
    ],
    [
      { PROVIDER_HEALTH_INTERVAL_SECONDS: "9" },
      'PROVIDER_HEALTH_INTERVAL_SECONDS must be an integer from 10 to 86400 (a day) (got "9")',
    ],
    [
      { PROVIDER_HEALTH_INTERVAL_SECONDS: "86401" },
      'PROVIDER_HEALTH_INTERVAL_SECONDS must be an integer from 10 to 86400 (a day) (got "86401")',
    ],
    [
      { PROVIDER_HEALTH_INTERVAL_SECONDS: "5m" },
      'PROVIDER_HEALTH_INTERVAL_SECONDS must be an integer from 10 to 86400 (a day) (got "5m")',
    ],
    [
      { PAYMENT_SPLIT_STICKY_HOURS: "0" },
      'PAYMENT_SPLIT_STICKY_HOURS must be an integer from 1 to 720 (30 days) (got "0")',
    ],
    [
      { PAYMENT_SPLIT_STICKY_HOURS: "721" },
      'PAYMENT_SPLIT_STICKY_HOURS must be an integer from 1 to 720 (30 days) (got "721")',
    ],
    [
      { PROVIDER_REFRESH_SECONDS: "0" },
      'PROVIDER_REFRESH_SECONDS must be an integer from 1 to 3600 (an hour) (got "0")',
    ],
    [
      { PROVIDER_REFRESH_SECONDS: "3601" },
      'PROVIDER_REFRESH_SECONDS must be an integer from 1 to 3600 (an hour) (got "3601")',
    ],
    [
      { PAYMENT_PLUGINS: "duka-plugin-mtn,My Plugin" },
      'PAYMENT_PLUGINS entry 2 must be an npm package name (duka-plugin-x, @scope/name) or a file path starting with ./, ../ or / (got "duka-plugin-mtn,My Plugin")',
    ],
    [
      { PAYMENT_PLUGINS: "Duka-Plugin-MTN" },
      'PAYMENT_PLUGINS entry 1 must be an npm package name (duka-plugin-x, @scope/name) or a file path starting with ./, ../ or / (got "Duka-Plugin-MTN")',
    ],
    [{ TELEGRAM_MODE: "hook" }, 'TELEGRAM_MODE must be polling or webhook (got "hook")'],
    [
      { TELEGRAM_API_ROOT: "api.telegram.org" },
      'TELEGRAM_API_ROOT must be an http(s) URL such as https://example.com (no ? or #) (got "api.telegram.org")',
    ],
    [{ WHATSAPP_ENABLED: "yes" }, 'WHATSAPP_ENABLED must be true or false (or 1 or 0) (got "yes")'],
    [
      { MPESA_TRANSACTION_TYPE: "PayBill" },
      'MPESA_TRANSACTION_TYPE must be CustomerPayBillOnline or CustomerBuyGoodsOnline (got "PayBill")',
    ],
    [
      { ...MPESA, MPESA_SHORTCODE: "17437A" },
      'MPESA_SHORTCODE must be the Paybill or Till number (digits only) (got "17437A")',
    ],
    [
      { MPESA_BASE_URL: "sandbox" },
      'MPESA_BASE_URL must be an http(s) URL such as https://example.com (no ? or #) (got "sandbox")',
    ],
    [
      { PAYSTACK_BASE_URL: "nope" },
      'PAYSTACK_BASE_URL must be an http(s) URL such as https://example.com (no ? or #) (got "nope")',
    ],
  ])("%j gives one clear line", (env, line) => {
    const message = errorOf(env);
    expect(message).toBe(`Invalid configuration: ${line}`);
    expect(message.split("\n")).toHaveLength(1);
  });

  it("truncates a long echoed value", () => {
    const message = errorOf({ TENANT_ID: `${"a".repeat(100)} b` });
    expect(message).toBe(
      `Invalid configuration: TENANT_ID must be 1 to 64 letters, digits, - or _ (got "${"a".repeat(80)}…")`,
    );
  });

  it.each<[string, string, string]>([
    ["DUKA_MASTER_KEY", "c2hvcnQta2V5LXNlY3JldA==", "must be base64 of exactly 32 bytes"],
    ["DUKA_MASTER_KEY", Buffer.alloc(33, 1).toString("base64"), "must be base64 of exactly 32 bytes"],
    ["DUKA_MASTER_KEY", `${"!".repeat(43)}=`, "must be base64 of exactly 32 bytes"],
    ["ADMIN_TOKEN", "tooshort-Zq9", "must be 16 to 512 characters without spaces"],
    ["ADMIN_TOKEN", "a long token with spaces in it", "must be 16 to 512 characters without spaces"],
    ["TELEGRAM_BOT_TOKEN", "123456789:short-Zq9-value", "must be a bot token from @BotFather"],
    ["TELEGRAM_BOT_TOKEN", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1", "must be a bot token from @BotFather"],
    ["TELEGRAM_WEBHOOK_SECRET", "has spaces-Zq9", "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"],
    ["MPESA_CONSUMER_KEY", "key with space Zq9", "must not contain spaces"],
    ["MPESA_CONSUMER_SECRET", "Zq9 with space", "must not contain spaces"],
    ["MPESA_PASSKEY", "pass-key+Zq9", "must be the Lipa na M-Pesa passkey"],
    ["PAYSTACK_SECRET_KEY", "pk_live_myZq9value123", "must be a Paystack secret key"],
    ["PAYSTACK_SECRET_KEY", "sk_live_my Zq9", "must be a Paystack secret key"],
    ["PAYSTACK_PUBLIC_KEY", "sk_live_myZq9value123", "must be a Paystack public key"],
  ])("never echoes %s (%j)", (name, value, problem) => {
    const message = errorOf({ ...(name.startsWith("MPESA") ? MPESA : {}), [name]: value });
    const line = message.split("\n").find((l) => l.includes(name));
    expect(line).toContain(`${name} ${problem}`);
    expect(line).toMatch(/\(value hidden\)$/);
    expect(message).not.toContain(value);
    expect(message).not.toContain("Zq9");
  });

  it.each<[string, string]>([
    ["REDIS_URL", "redis//:hunter2-secret@redis:6379"],
    ["MONGODB_URI", "mongodb:/app:hunter2-secret@db/duka"],
    ["PUBLIC_URL", "https://user:hunter2-secret@"],
  ])("hides a %s that carries credentials", (name, value) => {
    const message = errorOf({ [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name} .*\\(value hidden\\)$`));
    expect(message).not.toContain("hunter2");
  });

  it("hides a value that looks like a token pasted into the wrong variable", () => {
    const message = errorOf({ TENANT_ID: BOT_TOKEN });
    expect(message).toBe(
      "Invalid configuration: TENANT_ID must be 1 to 64 letters, digits, - or _ (value hidden)",
    );
  });

  it("reports several problems one line each, including the cross-variable ones", () => {
    const lines = errorOf({
      NODE_ENV: "production",
      PUBLIC_URL: HTTPS_URL,
      PORT: "abc",
      WHATSAPP_ENABLED: "maybe",
      ADMIN_TOKEN: "short-secret",
    }).split("\n");
    expect(lines).toEqual([
      'Invalid configuration: PORT must be an integer from 1 to 65535 (got "abc")',
      "Invalid configuration: ADMIN_TOKEN must be 16 to 512 characters without spaces (value hidden)",
      'Invalid configuration: WHATSAPP_ENABLED must be true or false (or 1 or 0) (got "maybe")',
      "Invalid configuration: DUKA_MASTER_KEY is required when NODE_ENV=production (make one with: openssl rand -base64 32)",
    ]);
  });
});

describe("rules across variables", () => {
  it("requires DUKA_MASTER_KEY in production", () => {
    expect(errorOf({ NODE_ENV: "production", PUBLIC_URL: HTTPS_URL })).toBe(
      "Invalid configuration: DUKA_MASTER_KEY is required when NODE_ENV=production (make one with: openssl rand -base64 32)",
    );
  });

  it("accepts production with a master key, and development without one", () => {
    expect(
      loadConfig({ NODE_ENV: "production", DUKA_MASTER_KEY: MASTER_KEY, PUBLIC_URL: HTTPS_URL }).security
        .masterKey,
    ).toHaveLength(32);
    expect(loadConfig({ NODE_ENV: "development" }).security.masterKey).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "test" }).security.masterKey).toBeUndefined();
  });

  it.each([
    ["unset (the http://localhost default)", {}],
    ["http", { PUBLIC_URL: "http://shop.example.com" }],
    ["HTTP in capitals", { PUBLIC_URL: "HTTP://shop.example.com" }],
  ])("requires an https PUBLIC_URL in production: %s is refused", (_case, env) => {
    expect(errorOf({ NODE_ENV: "production", DUKA_MASTER_KEY: MASTER_KEY, ...env })).toBe(
      "Invalid configuration: PUBLIC_URL must be an https:// URL when NODE_ENV=production (providers send payment webhooks to it), like https://shop.example.com",
    );
  });

  it("accepts an http PUBLIC_URL outside production, and reports a malformed one once", () => {
    expect(
      loadConfig({ NODE_ENV: "development", PUBLIC_URL: "http://shop.example.com" }).http.publicUrl,
    ).toBe("http://shop.example.com");
    expect(
      loadConfig({ NODE_ENV: "production", DUKA_MASTER_KEY: MASTER_KEY, PUBLIC_URL: HTTPS_URL }).http
        .publicUrl,
    ).toBe(HTTPS_URL);
    expect(errorOf({ NODE_ENV: "production", DUKA_MASTER_KEY: MASTER_KEY, PUBLIC_URL: "ftp://x" })).toBe(
      'Invalid configuration: PUBLIC_URL must be an http(s) URL such as https://example.com (no ? or #) (got "ftp://x")',
    );
  });

  it("requires TELEGRAM_WEBHOOK_SECRET in webhook mode", () => {
    expect(errorOf({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_MODE: "webhook" })).toBe(
      "Invalid configuration: TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_MODE=webhook",
    );
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: "s",
    });
    expect(telegram(config)?.webhookSecret).toBe("s");
  });

  it("accepts a 256-character webhook secret and refuses 257", () => {
    const base = { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_MODE: "webhook" };
    expect(
      telegram(loadConfig({ ...base, TELEGRAM_WEBHOOK_SECRET: "a".repeat(256) }))?.webhookSecret,
    ).toHaveLength(256);
    expect(errorOf({ ...base, TELEGRAM_WEBHOOK_SECRET: "a".repeat(257) })).toMatch(
      /^Invalid configuration: TELEGRAM_WEBHOOK_SECRET /,
    );
  });

  it("requires all four M-Pesa credentials or none", () => {
    expect(errorOf({ MPESA_CONSUMER_KEY: "k", MPESA_CONSUMER_SECRET: "s" }).split("\n")).toEqual([
      "Invalid configuration: MPESA_SHORTCODE is required because MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET is set (M-Pesa needs all four MPESA_ credentials or none)",
      "Invalid configuration: MPESA_PASSKEY is required because MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET is set (M-Pesa needs all four MPESA_ credentials or none)",
    ]);
    expect(mpesaOf(loadConfig(MPESA))?.shortcode).toBe("174379");
  });

  it("needs PAYSTACK_SECRET_KEY beside a public key, of the same mode", () => {
    expect(errorOf({ PAYSTACK_PUBLIC_KEY: PK_TEST })).toBe(
      "Invalid configuration: PAYSTACK_SECRET_KEY is required because PAYSTACK_PUBLIC_KEY is set",
    );
    expect(errorOf({ PAYSTACK_SECRET_KEY: "sk_live_abcdef0123456789", PAYSTACK_PUBLIC_KEY: PK_TEST })).toBe(
      "Invalid configuration: PAYSTACK_PUBLIC_KEY is a test key but PAYSTACK_SECRET_KEY is a live key",
    );
  });

  it("reads a previous Paystack key with the end of its rotation window, and needs both", () => {
    const until = "2026-05-01T12:00:00Z";
    const rotating = { PAYSTACK_SECRET_KEY: SK_TEST, PAYSTACK_PREVIOUS_SECRET_KEY: "sk_test_old0123456789" };
    expect(paystackOf(loadConfig({ ...rotating, PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL: until }))).toMatchObject({
      secretKey: SK_TEST,
      previousSecretKey: "sk_test_old0123456789",
      previousSecretKeyUntil: until,
    });
    expect(errorOf(rotating)).toBe(
      "Invalid configuration: PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL is required because PAYSTACK_PREVIOUS_SECRET_KEY is set: until when may webhooks signed with the old key arrive (like 2026-05-01T12:00:00Z)?",
    );
    expect(errorOf({ ...rotating, PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL: "next week" })).toBe(
      'Invalid configuration: PAYSTACK_PREVIOUS_SECRET_KEY_UNTIL must be a date and time with its offset, like 2026-05-01T12:00:00Z (got "next week")',
    );
  });

  it("keeps Telegram settings without a token out of the config", () => {
    expect(
      telegram(loadConfig({ TELEGRAM_MODE: "webhook", TELEGRAM_API_ROOT: "http://localhost:1" })),
    ).toBeUndefined();
  });
});

describe("RECONCILE_DELAYS_SECONDS", () => {
  it.each(["5,3", "0,10", "abc", "45,45", "1,2,3,4,5,6,7,8,9,10,11", "90000"])(
    "refuses %j with one line",
    (value) => {
      expect(() => loadConfig({ RECONCILE_DELAYS_SECONDS: value })).toThrow(
        `Invalid configuration: RECONCILE_DELAYS_SECONDS must be 1 to 10 increasing whole seconds, comma-separated, like 45,120,300 (got "${value}")`,
      );
    },
  );
});

describe("MPESA_CALLBACK_IPS and TRUST_PROXY", () => {
  const MPESA_ENV = {
    MPESA_CONSUMER_KEY: "key",
    MPESA_CONSUMER_SECRET: "secret",
    MPESA_SHORTCODE: "174379",
    MPESA_PASSKEY: "passkey",
  };

  it("reads the allowlist into the M-Pesa settings and the proxy hop count", () => {
    const config = loadConfig({
      ...MPESA_ENV,
      MPESA_CALLBACK_IPS: " 196.201.214.200, ::1 ",
      TRUST_PROXY: "1",
    });
    expect(mpesaOf(config)?.allowedIps).toEqual(["196.201.214.200", "::1"]);
    expect(config.http.trustProxy).toBe(1);
  });

  it.each([
    ["MPESA_CALLBACK_IPS", "196.201.214.999"],
    ["MPESA_CALLBACK_IPS", "safaricom.co.ke"],
    ["TRUST_PROXY", "many"],
  ])("refuses %s=%j with one line", (name, value) => {
    expect(() => loadConfig({ ...MPESA_ENV, [name]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${name} must`),
    );
  });
});
