import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, isPrettyFormat, REDACTED, redactPaths } from "../../src/log/index.js";

const BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const SK_LIVE = "sk_live_0123456789abcdef0123456789abcdef01231234";

/** A logger whose JSON lines land in `lines` (parsed) and `raw` (as written). */
function capture(level: "info" | "debug" = "info", pretty = false) {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      raw.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level, destination, pretty });
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, raw, lines };
}

describe("redactPaths", () => {
  it("lists each key at the top and under one to three wildcard levels, brackets for odd keys", () => {
    expect(redactPaths(["token", "x-paystack-signature"])).toEqual([
      "token",
      "*.token",
      "*.*.token",
      "*.*.*.token",
      '["x-paystack-signature"]',
      '*["x-paystack-signature"]',
      '*.*["x-paystack-signature"]',
      '*.*.*["x-paystack-signature"]',
    ]);
  });
});

describe("isPrettyFormat", () => {
  it.each([
    ["auto", true, true],
    ["auto", false, false],
    ["pretty", false, true],
    ["json", true, false],
  ] as const)("LOG_FORMAT=%s on a terminal=%s: pretty=%s", (format, terminal, pretty) => {
    expect(isPrettyFormat(format, terminal)).toBe(pretty);
  });
});

describe("createLogger, pretty", () => {
  it("writes readable lines, not JSON, with the same masking and redaction", () => {
    const { logger, raw } = capture("info", true);
    logger.info({ token: "t-1", port: 3000 }, "calling bot%s", BOT_TOKEN);
    const output = raw.join("");
    expect(output).toMatch(/INFO: calling bot<bot-token>/);
    expect(output).toContain("port: 3000");
    expect(output).toContain(REDACTED);
    expect(output).not.toContain(BOT_TOKEN);
    expect(output).not.toContain("t-1");
    expect(() => JSON.parse(raw[0] ?? "")).toThrow();
  });
});

describe("createLogger", () => {
  it("redacts headers that carry credentials and signatures", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: {
          method: "POST",
          headers: {
            authorization: "Bearer admin-token-0123456789",
            "x-paystack-signature": "a".repeat(128),
            "x-telegram-bot-api-secret-token": "hook_secret_123",
            "content-type": "application/json",
          },
        },
      },
      "webhook",
    );
    const [line] = lines();
    expect(line?.req).toEqual({
      method: "POST",
      headers: {
        authorization: REDACTED,
        "x-paystack-signature": REDACTED,
        "x-telegram-bot-api-secret-token": REDACTED,
        "content-type": "application/json",
      },
    });
  });

  it.each([
    ["token", { token: "t-1" }],
    ["botToken one level down", { telegram: { botToken: "t-2" } }],
    ["secretKey two levels down", { provider: { secrets: { secretKey: "t-3" } } }],
    ["Password three levels down", { body: { stk: { request: { Password: "t-4" } } } }],
    ["passkey", { mpesa: { passkey: "t-5" } }],
    ["apiKey", { apiKey: "t-6" }],
    ["masterKey", { config: { security: { masterKey: "t-7" } } }],
    ["phone", { customer: { phone: "t-8" } }],
    ["phoneNumber", { phoneNumber: "t-9" }],
    ["PhoneNumber", { Body: { PhoneNumber: "t-10" } }],
    ["msisdn", { msisdn: "t-11" }],
    ["secret", { secret: "t-12" }],
    ["password", { db: { password: "t-13" } }],
  ])("redacts %s", (_what, fields) => {
    const { logger, raw } = capture();
    logger.info(fields, "event");
    expect(raw.join("")).not.toMatch(/t-\d+/);
    expect(raw.join("")).toContain(REDACTED);
  });

  it("does not redact beyond three levels (pino needs explicit paths) but still masks what it recognizes", () => {
    const { logger, lines } = capture();
    logger.info({ a: { b: { c: { d: { token: "plain", phone: "+254712345678" } } } } }, "deep");
    expect(lines()[0]?.a).toEqual({ b: { c: { d: { token: "plain", phone: "+2547****678" } } } });
  });

  it("masks tokens, keys and phone numbers inside the message, its arguments and child bindings", () => {
    const { logger, raw, lines } = capture();
    logger
      .child({ chat: "254712345678@c.us" })
      .info("calling bot%s for %s with %s", BOT_TOKEN, "0712345678", SK_LIVE);
    const output = raw.join("");
    expect(output).not.toContain(BOT_TOKEN);
    expect(output).not.toContain("0712345678");
    expect(output).not.toContain(SK_LIVE);
    expect(lines()[0]).toMatchObject({
      chat: "2547****678@c.us",
      msg: "calling bot<bot-token> for 0712****678 with sk_live_…1234",
    });
  });

  it("masks err.message and err.stack, and the message taken from the error", () => {
    const { logger, raw, lines } = capture();
    logger.error(new Error(`STK push to 254712345678 failed: https://api.telegram.org/bot${BOT_TOKEN}/x`));
    logger.error({ err: new Error(`bad key ${SK_LIVE}`) }, "paystack refused");
    const output = raw.join("");
    expect(output).not.toContain("254712345678");
    expect(output).not.toContain(BOT_TOKEN);
    expect(output).not.toContain(SK_LIVE);
    const [first, second] = lines() as [
      Record<string, { message: string; stack: string }>,
      Record<string, unknown>,
    ];
    expect(first.msg).toBe("STK push to 2547****678 failed: https://api.telegram.org/bot<bot-token>/x");
    expect(first.err?.message).toBe(
      "STK push to 2547****678 failed: https://api.telegram.org/bot<bot-token>/x",
    );
    expect(first.err?.stack).toContain("2547****678");
    expect(second).toMatchObject({ msg: "paystack refused", err: { message: "bad key sk_live_…1234" } });
  });

  it("masks a Daraja callback's numeric PhoneNumber item and still writes valid JSON", () => {
    const { logger, lines } = capture();
    const callback = {
      Body: { stkCallback: { CallbackMetadata: { Item: [{ Name: "PhoneNumber", Value: 254712345678 }] } } },
    };
    logger.info({ callback }, "daraja callback");
    expect(lines()[0]?.callback).toEqual({
      Body: { stkCallback: { CallbackMetadata: { Item: [{ Name: "PhoneNumber", Value: "2547****678" }] } } },
    });
  });

  it("respects the level", () => {
    const { logger, raw } = capture("info");
    logger.debug("hidden");
    logger.info("shown");
    expect(raw).toHaveLength(1);
    expect(raw[0]).toContain('"msg":"shown"');
  });

  it("writes nothing at level silent", () => {
    const raw: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        raw.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: "silent", destination });
    logger.fatal("nothing");
    expect(raw).toEqual([]);
  });
});
