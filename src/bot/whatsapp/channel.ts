/** The WhatsApp channel (whatsapp-web.js) as the service wires it: see ChannelDefinition. */
import { sectionSettings } from "../../config/env-section.js";
import type { ChannelDefinition } from "../channel-definition.js";
import { createWhatsAppAdapter, type WhatsAppAdapter } from "./adapter.js";
import { whatsappAdminRoutes } from "./admin-routes.js";
import { whatsappChatIds, whatsappPhone } from "./chat-id.js";
import { createWhatsAppWebClient, type WhatsAppClientLike } from "./client.js";
import { type WhatsAppSettings, whatsappEnv } from "./env.js";
import { WHATSAPP_PACING } from "./pacing.js";
import { publishWhatsAppStatus, readWhatsAppStatus, type WhatsAppStatus } from "./status.js";

declare module "../../domain/order.js" {
  interface ChannelNames {
    readonly whatsapp: true;
  }
}

export interface WhatsAppChannelOptions {
  /**
   * Builds the client (tests and the demo pass a stand-in); it also switches the channel on.
   * Otherwise WHATSAPP_ENABLED starts whatsapp-web.js with the system Chromium.
   */
  readonly clientFactory?: () => WhatsAppClientLike;
}

export function createWhatsAppChannel(
  options: WhatsAppChannelOptions = {},
): ChannelDefinition<WhatsAppSettings, WhatsAppAdapter> {
  return {
    name: "whatsapp",
    env: whatsappEnv,
    chatIds: whatsappChatIds,
    settings: (config) => sectionSettings(config, whatsappEnv) ?? (options.clientFactory ? {} : undefined),
    title: () => "the WhatsApp number",
    phoneOf: whatsappPhone,
    offAdminRoutes: () => whatsappAdminRoutes(),
    open(settings, deps) {
      const clientFactory =
        options.clientFactory ??
        (() =>
          createWhatsAppWebClient({
            ...(settings.chromiumPath ? { chromiumPath: settings.chromiumPath } : {}),
            dataPath: deps.dataDir,
            ...(deps.mongodbUri ? { mongodbUri: deps.mongodbUri } : {}),
            logger: deps.logger,
          }));
      const adapter = createWhatsAppAdapter({ clientFactory, media: deps.media, logger: deps.logger });
      const statusKey = `${deps.keyPrefix}:status`;
      const sessionHere = deps.runs("whatsapp");
      /** The session as this process sees it, or as the WhatsApp process last reported it. */
      const status = async (): Promise<WhatsAppStatus> =>
        sessionHere
          ? {
              state: adapter.state(),
              problem: await adapter.health(),
              qr: adapter.qr(),
              at: new Date().toISOString(),
            }
          : readWhatsAppStatus(deps.redis, statusKey);
      return {
        adapter,
        // A WhatsApp number lives in one process, which also sends its outbound messages (DESIGN §2).
        receivesIn: "whatsapp",
        sendsIn: "whatsapp",
        pacing: WHATSAPP_PACING,
        // Public: the login QR (which would let anyone link a phone) stays behind the admin token.
        details: async () => {
          const { qr, ...rest } = await status();
          return { ...rest, waitingForQrScan: qr !== null };
        },
        adminRoutes: () => whatsappAdminRoutes(status),
        whileReceiving: () => publishWhatsAppStatus(deps.redis, statusKey, status),
      };
    },
  };
}

/** The channel as the environment configures it. */
export const whatsappChannel = createWhatsAppChannel();
