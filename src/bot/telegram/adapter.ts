import { autoRetry } from "@grammyjs/auto-retry";
import { type RunnerHandle, run, sequentialize } from "@grammyjs/runner";
import type { RequestHandler } from "express";
import { Bot, GrammyError, InputFile, webhookCallback } from "grammy";
import type { Logger } from "pino";
import type { Reply } from "../../domain/channel.js";
import {
  type ChannelAdapter,
  ChannelError,
  ChannelRateLimitError,
  ChannelRejectedError,
  type DownloadedMedia,
  type InboundMedia,
  type InboundMessage,
  MediaTooLargeError,
} from "../../domain/channel.js";
import type { MediaStore } from "../../store/types.js";
import { toInboundMessage } from "./normalize.js";
import {
  CONTACT_PROMPT,
  MAX_CAPTION,
  splitText,
  toContactKeyboard,
  toInlineKeyboard,
  toTelegramHtml,
} from "./render.js";

export interface TelegramAdapterOptions {
  readonly token: string;
  /** Bot API root; the emulator's in tests and the demo. */
  readonly apiRoot: string;
  readonly media: MediaStore;
  readonly logger: Logger;
  /** Webhook mode: Telegram posts to `url` with `secret` in X-Telegram-Bot-Api-Secret-Token. */
  readonly webhook?: { readonly url: string; readonly secret: string };
}

/** What the adapter receives; absent in send-only processes (workers). */
export type InboundHandler = (message: InboundMessage) => Promise<void>;

const ALLOWED_UPDATES = ["message", "callback_query"] as const;
const HEALTH_CACHE_MS = 15_000;
/** The calls the outbound worker paces. */
const SEND_METHODS = new Set(["sendMessage", "sendPhoto", "sendDocument"]);

/** 429 → wait; 400/403 (blocked, chat gone, bad request) → give up; the rest is transient. */
function toChannelError(error: unknown): unknown {
  if (!(error instanceof GrammyError)) return error;
  if (error.error_code === 429) {
    return new ChannelRateLimitError((error.parameters.retry_after ?? 1) * 1000, { cause: error });
  }
  if (error.error_code === 400 || error.error_code === 403) {
    return new ChannelRejectedError(`Telegram refused: ${error.description}`, { cause: error });
  }
  return error;
}

