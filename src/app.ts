/**
 * The composition root: the core every role shares (src/app/core.ts), then what this process's
 * role runs — the channels' receivers, the workers, the web server — and the one shutdown path
 * that closes them in reverse order.
 */
import type { Server } from "node:http";
import { startReceiving } from "./app/channels.js";
import { createCore, type DukaOptions } from "./app/core.js";
import { startWeb } from "./app/web.js";
import { startWorkers } from "./app/workers.js";
import type { ChannelDefinition, ChannelReceiver } from "./bot/channel-definition.js";
import { CHANNELS } from "./bot/channels.js";
import type { Catalog } from "./catalog/types.js";
import type { Config } from "./config/index.js";
import type { ChannelMap } from "./domain/channel.js";
import { type Role, SHARED_ROLES } from "./domain/roles.js";
import type { ManagedProviderRegistry } from "./payments/registry/registry.js";
import type { Store } from "./store/types.js";

export type { DukaOptions, Role };

/** Every role `duka start` takes: the shared ones, then one per channel (DESIGN §2). */
export const ROLES: readonly Role[] = [...SHARED_ROLES, ...CHANNELS.map((channel) => channel.name)];

export interface Duka {
  readonly config: Config;
  readonly store: Store;
  readonly catalog: Catalog;
  /** The adapters of the channels the configuration switches on, by name. */
  readonly channels: ChannelMap;
  readonly providers: ManagedProviderRegistry;
  /** The adapter of `definition`'s channel, typed as that channel's; undefined when it is off. */
  channel<Adapter extends ChannelReceiver>(
    definition: ChannelDefinition<unknown, Adapter>,
  ): Adapter | undefined;
  /** The bound HTTP port (web roles), once started. */
  port(): number | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createDuka(options: DukaOptions): Promise<Duka> {
  const core = await createCore(options);
  const { config, role, logger, store } = core;
  let server: Server | undefined;

  async function start(): Promise<void> {
    await core.start();
    await startReceiving(core);
    await startWorkers(core, options);
    if (core.runs("web")) server = await startWeb(core);
    if (config.merchants.length === 0) {
      logger.warn("MERCHANT_CHAT_IDS is empty: nobody is told about receipts or can confirm them");
    }
    logger.info(
      { role, store: store.kind, channels: Object.keys(core.adapters), port: currentPort() },
      "duka started",
    );
  }

  function currentPort(): number | undefined {
    const address = server?.address();
    return address && typeof address === "object" ? address.port : undefined;
  }

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      for (const close of core.closers.reverse()) {
        await close().catch((error: unknown) => logger.error({ err: error }, "error while shutting down"));
      }
      logger.info({ role }, "duka stopped");
    })();
    return stopping;
  }

  return {
    config,
    store,
    catalog: core.catalog,
    channels: core.adapters,
    providers: core.registry,
    channel<Adapter extends ChannelReceiver>(definition: ChannelDefinition<unknown, Adapter>) {
      // The name identifies the definition, so the adapter is the one `definition` opens.
      const open = core.channels.find((candidate) => candidate.definition.name === definition.name);
      return open?.runtime.adapter as Adapter | undefined;
    },
    port: currentPort,
    start,
    stop,
  };
}
