/**
 * The chat channels Duka knows, one line each. A new channel is a folder under src/bot/ that
 * exports a ChannelDefinition, and its line here: configuration, process roles, HTTP routes and
 * workers all follow from this list.
 */
import type { ChannelDefinition } from "./channel-definition.js";
import { telegramChannel } from "./telegram/channel.js";
import { whatsappChannel } from "./whatsapp/channel.js";

export const CHANNELS: readonly ChannelDefinition[] = [telegramChannel, whatsappChannel];
