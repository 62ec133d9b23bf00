/** The Telegram adapter's graceful stop in long-poll mode (reliability.md R09). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, expect, it, vi } from "vitest";
import { createTelegramEmulator, type TelegramEmulator } from "../../../sandbox/telegram/index.js";
import { createTelegramAdapter } from "../../../src/bot/telegram/adapter.js";
import type { InboundMessage } from "../../../src/domain/channel.js";
import { createLocalMediaStore } from "../../../src/store/media/local-media-store.js";

let emulator: TelegramEmulator | undefined;
let mediaDir: string | undefined;

afterEach(async () => {
  await emulator?.close();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

async function pollingAdapter(telegram: TelegramEmulator) {
  mediaDir ??= await mkdtemp(join(tmpdir(), "duka-adapter-stop-"));
  return createTelegramAdapter({
    token: telegram.botToken,
    apiRoot: telegram.apiRoot,
    media: createLocalMediaStore(mediaDir),
    logger: pino({ level: "silent" }),
  });
}

it("stop() lets the update being handled finish and confirms it, so the next process does not get it again", async () => {
  emulator = await createTelegramEmulator();
  const shopper = emulator.user({ id: 4242, firstName: "Amina" });
  const first = await pollingAdapter(emulator);
  let release: () => void = () => undefined;
  const entered = new Promise<void>((resolve) => {
    first.listen(async () => {
      resolve();
      await new Promise<void>((done) => {
        release = done;
      });
    });
  });
  await first.start();
  shopper.sendText("/start");
  await entered;

  const order: string[] = [];
  const stopping = first.stop().then(() => order.push("stopped"));
  // A stop that does not wait resolves well within this; the handler is released after it.
  setTimeout(() => {
    order.push("handled");
    release();
  }, 300);
  await stopping;
  expect(order).toEqual(["handled", "stopped"]);
  expect(emulator.pendingUpdates()).toEqual([]);

  const received: InboundMessage[] = [];
  const second = await pollingAdapter(emulator);
  second.listen(async (message) => {
    received.push(message);
  });
  await second.start();
  shopper.sendText("again");
  await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 10_000 });
  await second.stop();
  expect(received.map((message) => message.content)).toEqual([{ kind: "text", text: "again" }]);
});
