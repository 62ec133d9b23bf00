/**
 * WhatsApp Web unreachable (as on our machines): the rest of the service keeps working, /readyz
 * says why WhatsApp is down (without the login QR), and the admin API shows the session state.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramEmulator, type TelegramEmulator } from "../../sandbox/telegram/index.js";
import { createWhatsAppStandIn, UNREACHABLE_REASON } from "../../sandbox/whatsapp/index.js";
import { createDuka, type Duka } from "../../src/app.js";
import { telegramChannel } from "../../src/bot/telegram/channel.js";
import { createWhatsAppChannel, whatsappChannel } from "../../src/bot/whatsapp/channel.js";
import { clearPrefix, testConfig } from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-for-whatsapp-tests-01";
let emulator: TelegramEmulator;
let duka: Duka;
let dataDir: string;
let prefix: string;

beforeAll(async () => {
  emulator = await createTelegramEmulator();
  dataDir = await mkdtemp(join(tmpdir(), "duka-wa-"));
  prefix = `t-${randomBytes(4).toString("hex")}`;
  const whatsapp = createWhatsAppStandIn();
  whatsapp.failInitialize(UNREACHABLE_REASON, Number.POSITIVE_INFINITY);
  duka = await createDuka({
    config: testConfig({
      TELEGRAM_BOT_TOKEN: emulator.botToken,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      DUKA_DATA_DIR: dataDir,
      QUEUE_PREFIX: prefix,
      ADMIN_TOKEN,
    }),
    channels: [telegramChannel, createWhatsAppChannel({ clientFactory: whatsapp.clientFactory })],
  });
  await duka.start();
  await duka.channel(whatsappChannel)!.waitForState("unreachable");
});

afterAll(async () => {
  await duka.stop();
  await emulator.close();
  await clearPrefix(prefix);
  await rm(dataDir, { recursive: true, force: true });
});

describe("WhatsApp Web unreachable", () => {
  it("leaves the rest of the service working", async () => {
    const shopper = emulator.user({ id: 9501, firstName: "Wairimu" });
    shopper.sendText("/start");
    expect((await shopper.nextMessage(/Choose a product/)).text).toContain("Mama Mboga");
  });

  it("says why in /readyz, without the login QR, and stays ready for the rest", async () => {
    const response = await fetch(`http://127.0.0.1:${duka.port()}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { details: { whatsapp: Record<string, unknown> } };
    expect(body.details.whatsapp).toMatchObject({ state: "unreachable", waitingForQrScan: false });
    expect(String(body.details.whatsapp.problem)).toContain("ERR_NAME_NOT_RESOLVED");
    expect(body.details.whatsapp).not.toHaveProperty("qr");
  });

  it("shows the session state to admins", async () => {
    const response = await fetch(`http://127.0.0.1:${duka.port()}/admin/api/whatsapp`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: "unreachable", qr: null });
    const anonymous = await fetch(`http://127.0.0.1:${duka.port()}/admin/api/whatsapp`);
    expect(anonymous.status).toBe(401);
  });
});
