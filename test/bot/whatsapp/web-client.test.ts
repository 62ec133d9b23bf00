/**
 * The real whatsapp-web.js Client with Debian's Chromium. These machines cannot reach WhatsApp Web,
 * so `initialize()` rejects (net::ERR_NAME_NOT_RESOLVED): the adapter must say so and keep the
 * process up, and `stop()` must leave no browser behind.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createWhatsAppAdapter } from "../../../src/bot/whatsapp/adapter.js";
import { createWhatsAppWebClient, DEFAULT_CHROMIUM_PATH } from "../../../src/bot/whatsapp/client.js";
import { captureLogs } from "../../helpers/logs.js";

const hasChromium = existsSync(DEFAULT_CHROMIUM_PATH);

/** Command lines of running processes that mention `needle` (Chromium gets it in --user-data-dir). */
function processesMentioning(needle: string): string[] {
  const table = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return table.split("\n").filter((line) => line.includes(needle) && !line.includes("ps -eo"));
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe.skipIf(!hasChromium)(
  `the real whatsapp-web.js client${hasChromium ? "" : ` (skipped: ${DEFAULT_CHROMIUM_PATH} is missing; install Debian's chromium package)`}`,
  () => {
    it("reports WhatsApp Web unreachable with the reason, and stop() leaves no Chromium", async () => {
      const dataPath = await mkdtemp(join(tmpdir(), "duka-wwebjs-"));
      cleanups.push(() => rm(dataPath, { recursive: true, force: true }));
      const logs = captureLogs("debug");
      let built = 0;
      const adapter = createWhatsAppAdapter({
        clientFactory: () => {
          built += 1;
          return createWhatsAppWebClient({ dataPath, logger: logs.logger });
        },
        media: { put: async () => "unused", get: async () => null },
        logger: logs.logger,
        reconnect: { initialMs: 200, maxMs: 200 },
        showQr: () => {},
      });
      cleanups.push(() => adapter.stop());

      await adapter.start();
      const outcome = await Promise.race([
        adapter.waitForState("unreachable", 60_000).then(() => "unreachable" as const),
        adapter.waitForState("qr", 60_000).then(() => "qr" as const),
      ]);
      if (outcome === "unreachable") {
        // The browser launched and navigated: the failure is the network's, in puppeteer's words.
        expect(await adapter.health()).toMatch(/^WhatsApp Web unreachable: net::ERR_[A-Z_]+/);
      } else {
        // A machine that can reach WhatsApp Web gets a QR code to link instead.
        expect(adapter.qr()).toMatch(/\S{20,}/);
      }
      // LocalAuth keeps the Chromium profile under dataPath.
      expect(await readdir(dataPath)).toContain("session");

      // Stop while the next client may be launching its browser: nothing may survive.
      if (outcome === "unreachable") await adapter.waitForState("starting", 10_000);
      await adapter.stop();
      expect(processesMentioning(dataPath)).toEqual([]);
      expect(adapter.state()).toBe("disconnected");
      expect(built).toBeGreaterThanOrEqual(1);
    }, 90_000);
  },
);

describe("createWhatsAppWebClient with a MongoDB URI", () => {
  it("restores the session through RemoteAuth and our GridFS store before launching a browser", async () => {
    const dataPath = await mkdtemp(join(tmpdir(), "duka-wwebjs-remote-"));
    cleanups.push(() => rm(dataPath, { recursive: true, force: true }));
    const client = createWhatsAppWebClient({
      dataPath,
      // Nothing listens on port 1: the store's first call (sessionExists) fails fast.
      mongodbUri: "mongodb://127.0.0.1:1/duka?serverSelectionTimeoutMS=300",
      logger: captureLogs().logger,
    });
    cleanups.push(() => client.destroy());
    await expect(client.initialize()).rejects.toThrow(/ECONNREFUSED/);
    expect(processesMentioning(dataPath)).toEqual([]);
  });
});
