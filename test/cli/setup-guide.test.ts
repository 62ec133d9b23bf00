import { describe, expect, it } from "vitest";
import { setupGuide } from "../../src/cli/setup-guide.js";
import { loadConfig } from "../../src/config/index.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const MASTER_KEY = Buffer.alloc(32, 7).toString("base64");

describe("setupGuide", () => {
  it("with nothing configured says what runs and names every setting a real shop still needs", () => {
    const lines = setupGuide(loadConfig({}), "all");
    expect(lines[0]).toBe(
      'Duka is starting (role "all"): the web server on http://localhost:3000, the payment and message workers.',
    );
    expect(lines).toContain("  Shop: the built-in demo catalog.");
    expect(lines).toContain("  Payments: bank or mobile-money transfer with a receipt.");
    const steps = lines.filter((line) => line.startsWith("  - ")).map((line) => line.split(":")[0]?.slice(4));
    expect(steps).toEqual([
      "TELEGRAM_BOT_TOKEN",
      "MERCHANT_CHAT_IDS",
      "CATALOG_FILE",
      "MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET, MPESA_SHORTCODE, MPESA_PASSKEY or PAYSTACK_SECRET_KEY or STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET or FLUTTERWAVE_SECRET_KEY, FLUTTERWAVE_SECRET_HASH or MPESA_C2B_CONSUMER_KEY, MPESA_C2B_CONSUMER_SECRET, MPESA_C2B_SHORTCODE",
      "ADMIN_TOKEN",
      "DUKA_MASTER_KEY",
    ]);
    expect(lines.at(-1)).toContain("npm run demo");
  });

  it("asks for nothing once the shop is set up, and never prints a secret", () => {
    const lines = setupGuide(
      loadConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        MERCHANT_CHAT_IDS: "telegram:42",
        CATALOG_FILE: "examples/catalog.yaml",
        PAYSTACK_SECRET_KEY: "sk_test_0123456789abcdef0123456789abcdef01234567",
        ADMIN_TOKEN: "admin-token-0123456789",
        DUKA_MASTER_KEY: MASTER_KEY,
        MONGODB_URI: "mongodb://user:pw@db.example:27017/duka",
      }),
      "all",
    );
    expect(lines).toEqual([
      'Duka is starting (role "all"): the web server on http://localhost:3000, the payment and message workers, the Telegram bot (polling).',
      "  Shop: examples/catalog.yaml.",
      "  Store: MongoDB.",
      "  Payments: cards through Paystack (test mode), bank or mobile-money transfer with a receipt.",
    ]);
  });

  it("describes only what the role runs", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN });
    expect(setupGuide(config, "worker")[0]).toBe(
      'Duka is starting (role "worker"): the payment and message workers.',
    );
    expect(setupGuide(config, "telegram")[0]).toBe(
      'Duka is starting (role "telegram"): the Telegram bot (polling).',
    );
    expect(setupGuide(loadConfig({}), "whatsapp")[0]).toBe(
      'Duka is starting (role "whatsapp"): nothing configured for this role.',
    );
    expect(setupGuide(loadConfig({}), "worker").join("\n")).not.toContain("TELEGRAM_BOT_TOKEN");
  });
});
