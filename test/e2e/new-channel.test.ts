/**
 * A channel the service has never heard of, added the way a channel folder is: its definition in
 * the channel list, nothing else. The loopback channel (test/fixtures) then runs a whole purchase
 * by transfer through the generic wiring: its input arrives in its own role, its replies go out
 * through the worker's outbound queue, and the merchant on it confirms the receipt.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tinyJpeg } from "../../sandbox/sample-files.js";
import { createDuka, type Duka, ROLES } from "../../src/app.js";
import { CHANNELS } from "../../src/bot/channels.js";
import { choiceData, createLoopback, type Loopback } from "../fixtures/loopback-channel.js";
import { clearPrefix, testConfig } from "../helpers/shop.js";

let loopback: Loopback;
let duka: Duka;
let dataDir: string;
let prefix: string;

beforeEach(async () => {
  loopback = createLoopback();
  dataDir = await mkdtemp(join(tmpdir(), "duka-loopback-"));
  prefix = `t-${randomBytes(4).toString("hex")}`;
  const config = testConfig({ DUKA_DATA_DIR: dataDir, QUEUE_PREFIX: prefix });
  duka = await createDuka({
    config: { ...config, merchants: [{ channel: "loopback", chatId: "merchant" }] },
    channels: [...CHANNELS, loopback.definition],
  });
  await duka.start();
});

afterEach(async () => {
  await duka.stop();
  await clearPrefix(prefix);
  await rm(dataDir, { recursive: true, force: true });
});

describe("a channel registered with one line", () => {
  it("runs a purchase by transfer from the first message to the merchant's confirmation", async () => {
    expect(Object.keys(duka.channels)).toEqual(["loopback"]);
    const shopper = loopback.person("amina", "Amina");
    const merchant = loopback.person("merchant", "Baraka");

    shopper.say("/start");
    const catalog = await shopper.nextReply(/Choose a product/);
    shopper.choose(choiceData(catalog, "Sukuma"));
    shopper.choose(choiceData(await shopper.nextReply(/How many/), "2"));
    shopper.choose(choiceData(await shopper.nextReply(/Added/), "Checkout"));
    shopper.choose(
      choiceData(await shopper.nextReply(/How would you like to pay/), "Bank transfer / manual"),
    );
    const placed = await shopper.nextReply(/DK-/);
    expect(placed.text).toContain("KES 60.00");
    const ref = /DK-[2-9A-HJ-NP-Z]{5}/.exec(placed.text)![0];

    shopper.sendPhoto(tinyJpeg());
    const notification = await merchant.nextReply(new RegExp(ref));
    expect(notification.text).toContain("Amina");
    expect(notification.media?.mimeType).toBe("image/jpeg");
    merchant.choose(choiceData(notification, "Confirm"));

    expect((await shopper.nextReply(/confirmed/)).text).toContain(ref);
    expect((await duka.store.orders.findByRef(duka.config.tenantId, ref))?.status).toBe("paid");
  });

  it("becomes a role of `duka start` only through the channel map", () => {
    expect(ROLES).not.toContain("loopback");
    expect(ROLES).toEqual(["all", "web", "worker", ...CHANNELS.map((channel) => channel.name)]);
  });
});
