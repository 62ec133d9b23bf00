/** The chat channels of one process, opened from their definitions; nothing connects yet. */
import { join } from "node:path";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ChannelDefinition, ChannelRuntime } from "../bot/channel-definition.js";
import type { Config } from "../config/index.js";
import type { Role } from "../domain/roles.js";
import type { MediaStore } from "../store/types.js";

/** A channel the configuration switches on, as this process runs it. */
export interface OpenChannel {
  readonly definition: ChannelDefinition;
  readonly runtime: ChannelRuntime;
}

export interface SharedChannelDeps {
  readonly media: MediaStore;
  readonly logger: Logger;
  readonly redis: Redis;
  runs(role: Role): boolean;
}

/** Opens each channel the configuration switches on; nothing connects yet. */
export function openChannels(
  definitions: readonly ChannelDefinition[],
  config: Config,
  shared: SharedChannelDeps,
): OpenChannel[] {
  return definitions.flatMap((definition) => {
    const settings = definition.settings(config);
    if (settings === undefined) return [];
    const runtime = definition.open(settings, {
      media: shared.media,
      logger: shared.logger.child({ channel: definition.name }),
      publicUrl: config.http.publicUrl,
      dataDir: join(config.storage.dataDir, definition.name),
      ...(config.storage.mongodbUri ? { mongodbUri: config.storage.mongodbUri } : {}),
      redis: shared.redis,
      keyPrefix: `${config.queue.prefix}:${definition.name}`,
      runs: shared.runs,
    });
    return [{ definition, runtime }];
  });
}
