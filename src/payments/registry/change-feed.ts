import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ChangeFeed } from "./types.js";

/**
 * Provider changes over Redis pub/sub: whoever changes an instance publishes its tenant, and
 * every process drops its cached instances of that tenant at once. A subscribed connection can
 * do nothing else, hence its own `subscriber`.
 */
export function createRedisChangeFeed(options: {
  publisher: Redis;
  subscriber: Redis;
  channel: string;
  logger: Logger;
}): ChangeFeed {
  const { publisher, subscriber, channel } = options;
  return {
    async publish(tenantId) {
      await publisher.publish(channel, tenantId);
    },
    async subscribe(listener) {
      subscriber.on("message", (from: string, tenantId: string) => {
        if (from === channel) listener(tenantId);
      });
      await subscriber.subscribe(channel);
    },
    async close() {
      await subscriber
        .quit()
        .catch((error: unknown) => options.logger.debug({ err: error }, "change feed close"));
    },
  };
}
