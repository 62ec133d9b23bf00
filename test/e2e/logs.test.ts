/**
 * Logs of a whole run, errors included, never carry the bot token.
 */
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/index.js";
import { tinyJpeg } from "../../src/sandbox/sample-files.js";
import { orderByTransfer, startTestShop, type TestShop } from "../helpers/shop.js";

let shop: TestShop | undefined;

afterAll(async () => {
  await shop?.stop();
});

describe("logs", () => {
  it("hold no bot token, even when Telegram calls fail", async () => {
    let logged = "";
    let onLog = () => {};
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk;
        onLog();
        done();
      },
    });
    const loggedSoon = (text: string) =>
      new Promise<void>((resolve) => {
        onLog = () => logged.includes(text) && resolve();
        onLog();
      });
    shop = await startTestShop({ logger: createLogger({ level: "debug", destination }) });
    const { emulator } = shop;
    const shopper = shop.shopper(8001);
    await orderByTransfer(shopper, "Sukuma");
    emulator.failNext("sendMessage", { errorCode: 500, description: "Internal Server Error" }, 2);
    emulator.failNext("getFile", { errorCode: 500, description: "Internal Server Error" }, 1);
    shopper.sendPhoto(tinyJpeg());
    await shopper.nextMessage(/receipt/, { timeoutMs: 20_000 });
    shop.merchant.sendText("/pending");
    await shop.merchant.nextMessage(/waiting/);
    // A send Telegram refuses for good is logged with its reason.
    const refused = loggedSoon("channel refused the message");
    emulator.failNext("sendMessage", { errorCode: 400, description: "Bad Request: chat not found" });
    shopper.sendText("/help");
    await refused;

    expect(logged).toContain("duka started");
    expect(logged).toContain("inbound message");
    expect(logged).toContain("merchant input");
    expect(logged).not.toContain(emulator.botToken);
    expect(logged).not.toContain(emulator.botToken.split(":")[1]);
  });
});
