import type { BotCommand, Update, UserFromGetMe } from "grammy/types";
import type { HttpServerHandle } from "../shared/http-server.js";
import { DEFAULT_WAIT_MS, type WaitOptions } from "../shared/wait.js";
import { createEmulatorContext, type EmulatorContext } from "./context.js";
import { TelegramEmulatorError } from "./errors.js";
import { startHttpServer } from "./http/server.js";
import { invokeMethod } from "./invoke.js";
import { resolveOptions, type TelegramEmulatorOptions } from "./options.js";
import { Params } from "./params.js";
import { asMedia } from "./state/files.js";
import { formatTranscriptEntry } from "./state/transcript.js";
import type {
  ApiCallRecord,
  CallbackAnswer,
  MessageMedia,
  TelegramEmulatorEvents,
  TelegramFault,
  TelegramUserProfile,
  TranscriptEntry,
  WebhookDelivery,
} from "./types.js";
import { TelegramUser } from "./user.js";

type Listener<K extends keyof TelegramEmulatorEvents> = (...args: TelegramEmulatorEvents[K]) => void;

export interface WebhookState {
  readonly url: string | undefined;
  readonly secretToken: string | undefined;
  readonly pendingUpdateCount: number;
  readonly lastErrorMessage: string | undefined;
}

/**
 * A local Telegram Bot API for one bot, plus an in-process API to play the users. Point grammY at
 * `apiRoot` (`new Bot(token, { client: { apiRoot } })`), drive users with `user()`, inspect calls
 * with `calls()`, and always `close()` it.
 */
export class TelegramEmulator {
  private readonly drivers = new Map<number, TelegramUser>();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly ctx: EmulatorContext,
    private readonly server: HttpServerHandle,
  ) {}

  /** @internal use createTelegramEmulator(). */
  static async start(options?: TelegramEmulatorOptions): Promise<TelegramEmulator> {
    const resolved = resolveOptions(options);
    let ctx: EmulatorContext | undefined;
    // Webhook replies (a method in the webhook's 2xx JSON answer) run like HTTP calls.
    ctx = createEmulatorContext(resolved, async (method, params) => {
      if (ctx === undefined) return;
      await invokeMethod(ctx, method, new Params(params), {
        transport: "webhook-reply",
        signal: new AbortController().signal,
      });
    });
    const server = await startHttpServer(ctx);
    return new TelegramEmulator(ctx, server);
  }

  /** Pass as grammY's `client.apiRoot`, e.g. "http://127.0.0.1:41234" (no trailing slash). */
  get apiRoot(): string {
    return this.server.origin;
  }

  get port(): number {
    return this.server.port;
  }

  get botToken(): string {
    return this.ctx.options.botToken;
  }

  /** What getMe returns. */
  get botInfo(): UserFromGetMe {
    return this.ctx.botUser;
  }

  /** The driver for a user's private chat; the same id always gives the same driver and chat. */
  user(profile: TelegramUserProfile): TelegramUser {
    const existing = this.drivers.get(profile.id);
    if (existing !== undefined) return existing;
    const driver = new TelegramUser(this.ctx, this.ctx.chats.open(profile));
    this.drivers.set(profile.id, driver);
    return driver;
  }

  /** Recorded Bot API calls, oldest first; `method` is compared case-insensitively. */
  calls(method?: string): ApiCallRecord[] {
    return this.ctx.calls.list(method);
  }

  clearCalls(): void {
    this.ctx.calls.clear();
  }

  /** The conversation so far (all chats, or one). */
  transcript(chatId?: number): TranscriptEntry[] {
    return this.ctx.transcript.list(chatId);
  }

  /** The conversation as readable lines. */
  formatTranscript(chatId?: number): string {
    return this.transcript(chatId).map(formatTranscriptEntry).join("\n");
  }

  /**
   * The next `count` calls of `method` fail with `fault`, before any effect. 429 answers
   * `{ok:false,error_code:429,description:"Too Many Requests: retry after N",parameters:{retry_after:N}}`
   * with HTTP 429; 500 answers "Internal Server Error".
   */
  failNext(method: string, fault: TelegramFault, count = 1): void {
    this.ctx.faults.failNext(method, fault, count);
  }

  /** Each call of `method` ("*" for any) fails with `fault` with the given probability; returns a remover. */
  failRandomly(
    method: string,
    fault: TelegramFault,
    probability: number,
    random: () => number = Math.random,
  ) {
    return this.ctx.faults.failRandomly(method, fault, probability, random);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /** Updates queued for the bot and not yet confirmed (polling) or delivered (webhook). */
  pendingUpdates(): Update[] {
    return this.ctx.updates.list();
  }

  webhook(): WebhookState {
    const config = this.ctx.webhook.config;
    return {
      url: config?.url,
      secretToken: config?.secretToken,
      pendingUpdateCount: this.ctx.updates.size,
      lastErrorMessage: this.ctx.webhook.lastError?.message,
    };
  }

  /** Every webhook POST attempt so far. */
  webhookDeliveries(): WebhookDelivery[] {
    return [...this.ctx.webhook.deliveries];
  }

  /** Resolves when no webhook delivery is in progress. */
  webhookIdle(): Promise<void> {
    return this.ctx.webhook.idle();
  }

  /** The bot's answer to a callback query (by query id or the update_id from pressButton). */
  callbackAnswer(callbackQueryId: string | number): CallbackAnswer | undefined {
    return this.ctx.callbacks.get(callbackQueryId)?.answer;
  }

  /** Commands from setMyCommands for the default scope and language. */
  commands(): BotCommand[] {
    return this.ctx.commands.get(JSON.stringify([{ type: "default" }, ""])) ?? [];
  }

  /** A stored file (sent by a user or uploaded by the bot) by file_id. */
  file(fileId: string): MessageMedia | undefined {
    const file = this.ctx.files.get(fileId);
    return file === undefined ? undefined : asMedia(file);
  }

  /**
   * Resolves with the getUpdates call that is being held open (long polling) — at once if one is held
   * now, else when the next one starts waiting. Use it to send an update only once the bot is waiting.
   */
  waitForPoll(options: WaitOptions = {}): Promise<ApiCallRecord> {
    const held = this.ctx.calls
      .list("getUpdates")
      .find((call) => call.held === true && call.finishedAt === undefined);
    if (held !== undefined && this.ctx.poll.isHolding) return Promise.resolve(held);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise((resolve, reject) => {
      const onPoll = (call: ApiCallRecord) => {
        clearTimeout(timer);
        resolve(call);
      };
      const timer = setTimeout(() => {
        this.ctx.events.off("poll", onPoll);
        reject(new TelegramEmulatorError("timeout", `No getUpdates was held open within ${timeoutMs} ms`));
      }, timeoutMs);
      this.ctx.events.once("poll", onPoll);
    });
  }

  on<K extends keyof TelegramEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.on as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  once<K extends keyof TelegramEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.once as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  off<K extends keyof TelegramEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.off as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  /**
   * Ends held getUpdates requests (with an empty result), stops webhook delivery, rejects pending
   * waits, and closes the server and its connections. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ctx.closed = true;
      this.ctx.poll.close();
      this.ctx.webhook.close();
      this.ctx.internal.emit("closed");
      await this.server.close();
    })();
    return this.closing;
  }
}

export function createTelegramEmulator(options?: TelegramEmulatorOptions): Promise<TelegramEmulator> {
  return TelegramEmulator.start(options);
}