export function createTelegramAdapter(options: TelegramAdapterOptions) {
  const { logger } = options;
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  // Short waits are absorbed here, except on sends: their retry_after surfaces to the outbound
  // job, which holds the whole chat for it (pacing) instead of letting its other messages run in.
  const retry = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 });
  const retryTransient = autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 0 });
  bot.api.config.use((prev, method, payload, signal) =>
    (SEND_METHODS.has(method) ? retryTransient : retry)(prev, method, payload, signal),
  );
  let runner: RunnerHandle | undefined;
  /** Updates being handled, and the newest handed to us: what stop() waits for and confirms. */
  const handling = new Set<Promise<void>>();
  let lastUpdateId: number | undefined;
  let lastHealth: { at: number; problem: string | null } | undefined;

  function receive(handler: InboundHandler): void {
    bot.use(async (ctx, next) => {
      lastUpdateId = Math.max(lastUpdateId ?? 0, ctx.update.update_id);
      const done = next();
      handling.add(done);
      await done.finally(() => handling.delete(done));
    });
    bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
    bot.on("callback_query", async (ctx, next) => {
      // Always answered, first, so the shopper's button stops spinning whatever happens next.
      await ctx
        .answerCallbackQuery()
        .catch((error: unknown) => logger.warn({ err: error }, "answerCallbackQuery failed"));
      await next();
    });
    bot.use(async (ctx) => {
      const message = toInboundMessage(ctx.update, new Date());
      if (message) await handler(message);
    });
    bot.catch(({ error }) => logger.error({ err: error }, "telegram update failed"));
  }

  async function sendMedia(
    chatId: string,
    reply: Reply,
    media: NonNullable<Reply["media"]>,
  ): Promise<boolean> {
    const stored = await options.media.get(media.mediaId);
    if (!stored) throw new ChannelRejectedError(`Media ${media.mediaId} is missing from the media store`);
    const captioned = reply.text.length <= MAX_CAPTION;
    const extra = {
      ...(captioned ? { caption: toTelegramHtml(reply.text), parse_mode: "HTML" as const } : {}),
      ...(captioned && toInlineKeyboard(reply) ? { reply_markup: toInlineKeyboard(reply) } : {}),
    };
    const file = new InputFile(
      stored.bytes,
      stored.mimeType === "application/pdf" ? "receipt.pdf" : "receipt",
    );
    if (stored.mimeType.startsWith("image/")) await bot.api.sendPhoto(chatId, file, extra);
    else await bot.api.sendDocument(chatId, file, extra);
    return captioned;
  }

  async function sendText(chatId: string, reply: Reply): Promise<void> {
    const pieces = splitText(reply.text);
    const keyboard = toInlineKeyboard(reply);
    for (const [index, piece] of pieces.entries()) {
      const last = index === pieces.length - 1;
      await bot.api.sendMessage(chatId, toTelegramHtml(piece), {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(last && keyboard ? { reply_markup: keyboard } : {}),
      });
    }
    if (reply.requestContact) {
      await bot.api.sendMessage(chatId, CONTACT_PROMPT, {
        reply_markup: toContactKeyboard(reply.requestContact),
      });
    }
  }

  async function download(media: InboundMedia, maxBytes: number): Promise<DownloadedMedia> {
    if (media.size !== undefined && media.size > maxBytes) throw new MediaTooLargeError(maxBytes);
    const file = await bot.api.getFile(media.ref).catch((error: unknown) => {
      if (error instanceof GrammyError && /too big/i.test(error.description))
        throw new MediaTooLargeError(maxBytes);
      throw error;
    });
    if ((file.file_size ?? 0) > maxBytes) throw new MediaTooLargeError(maxBytes);
    if (!file.file_path) throw new ChannelError("download_failed", "Telegram returned no file path");
    const response = await fetch(`${options.apiRoot}/file/bot${options.token}/${file.file_path}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok || !response.body)
      throw new ChannelError("download_failed", `File download failed with HTTP ${response.status}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      total += chunk.length;
      // Counted while streaming: a declared size can lie, the bytes cannot.
      if (total > maxBytes) throw new MediaTooLargeError(maxBytes);
      chunks.push(Buffer.from(chunk));
    }
    return { bytes: Buffer.concat(chunks), ...(media.mimeType ? { declaredMimeType: media.mimeType } : {}) };
  }

  const adapter = {
    name: "telegram" as const,
    bot,

    async send(chatId: string, reply: Reply): Promise<void> {
      try {
        const captioned = reply.media ? await sendMedia(chatId, reply, reply.media) : false;
        if (!captioned) await sendText(chatId, reply);
      } catch (error) {
        throw toChannelError(error);
      }
    },

    download,

    /** Routes inbound updates to `handler`; call before `start` in processes that receive. */
    listen(handler: InboundHandler): void {
      receive(handler);
    },

    /** Receives by long polling, or registers the webhook that the web role serves. */
    async start(): Promise<void> {
      await bot.init();
      if (options.webhook) {
        await bot.api.setWebhook(options.webhook.url, {
          secret_token: options.webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    },

    async stop(): Promise<void> {
      if (!runner?.isRunning()) return;
      await runner.stop();
      // The runner stops fetching but neither waits for the updates it handed out nor confirms
      // them: Telegram would send them again to the next process. Finish them, then confirm
      // their offset as grammY's bot.stop() does.
      await Promise.allSettled(handling);
      if (lastUpdateId !== undefined) {
        await bot.api.getUpdates({ offset: lastUpdateId + 1, limit: 1, timeout: 0 });
      }
    },

    /** Express handler for POST /webhooks/telegram; checks the secret header. */
    webhookHandler(secret: string): RequestHandler {
      return webhookCallback(bot, "express", { secretToken: secret }) as RequestHandler;
    },

    async health(): Promise<string | null> {
      if (lastHealth && Date.now() - lastHealth.at < HEALTH_CACHE_MS) return lastHealth.problem;
      const problem = await bot.api
        // grammY types its signal with a polyfill's AbortSignal; Node's is the same thing at run time.
        .getMe(AbortSignal.timeout(5_000) as Parameters<typeof bot.api.getMe>[0])
        .then(() => null)
        .catch(
          (error: unknown) =>
            `Telegram Bot API unreachable: ${error instanceof Error ? error.message : String(error)}`,
        );
      lastHealth = { at: Date.now(), problem };
      return problem;
    },
  } satisfies ChannelAdapter & Record<string, unknown>;
  return adapter;
}

export type TelegramAdapter = ReturnType<typeof createTelegramAdapter>;
