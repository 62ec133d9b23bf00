import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/catalog/index.js";
import type { Catalog } from "../../../src/catalog/types.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import { mpesaPlugin } from "../../../src/payments/mpesa/index.js";
import type { PaymentPlugin } from "../../../src/payments/plugin.js";
import { joinConfig } from "../../../src/payments/registry/instance-config.js";
import { createProviderRegistry } from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import { environmentSeeds, seedInstances } from "../../../src/payments/registry/seed.js";
import { createRedisSharedCache } from "../../../src/payments/registry/shared-cache.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { captureLogs } from "../../helpers/logs.js";
import { REDIS_URL } from "../../helpers/shop.js";

let store: Store;
let redis: Redis;
let catalog: Catalog;

beforeEach(async () => {
  store = await createStore({ mediaDir: `/tmp/duka-seed-${randomBytes(4).toString("hex")}` });
  catalog = await loadCatalog();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  await store.close();
  redis.disconnect();
});

const MPESA = {
  consumerKey: "key",
  consumerSecret: "secret-value",
  shortcode: "174379",
  passkey: "passkeyvalue",
  transactionType: "CustomerPayBillOnline",
  baseUrl: "https://sandbox.safaricom.co.ke",
} as const;

function setup(plugins: PaymentPlugin[] = [manualPlugin]) {
  const logs = captureLogs("info");
  const { logger } = logs;
  const secrets = createSecretBox({ current: randomBytes(32) });
  const registry = createProviderRegistry({
    plugins,
    instances: store.providers,
    secrets,
    publicUrl: "http://localhost:3000",
    shared: createRedisSharedCache(redis, `t-${randomBytes(4).toString("hex")}`),
    logger,
  });
  const seed = (config: Parameters<typeof environmentSeeds>[0]["config"] = {}) =>
    seedInstances({
      tenantId: "default",
      seeds: environmentSeeds({ config, catalog, registry, logger }),
      registry,
      instances: store.providers,
      secrets,
      logger,
    });
  return { seed, secrets, logs };
}

describe("seeding provider instances from the environment", () => {
  it("creates the manual instance once, however often or concurrently it runs", async () => {
    const { seed, secrets } = setup();
    await Promise.all([seed(), seed()]);
    await seed();
    const instances = await store.providers.list({ tenantId: "default" });
    expect(instances.map(({ plugin, displayName, active }) => ({ plugin, displayName, active }))).toEqual([
      { plugin: "manual", displayName: "Bank transfer", active: true },
    ]);
    expect(joinConfig(secrets, manualPlugin.configSchema, instances[0]!)).toEqual({
      instructions: catalog.paymentInstructions,
    });
  });

  it("leaves an instance alone once it exists: the database wins", async () => {
    const { seed } = setup();
    await seed();
    const [instance] = await store.providers.list({ tenantId: "default" });
    await store.providers.update(instance!._id, {
      config: { instructions: "Pay to Paybill 999" },
      active: false,
    });
    await seed();
    const [after] = await store.providers.list({ tenantId: "default" });
    expect(after).toMatchObject({
      _id: instance!._id,
      config: { instructions: "Pay to Paybill 999" },
      active: false,
    });
  });

  it("seeds M-Pesa from MPESA_* with a fresh callback token, stored encrypted", async () => {
    const { seed, secrets } = setup([manualPlugin, mpesaPlugin]);
    await seed({ mpesa: MPESA });
    const mpesa = (await store.providers.list({ plugin: "mpesa" }))[0]!;
    expect(mpesa).toMatchObject({ displayName: "M-Pesa", testMode: true, active: true });
    const config = joinConfig(secrets, mpesaPlugin.configSchema, mpesa);
    expect(config).toMatchObject({ consumerKey: "key", shortcode: "174379" });
    expect(config.callbackToken).toMatch(/^[a-f0-9]{64}$/);
    expect(JSON.stringify(mpesa)).not.toContain(config.callbackToken);
    expect(JSON.stringify(mpesa)).not.toContain("secret-value");
  });

  it("refuses to seed a plugin this build does not register, loudly", async () => {
    const { seed, logs } = setup([manualPlugin]);
    await expect(
      seed({ paystack: { secretKey: "sk_test_abc", baseUrl: "https://api.paystack.co", testMode: true } }),
    ).rejects.toThrow(/unregistered plugin "paystack"/);
    expect(logs.text()).not.toContain("sk_test_abc");
  });
});
