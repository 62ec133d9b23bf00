import { Bot, type Context } from "grammy";
import {
  createTelegramEmulator,
  type TelegramEmulator,
  type TelegramEmulatorOptions,
} from "../../../sandbox/telegram/index.js";
import { closeAfterTest, onCleanup } from "../shared-helpers.js";

export async function startEmulator(options?: TelegramEmulatorOptions): Promise<TelegramEmulator> {
  return closeAfterTest(await createTelegramEmulator(options));
}

/** A real grammY bot pointed at the emulator. Handler errors are collected instead of stopping it. */
export function createBot(emulator: TelegramEmulator): { bot: Bot; errors: unknown[] } {
  const bot = new Bot(emulator.botToken, { client: { apiRoot: emulator.apiRoot } });
  const errors: unknown[] = [];
  bot.catch((error) => {
    errors.push(error.error);
  });
  return { bot, errors };
}

/**
 * Starts long polling and resolves once grammY has run getMe and deleteWebhook. `running` settles
 * when polling ends (it rejects on 409/401, like grammY).
 */
export async function startPolling<C extends Context>(bot: Bot<C>): Promise<{ running: Promise<void> }> {
  let running!: Promise<void>;
  await new Promise<void>((resolve, reject) => {
    running = bot.start({ onStart: () => resolve() });
    running.catch(reject);
  });
  running.catch(() => undefined);
  onCleanup(async () => {
    if (bot.isRunning()) await bot.stop();
  });
  return { running };
}

/** Calls the emulator over plain HTTP (for envelope-level assertions grammY would hide). */
export async function callRaw(
  emulator: TelegramEmulator,
  method: string,
  init: {
    query?: Record<string, string>;
    json?: unknown;
    form?: Record<string, string>;
    token?: string;
  } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(`${emulator.apiRoot}/bot${init.token ?? emulator.botToken}/${method}`);
  for (const [key, value] of Object.entries(init.query ?? {})) url.searchParams.set(key, value);
  let request: RequestInit = { method: "GET" };
  if (init.json !== undefined) {
    request = {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(init.json),
    };
  } else if (init.form !== undefined) {
    request = { method: "POST", body: new URLSearchParams(init.form) };
  }
  const response = await fetch(url, request);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A 2×3 PNG (valid header) followed by a marker, so byte-exact comparisons are meaningful. */
export function tinyPng(marker = "duka"): Buffer {
  const header = Buffer.from("89504e470d0a1a0a0000000d49484452000000020000000308060000001d2c6b2f", "hex");
  return Buffer.concat([header, Buffer.from(marker)]);
}
