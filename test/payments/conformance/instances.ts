/**
 * Clients built the way Duka builds them: the config is validated and split by the plugin's
 * schema (secrets encrypted), stored as a provider instance, read back by the registry, which
 * decrypts the secrets and calls the plugin's `create`.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newId } from "../../../src/domain/ids.js";
import { createLogger } from "../../../src/log/index.js";
import type { PaymentPlugin, ProviderClient } from "../../../src/payments/plugin.js";
import { splitConfig } from "../../../src/payments/registry/instance-config.js";
import { createProviderRegistry } from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import type { SharedCacheFactory } from "../../../src/payments/registry/shared-cache.js";
import { createStore } from "../../../src/store/index.js";

export interface BuiltInstance {
  readonly id: string;
  readonly client: ProviderClient;
}

export async function createInstanceFactory(options: {
  readonly plugin: PaymentPlugin;
  readonly publicUrl: string;
  readonly shared: SharedCacheFactory;
}) {
  const { plugin } = options;
  const store = await createStore({
    mediaDir: join(tmpdir(), `duka-conformance-${randomBytes(4).toString("hex")}`),
  });
  const secrets = createSecretBox({ current: randomBytes(32) });
  const registry = createProviderRegistry({
    plugins: [plugin],
    instances: store.providers,
    secrets,
    publicUrl: options.publicUrl,
    shared: options.shared,
    logger: createLogger({ level: "silent" }),
  });

  return {
    /** A stored instance of the plugin with `input` as its config, and its client. */
    async build(input: Record<string, unknown>): Promise<BuiltInstance> {
      const now = new Date();
      const id = newId("pi");
      await store.providers.create({
        _id: id,
        tenantId: "ten_conformance",
        plugin: plugin.name,
        displayName: `${plugin.label} ${id}`,
        ...splitConfig(secrets, plugin.configSchema, input),
        active: true,
        testMode: true,
        priority: 0,
        health: { status: "unknown" },
        createdAt: now,
        updatedAt: now,
      });
      const stored = await registry.instance(id);
      if (!stored) throw new Error(`Instance ${id} was not stored`);
      return { id, client: registry.client(stored) };
    },
    close: () => store.close(),
  };
}
