import { CHANNELS } from "../bot/channels.js";
import { BUILT_IN_PLUGINS } from "../payments/plugins.js";
import type { EnvSection } from "./env-section.js";

/** The chat channels' sections, from the channel map (src/bot/channels.ts). */
const CHANNEL_SECTIONS: readonly EnvSection[] = CHANNELS.map((channel) => channel.env);

/** The environment sections of the built-in plugins and channels. */
export const ENV_SECTIONS: readonly EnvSection[] = [
  ...CHANNEL_SECTIONS,
  ...BUILT_IN_PLUGINS.flatMap((plugin) => (plugin.environment ? [plugin.environment] : [])),
];
