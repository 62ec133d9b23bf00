/**
 * Logs of a whole run, errors included, never carry the bot token.
 */
import { afterAll, describe, expect, it } from "vitest";
import { tinyJpeg } from "../../sandbox/sample-files.js";
import { captureLogs } from "../helpers/logs.js";
import { orderByTransfer, startTestShop, type TestShop } from "../helpers/shop.js";

let shop: TestShop | undefined;

afterAll(async () => {
  await shop?.stop();
});

describe("logs", () => {
  it("hold no bot token, even when Telegram calls fail", async () => {
    const logs = captureLogs();
    shop = await startTestShop({ logger: logs.logger });
    const { emulator } = shop;
    const shopper = shop.shopper(8001);
    await orderByTransfer(shopper, "Sukuma");
    emulator.failNext("sendMessage", { errorCode: 500, description: "Internal Server Error" }, 2);
    emulator.failNext("getFile", { errorCode: 500, description: "Internal Server Error" }, 1);
    shopper.sendPhoto(tinyJpeg());
    await shopper.nextMessage(/receipt/, { timeoutMs: 20_000 });
    shop.merchant.sendText("/pending");
    await shop.merchant.nextMessage(/waiting/);
    // A send Telegram refuses for good is logs.text() with its reason.
    const refused = logs.contains("channel refused the message");
    emulator.failNext("sendMessage", { errorCode: 400, description: "Bad Request: chat not found" });
    shopper.sendText("/help");
    await refused;

    expect(logs.text()).toContain("duka started");
    expect(logs.text()).toContain("inbound message");
    expect(logs.text()).toContain("merchant input");
    expect(logs.text()).not.toContain(emulator.botToken);
    expect(logs.text()).not.toContain(emulator.botToken.split(":")[1]);
  });
});
