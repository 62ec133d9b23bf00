import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { manualPlugin } from "../../src/payments/manual/plugin.js";
import { createProviderRegistry } from "../../src/payments/registry/registry.js";
import { createSecretBox } from "../../src/payments/registry/secrets.js";
import { createRedisSharedCache } from "../../src/payments/registry/shared-cache.js";
import type { Store } from "../../src/store/types.js";

/** A registry with the built-in manual plugin over `store` and `redis`, and the secret box it uses. */
export function manualRegistry(store: Store, redis: Redis, logger: Logger) {
  const secrets = createSecretBox({ current: randomBytes(32) });
  const registry = createProviderRegistry({
    plugins: [manualPlugin],
    instances: store.providers,
    secrets,
    publicUrl: "http://localhost:3000",
    shared: createRedisSharedCache(redis, `t-${randomBytes(4).toString("hex")}`),
    logger,
  });
  return { registry, secrets };
}
