import { describe, expect, it } from "vitest";
import { describeConfig, loadConfig } from "../../src/config/index.js";

const BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const SECRETS = {
  DUKA_MASTER_KEY: Buffer.alloc(32, 9).toString("base64"),
  DUKA_MASTER_KEY_PREVIOUS: Buffer.alloc(32, 8).toString("base64"),
  ADMIN_TOKEN: "admin-token-0123456789abcdefXYZ",
  TELEGRAM_BOT_TOKEN: BOT_TOKEN,
  TELEGRAM_WEBHOOK_SECRET: "hook_secret_value",
  MPESA_CONSUMER_KEY: "consumerKeyABCDEFGHIJKLMNOPQRS",
  MPESA_CONSUMER_SECRET: "consumerSecret1234",
  MPESA_PASSKEY: "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
  PAYSTACK_SECRET_KEY: "sk_live_0123456789abcdef0123456789abcdef01234321",
};

describe("describeConfig", () => {
  const config = loadConfig({
    ...SECRETS,
    NODE_ENV: "production",
    PUBLIC_URL: "https://shop.example.com",
    TELEGRAM_MODE: "webhook",
    MPESA_SHORTCODE: "174379",
    REDIS_URL: "redis://default:redis-password-1@redis:6379",
    MONGODB_URI: "mongodb+srv://app:mongo-password-1@cluster0.example.net/duka",
    MERCHANT_CHAT_IDS: "telegram:42,whatsapp:254700000001@c.us",
    WHATSAPP_ENABLED: "true",
  });
  const summary = describeConfig(config);
  const text = JSON.stringify(summary);

  it.each(Object.entries(SECRETS))("never contains %s", (_name, value) => {
    expect(text).not.toContain(value);
  });

  it("never contains URL passwords or full phone numbers", () => {
    expect(text).not.toContain("redis-password-1");
    expect(text).not.toContain("mongo-password-1");
    expect(text).not.toContain("254700000001");
  });

  it("shows secrets as first 8 … last 4, or *** when short", () => {
    expect(summary).toMatchObject({
      admin: { token: "admin-to…fXYZ" },
      telegram: { token: "12345678…saw1", webhookSecret: "***", mode: "webhook" },
      mpesa: {
        consumerKey: "consumer…PQRS",
        consumerSecret: "***",
        passkey: "bfb279f9…c919",
        shortcode: "174379",
      },
      paystack: { secretKey: "sk_live_…4321", testMode: false },
      security: { masterKey: "set (32 bytes)", previousKeys: 1 },
    });
  });

  it("shows the provider registry settings", () => {
    const described = describeConfig(
      loadConfig({ PROVIDER_REFRESH_SECONDS: "15", PAYMENT_PLUGINS: "duka-plugin-mtn,./local.js" }),
    );
    expect(described).toMatchObject({
      providers: {
        healthIntervalSeconds: 300,
        refreshSeconds: 15,
        pluginModules: ["duka-plugin-mtn", "./local.js"],
        splitStickySeconds: 86_400,
      },
      security: { masterKey: "unset", previousKeys: 0 },
    });
  });

  it("masks credentials in URLs and phone numbers in merchant ids", () => {
    expect(summary).toMatchObject({
      redis: { url: "redis://default:***@redis:6379" },
      storage: { backend: "mongodb", mongodbUri: "mongodb+srv://app:***@cluster0.example.net/duka" },
      merchants: ["telegram:42", "whatsapp:2547****001@c.us"],
    });
  });

  it("says which parts are off", () => {
    expect(describeConfig(loadConfig({}))).toMatchObject({
      admin: "disabled",
      telegram: "disabled",
      whatsapp: "disabled",
      mpesa: "disabled",
      paystack: "disabled",
      storage: { backend: "embedded", dataDir: "./data" },
      security: { masterKey: "unset" },
      catalog: { file: "built-in demo shop" },
    });
  });
});
