import type { Router } from "express";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { EnvSection } from "../config/env-section.js";
import type { Config } from "../config/types.js";
import type { ChannelAdapter, InboundMessage } from "../domain/channel.js";
import type { ChannelName } from "../domain/order.js";
import type { PacingPolicy } from "../domain/pacing.js";
import type { Role } from "../domain/roles.js";
import type { ReadinessCheck } from "../server/app.js";
import type { MediaStore } from "../store/types.js";

/**
 * Everything Duka needs to know about one chat channel, declared in the channel's own folder and
 * registered with one line in src/bot/channels.ts. The rest of the service wires every channel
 * the same way from this, and never names one.
 */
export interface ChannelDefinition<Settings = unknown, Adapter extends ChannelReceiver = ChannelReceiver> {
  /** Stored in every ChatAddress, and the name of the channel's own process role. */
  readonly name: ChannelName;
  /** Its environment variables; src/config/sections.ts registers them through the channel map. */
  readonly env: EnvSection<Settings>;
  /** How MERCHANT_CHAT_IDS writes a chat of this channel, after `<name>:`. */
  readonly chatIds: ChatIdSyntax;
  /** The settings it runs with, or undefined when the configuration leaves it off. */
  settings(config: Config): Settings | undefined;
  /** What runs, in plain words for `duka start` ("the Telegram bot (polling)"). */
  title(settings: Settings): string;
  /** What to set to switch it on, offered when no channel is on and this role could run it. */
  readonly setUpHint?: string;
  /** Builds the channel for one process; nothing connects until its role starts it. */
  open(settings: Settings, deps: ChannelDeps): ChannelRuntime<Adapter>;
  /** Admin routes (under /admin/api, behind the token) that say the channel is off. */
  offAdminRoutes?(): Router;
  /** The shopper's phone number when the chat id carries it (WhatsApp); null otherwise. */
  phoneOf?(chatId: string): string | null;
}

/** An adapter that can also receive: `listen` before `start` in the process that receives. */
export interface ChannelReceiver extends ChannelAdapter {
  listen(handler: (message: InboundMessage) => Promise<void>): void;
}

/** A chat id inside MERCHANT_CHAT_IDS (`telegram:123`, `whatsapp:2547…@c.us`). */
export interface ChatIdSyntax {
  /** What follows `<name>:`, for error messages: `<numeric chat id>`. */
  readonly shape: string;
  /** The id as stored, or why it is not one ("has a Telegram chat id that is not an integer"). */
  parse(id: string): { readonly chatId: string } | { readonly problem: string };
  /** The id fit for a log line (a phone number masked). */
  mask(chatId: string): string;
}

/** What the service shares with a channel it opens. */
export interface ChannelDeps {
  readonly media: MediaStore;
  /** Already tagged with the channel's name. */
  readonly logger: Logger;
  /** PUBLIC_URL: the base of webhook URLs. */
  readonly publicUrl: string;
  /** The channel's own directory under DUKA_DATA_DIR. */
  readonly dataDir: string;
  readonly mongodbUri?: string;
  /** Shared Redis, for state other processes read (a session's status). */
  readonly redis: Redis;
  /** The channel's own Redis key prefix (`<QUEUE_PREFIX>:<name>`). */
  readonly keyPrefix: string;
  /** Whether this process runs `role`. */
  runs(role: Role): boolean;
}

/** One channel as one process runs it. */
export interface ChannelRuntime<Adapter extends ChannelReceiver = ChannelReceiver> {
  readonly adapter: Adapter;
  /** The role whose process receives the channel's input: its own role, or `web` for webhooks. */
  readonly receivesIn: Role;
  /** The role whose process runs its outbound worker. */
  readonly sendsIn: Role;
  /** How fast the outbound worker may write to the channel. */
  readonly pacing: PacingPolicy;
  /** Routes on the web server (a webhook), mounted by web processes. */
  routes?(): Router;
  /** A readiness check of the web server: the channel's API answers. */
  readonly readiness?: ReadinessCheck;
  /** Public status in /readyz's details; never fails readiness. */
  readonly details?: () => Promise<unknown>;
  /** Admin routes (under /admin/api, behind the token). */
  adminRoutes?(): Router;
  /** Runs beside the receiving adapter (reporting its session to other processes); returns its stop. */
  whileReceiving?(): () => void;
}
