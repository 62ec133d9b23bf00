import { z } from "zod";
import type { EnvSection } from "../../config/env-section.js";
import { httpUrlMessage, pattern, url } from "../../config/env-values.js";
import { maskSecret } from "../../log/mask.js";

export type TelegramMode = "polling" | "webhook";

/** The Telegram channel's settings; TELEGRAM_BOT_TOKEN set switches it on. */
export interface TelegramSettings {
  /** TELEGRAM_BOT_TOKEN. */
  readonly token: string;
  /** TELEGRAM_API_ROOT. Default https://api.telegram.org. */
  readonly apiRoot: string;
  /** TELEGRAM_MODE. Default polling. */
  readonly mode: TelegramMode;
  /** TELEGRAM_WEBHOOK_SECRET: the `secret_token`; always set in webhook mode. */
  readonly webhookSecret?: string;
}

/** TELEGRAM_* (DESIGN §7). */
export const telegramEnv: EnvSection<TelegramSettings> = {
  name: "telegram",
  variables: {
    TELEGRAM_BOT_TOKEN: pattern(
      /^\d{1,20}:[A-Za-z0-9_-]{30,64}$/,
      "must be a bot token from @BotFather, like 123456789:AA… (digits, a colon, about 35 characters)",
    ).optional(),
    TELEGRAM_API_ROOT: url(["http", "https"], httpUrlMessage).default("https://api.telegram.org"),
    TELEGRAM_MODE: z.enum(["polling", "webhook"], { error: "must be polling or webhook" }).default("polling"),
    TELEGRAM_WEBHOOK_SECRET: pattern(
      /^[A-Za-z0-9_-]{1,256}$/,
      "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -",
    ).optional(),
  },
  secretVariables: ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"],
  check(env, issue) {
    if (
      env.TELEGRAM_BOT_TOKEN !== undefined &&
      env.TELEGRAM_MODE === "webhook" &&
      !env.TELEGRAM_WEBHOOK_SECRET
    ) {
      issue("TELEGRAM_WEBHOOK_SECRET", "is required when TELEGRAM_MODE=webhook");
    }
  },
  // Only a parsed environment is read: the values have the types the variables' schemas give.
  read(env) {
    const token = env.TELEGRAM_BOT_TOKEN as string | undefined;
    if (!token) return undefined;
    const webhookSecret = env.TELEGRAM_WEBHOOK_SECRET as string | undefined;
    return {
      token,
      apiRoot: env.TELEGRAM_API_ROOT as string,
      mode: env.TELEGRAM_MODE as TelegramMode,
      ...(webhookSecret ? { webhookSecret } : {}),
    };
  },
  describe(settings) {
    return {
      token: maskSecret(settings.token),
      apiRoot: settings.apiRoot,
      mode: settings.mode,
      ...(settings.webhookSecret ? { webhookSecret: maskSecret(settings.webhookSecret) } : {}),
    };
  },
};
