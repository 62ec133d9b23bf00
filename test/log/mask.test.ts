import { describe, expect, it } from "vitest";
import { maskJson, maskPhone, maskSecret, maskSensitive, maskUrlCredentials } from "../../src/log/mask.js";

const BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1";
const SK_LIVE = "sk_live_0123456789abcdef0123456789abcdef01231234";

describe("maskSensitive", () => {
  it.each([
    // [input, expected]
    ["plain text stays", "plain text stays"],
    [`token ${BOT_TOKEN} leaked`, "token <bot-token> leaked"],
    [
      `GET https://api.telegram.org/bot${BOT_TOKEN}/getMe`,
      "GET https://api.telegram.org/bot<bot-token>/getMe",
    ],
    [`key=${SK_LIVE}`, "key=sk_live_…1234"],
    ["sk_test_abcdefabcdefabcdefabcdef9876 failed", "sk_test_…9876 failed"],
    ["pay +254712345678 now", "pay +2547****678 now"],
    ["pay 254712345678", "pay 2547****678"],
    ["pay 0712345678.", "pay 0712****678."],
    ["pay 0112345678", "pay 0112****678"],
    ["wa 254712345678@c.us", "wa 2547****678@c.us"],
    ["ng 2348031234567", "ng 2348****567"],
    ["ng +2348031234567", "ng +2348****567"],
    ["ng local 08031234567", "ng local 0803****567"],
    ["ug 256772123456", "ug 2567****456"],
    ["Authorization: Bearer abcDEF123456789.xyz", "Authorization: Bearer [redacted]"],
    ["redis://user:s3cret@redis:6379/0", "redis://user:***@redis:6379/0"],
    ["mongodb+srv://app:p%40ss@cluster0.example.net/duka", "mongodb+srv://app:***@cluster0.example.net/duka"],
  ])("%s", (input, expected) => {
    expect(maskSensitive(input)).toBe(expected);
  });

  it.each([
    ["an order amount", "amount 45050 KES"],
    ["a Telegram chat id", "chat 123456789"],
    ["a 13-digit timestamp", "at 1718000000000"],
    ["a longer digit run that contains a phone-like part", "id 12547123456789"],
    ["an order reference", "order DK-7F3K2"],
    ["a time of day", "at 12:30:45"],
  ])("leaves %s alone", (_what, input) => {
    expect(maskSensitive(input)).toBe(input);
  });
});

describe("maskPhone", () => {
  it.each([
    ["+254712345678", "+2547****678"],
    ["254712345678", "2547****678"],
    ["254712345678@c.us", "2547****678"],
    ["0712345678", "0712****678"],
    [" 2348031234567 ", "2348****567"],
    ["12345", "***"],
  ])("%s → %s", (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});

describe("maskSecret", () => {
  it.each([
    [SK_LIVE, "sk_live_…1234"],
    [BOT_TOKEN, "12345678…saw1"],
    ["short-admin-token-123", "***"],
    ["", "***"],
  ])("%s → %s", (input, expected) => {
    expect(maskSecret(input)).toBe(expected);
  });
});

describe("maskUrlCredentials", () => {
  it("keeps URLs without a password as they are", () => {
    expect(maskUrlCredentials("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(maskUrlCredentials("redis://:pw@host:6379")).toBe("redis://:***@host:6379");
  });
});

describe("maskJson", () => {
  it("masks inside strings and keeps the document valid JSON", () => {
    const line = JSON.stringify({
      msg: `sent to +254712345678 with ${SK_LIVE}`,
      quoted: 'she said "0712345678"\nthen left',
      nested: { url: `https://api.telegram.org/bot${BOT_TOKEN}/sendMessage` },
    });
    const masked = maskJson(line);
    expect(JSON.parse(masked)).toEqual({
      msg: "sent to +2547****678 with sk_live_…1234",
      quoted: 'she said "0712****678"\nthen left',
      nested: { url: "https://api.telegram.org/bot<bot-token>/sendMessage" },
    });
  });

  it("turns phone numbers written as JSON numbers into masked strings", () => {
    const line = JSON.stringify({
      Item: [{ Name: "PhoneNumber", Value: 254712345678 }],
      Amount: 1.5,
      ts: 1718000000000,
    });
    expect(JSON.parse(maskJson(line))).toEqual({
      Item: [{ Name: "PhoneNumber", Value: "2547****678" }],
      Amount: 1.5,
      ts: 1718000000000,
    });
  });

  it("leaves a line with nothing sensitive byte for byte", () => {
    const line = '{"level":30,"time":1718000000000,"amount":45050,"msg":"order DK-7F3K2 paid"}\n';
    expect(maskJson(line)).toBe(line);
  });
});
