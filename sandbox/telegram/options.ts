import { z } from "zod";

export interface TelegramEmulatorOptions {
  /** TCP port; 0 picks a free one. Default: 0. */
  readonly port?: number;
  /** Interface to listen on. Default: "127.0.0.1". */
  readonly host?: string;
  /** The only token accepted; the bot id is the number before ":". Default: a fixed test token. */
  readonly botToken?: string;
  /** getMe username. Default: "duka_test_bot". */
  readonly botUsername?: string;
  /** getMe first_name. Default: "Duka Test Bot". */
  readonly botFirstName?: string;
  /** update_id of the first update. Default: 1. */
  readonly firstUpdateId?: number;
  /** Webhook delivery retries. Default: 4 attempts, 100 ms first backoff (doubling), 15 s timeout each. */
  readonly webhookRetry?: {
    readonly attempts?: number;
    readonly initialDelayMs?: number;
    readonly timeoutMs?: number;
  };
  /** Largest file getFile serves (the hosted Bot API's limit). Default: 20 MB. */
  readonly maxDownloadBytes?: number;
  /** Largest multipart request accepted (the hosted Bot API's upload limit). Default: 50 MB. */
  readonly maxUploadBytes?: number;
}

export const DEFAULT_BOT_TOKEN = "7000000001:AAHdukaEmulatorTestToken-0123456789abc";

export const defaultTelegramEmulatorOptions = {
  port: 0,
  host: "127.0.0.1",
  botToken: DEFAULT_BOT_TOKEN,
  botUsername: "duka_test_bot",
  botFirstName: "Duka Test Bot",
  firstUpdateId: 1,
  webhookRetry: { attempts: 4, initialDelayMs: 100, timeoutMs: 15_000 },
  maxDownloadBytes: 20 * 1024 * 1024,
  maxUploadBytes: 50 * 1024 * 1024,
};

const schema = z.object({
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1),
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "botToken must look like <digits>:<secret>"),
  botUsername: z.string().regex(/^[A-Za-z0-9_]{5,32}$/, "botUsername must be 5-32 letters, digits or _"),
  botFirstName: z.string().min(1),
  firstUpdateId: z.number().int().positive(),
  webhookRetry: z.object({
    attempts: z.number().int().min(1),
    initialDelayMs: z.number().min(0),
    timeoutMs: z.number().positive(),
  }),
  maxDownloadBytes: z.number().int().positive(),
  maxUploadBytes: z.number().int().positive(),
});

export type ResolvedTelegramEmulatorOptions = z.infer<typeof schema>;

export function resolveOptions(options: TelegramEmulatorOptions = {}): ResolvedTelegramEmulatorOptions {
  return schema.parse({
    ...defaultTelegramEmulatorOptions,
    ...options,
    webhookRetry: { ...defaultTelegramEmulatorOptions.webhookRetry, ...options.webhookRetry },
  });
}
