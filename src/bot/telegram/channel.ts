/** The Telegram channel (grammY) as the service wires it: see ChannelDefinition. */
import { sectionSettings } from "../../config/env-section.js";
import type { ChannelDefinition } from "../channel-definition.js";
import { createTelegramAdapter, type TelegramAdapter } from "./adapter.js";
import { telegramChatIds } from "./chat-id.js";
import { type TelegramSettings, telegramEnv } from "./env.js";
import { TELEGRAM_PACING } from "./pacing.js";
import { TELEGRAM_WEBHOOK_PATH, telegramWebhookRoutes } from "./webhook-route.js";

declare module "../../domain/order.js" {
  interface ChannelNames {
    readonly telegram: true;
  }
}

export const telegramChannel: ChannelDefinition<TelegramSettings, TelegramAdapter> = {
  name: "telegram",
  env: telegramEnv,
  chatIds: telegramChatIds,
  settings: (config) => sectionSettings(config, telegramEnv),
  title: (settings) => `the Telegram bot (${settings.mode})`,
  setUpHint: "TELEGRAM_BOT_TOKEN: your bot's token from @BotFather, so shoppers can reach the shop",
  open(settings, deps) {
    const webhook =
      settings.mode === "webhook"
        ? { url: `${deps.publicUrl}${TELEGRAM_WEBHOOK_PATH}`, secret: settings.webhookSecret! }
        : undefined;
    const adapter = createTelegramAdapter({
      token: settings.token,
      apiRoot: settings.apiRoot,
      media: deps.media,
      logger: deps.logger,
      ...(webhook ? { webhook } : {}),
    });
    return {
      adapter,
      // Polling runs in the bot's own process; in webhook mode Telegram posts to the web server.
      receivesIn: webhook ? "web" : "telegram",
      sendsIn: "worker",
      pacing: TELEGRAM_PACING,
      readiness: () => adapter.health(),
      ...(webhook ? { routes: () => telegramWebhookRoutes(adapter.webhookHandler(webhook.secret)) } : {}),
    };
  },
};
