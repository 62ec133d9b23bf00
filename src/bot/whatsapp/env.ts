import { z } from "zod";
import type { EnvSection } from "../../config/env-section.js";
import { boolean } from "../../config/env-values.js";

/** The WhatsApp channel's settings; WHATSAPP_ENABLED=true switches it on. */
export interface WhatsAppSettings {
  /** CHROMIUM_PATH; undefined = puppeteer's lookup of a system browser. */
  readonly chromiumPath?: string;
}

/** WHATSAPP_ENABLED and CHROMIUM_PATH (DESIGN §7). */
export const whatsappEnv: EnvSection<WhatsAppSettings> = {
  name: "whatsapp",
  variables: {
    WHATSAPP_ENABLED: boolean("must be true or false (or 1 or 0)").default(false),
    CHROMIUM_PATH: z.string().optional(),
  },
  // Only a parsed environment is read: the values have the types the variables' schemas give.
  read(env) {
    if (env.WHATSAPP_ENABLED !== true) return undefined;
    const chromiumPath = env.CHROMIUM_PATH as string | undefined;
    return chromiumPath ? { chromiumPath } : {};
  },
  describe: (settings) => ({ chromiumPath: settings.chromiumPath ?? "system default" }),
};
