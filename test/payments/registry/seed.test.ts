import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/catalog/index.js";
import type { Catalog } from "../../../src/catalog/types.js";
import { loadConfig } from "../../../src/config/index.js";
import { flutterwavePlugin } from "../../../src/payments/flutterwave/index.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import { mpesaPlugin } from "../../../src/payments/mpesa/index.js";
import { paystackPlugin } from "../../../src/payments/paystack/index.js";
import type { PaymentPlugin } from "../../../src/payments/plugin.js";
import { hasCredentials } from "../../../src/payments/registry/credential-sets.js";
import { joinConfig, splitConfig } from "../../../src/payments/registry/instance-config.js";
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

const MPESA_ENV = {
  MPESA_CONSUMER_KEY: "key",
  MPESA_CONSUMER_SECRET: "secret-value",
  MPESA_SHORTCODE: "174379",
  MPESA_PASSKEY: "passkeyvalue",
};
const SK_ONE = "sk_test_firstkey0123456789";
const SK_TWO = "sk_test_secondkey987654321";

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
  const changed: string[] = [];
  /** One start-up's seeding, from these environment variables. */
  const seed = (env: NodeJS.ProcessEnv = {}) =>
    seedInstances({
      tenantId: "default",
      seeds: environmentSeeds({
        plugins,
        sections: loadConfig(env).sections,
        context: { paymentInstructions: catalog.paymentInstructions },
      }),
      registry,
      instances: store.providers,
      secrets,
      logger,
      onChanged: async (tenantId) => {
        changed.push(tenantId);
      },
    });
  const only = async (plugin: string) => {
    const found = await store.providers.list({ tenantId: "default", plugin });
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return { seed, secrets, logs, changed, only };
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

  it("follows a changed variable on the next start: same instance, new key, every process told", async () => {
    const { seed, secrets, logs, changed, only } = setup([manualPlugin, paystackPlugin]);
    await seed({ PAYSTACK_SECRET_KEY: SK_ONE });
    const before = await only("paystack");
    await seed({ PAYSTACK_SECRET_KEY: SK_ONE });
    expect(changed).toEqual([]);
    expect((await only("paystack")).updatedAt).toEqual(before.updatedAt);

    await seed({ PAYSTACK_SECRET_KEY: SK_TWO });
    const after = await only("paystack");
    expect(after._id).toBe(before._id);
    expect(joinConfig(secrets, paystackPlugin.configSchema, after).secretKey).toBe(SK_TWO);
    expect(after.source).toBe("environment");
    expect(changed).toEqual(["default"]);
    const line = logs
      .entries()
      .find((entry) => entry.msg === "provider instance updated from the environment");
    expect(line).toMatchObject({ plugin: "paystack", variables: ["PAYSTACK_SECRET_KEY"] });
    expect(logs.text()).not.toContain(SK_TWO);
  });

  it("drops a variable that was unset, and follows test mode", async () => {
    const { seed, secrets, only } = setup([manualPlugin, paystackPlugin]);
    await seed({ PAYSTACK_SECRET_KEY: SK_ONE, PAYSTACK_PUBLIC_KEY: "pk_test_public0123" });
    await seed({ PAYSTACK_SECRET_KEY: "sk_live_livekey0123456789" });
    const after = await only("paystack");
    expect(after.testMode).toBe(false);
    expect(joinConfig(secrets, paystackPlugin.configSchema, after).publicKey).toBeUndefined();
  });

  it("seeds test keys into the test set and test mode, then live keys into the live set, keeping the test one", async () => {
    const { seed, secrets, only } = setup([manualPlugin, paystackPlugin]);
    const LIVE = "sk_live_livekey0123456789";
    await seed({ PAYSTACK_SECRET_KEY: SK_ONE });
    const testOnly = await only("paystack");
    expect(testOnly.testMode).toBe(true);
    expect(Object.keys(testOnly.test?.secrets ?? {})).toEqual(["secretKey"]);
    expect(hasCredentials(paystackPlugin.configSchema, testOnly, "live")).toBe(false);
    expect(joinConfig(secrets, paystackPlugin.configSchema, testOnly).secretKey).toBe(SK_ONE);

    await seed({ PAYSTACK_SECRET_KEY: LIVE });
    const both = await only("paystack");
    expect(both._id).toBe(testOnly._id);
    expect(both.testMode).toBe(false);
    expect(joinConfig(secrets, paystackPlugin.configSchema, both).secretKey).toBe(LIVE);
    expect(joinConfig(secrets, paystackPlugin.configSchema, both, "test").secretKey).toBe(SK_ONE);
  });

  it("seeds the Daraja sandbox as the test set; the callback token stays shared by both modes", async () => {
    const { seed, secrets, only } = setup([manualPlugin, mpesaPlugin]);
    await seed(MPESA_ENV);
    const instance = await only("mpesa");
    expect(instance.testMode).toBe(true);
    expect(Object.keys(instance.secrets)).toEqual(["callbackToken"]);
    expect(Object.keys(instance.test?.secrets ?? {}).sort()).toEqual([
      "consumerKey",
      "consumerSecret",
      "passkey",
    ]);
    expect(joinConfig(secrets, mpesaPlugin.configSchema, instance)).toMatchObject({
      consumerKey: "key",
      shortcode: "174379",
      baseUrl: "https://sandbox.safaricom.co.ke",
    });
  });

  it("seeds a Flutterwave test key (FLWSECK_TEST-) into the test set, its hash and base URL with it", async () => {
    const { seed, secrets, only } = setup([manualPlugin, flutterwavePlugin]);
    await seed({
      FLUTTERWAVE_SECRET_KEY: "FLWSECK_TEST-abcdef0123456789-X",
      FLUTTERWAVE_SECRET_HASH: "hash-0123456789abcdef",
    });
    const instance = await only("flutterwave");
    expect(instance.testMode).toBe(true);
    expect(Object.keys(instance.test?.secrets ?? {}).sort()).toEqual(["secretHash", "secretKey"]);
    expect(instance.test?.config).toEqual({ baseUrl: "https://api.flutterwave.com" });
    expect(hasCredentials(flutterwavePlugin.configSchema, instance, "live")).toBe(false);
    expect(joinConfig(secrets, flutterwavePlugin.configSchema, instance).secretKey).toBe(
      "FLWSECK_TEST-abcdef0123456789-X",
    );
  });

  it("reads an instance stored before sets existed in test mode as its test set, and stores that shape on the next change", async () => {
    const { seed, secrets, only } = setup([manualPlugin, paystackPlugin]);
    const at = new Date();
    await store.providers.create({
      _id: "pi_legacy",
      tenantId: "default",
      plugin: "paystack",
      displayName: "Card (Paystack)",
      ...splitConfig(secrets, paystackPlugin.configSchema, { secretKey: SK_ONE }),
      active: true,
      testMode: true,
      priority: 100,
      health: { status: "unknown" },
      createdAt: at,
      updatedAt: at,
    });
    expect(joinConfig(secrets, paystackPlugin.configSchema, await only("paystack")).secretKey).toBe(SK_ONE);
    await seed({ PAYSTACK_SECRET_KEY: SK_TWO });
    const migrated = await only("paystack");
    expect(Object.keys(migrated.secrets)).toEqual([]);
    expect(Object.keys(migrated.test?.secrets ?? {})).toEqual(["secretKey"]);
    expect(joinConfig(secrets, paystackPlugin.configSchema, migrated).secretKey).toBe(SK_TWO);
  });

  it("leaves an instance edited through the admin API alone, and names the variable it ignores", async () => {
    const { seed, secrets, logs, changed, only } = setup([manualPlugin, paystackPlugin]);
    await seed({ PAYSTACK_SECRET_KEY: SK_ONE });
    const instance = await only("paystack");
    await store.providers.update(instance._id, { active: false, source: "admin" });
    await seed({ PAYSTACK_SECRET_KEY: SK_TWO });
    const after = await only("paystack");
    expect(joinConfig(secrets, paystackPlugin.configSchema, after).secretKey).toBe(SK_ONE);
    expect(after.active).toBe(false);
    expect(changed).toEqual([]);
    const warning = logs.entries().find((entry) => entry.level === 40);
    expect(warning).toMatchObject({ plugin: "paystack", ignored: ["PAYSTACK_SECRET_KEY"] });
    expect(String(warning?.msg)).toMatch(/^PAYSTACK_SECRET_KEY ignored: .*edited through the admin API/);
  });

  it("treats an instance stored before sources existed by whether it was ever edited", async () => {
    const { seed, secrets, only } = setup([manualPlugin]);
    await seed();
    const instance = await only("manual");
    // As stored by an older version: no source; never edited, so it still follows the catalog.
    const legacy = { ...instance, _id: "pi_legacy", displayName: "Legacy" };
    delete (legacy as { source?: string }).source;
    await store.providers.delete(instance._id);
    await store.providers.create(legacy);
    catalog = { ...catalog, paymentInstructions: "Pay to Paybill 111" };
    await seed();
    expect(joinConfig(secrets, manualPlugin.configSchema, await only("manual"))).toEqual({
      instructions: "Pay to Paybill 111",
    });
    // Edited since creation (updatedAt moved on): the operator's value stays.
    await store.providers.delete("pi_legacy");
    await store.providers.create({
      ...legacy,
      _id: "pi_edited",
      config: { instructions: "Pay to Till 222" },
      updatedAt: new Date(legacy.createdAt.getTime() + 60_000),
    });
    catalog = { ...catalog, paymentInstructions: "Pay to Paybill 333" };
    await seed();
    expect(joinConfig(secrets, manualPlugin.configSchema, await only("manual"))).toEqual({
      instructions: "Pay to Till 222",
    });
  });

  it("seeds M-Pesa from MPESA_* with a fresh callback token, stored encrypted and kept on rotation", async () => {
    const { seed, secrets, only } = setup([manualPlugin, mpesaPlugin]);
    await seed(MPESA_ENV);
    const mpesa = await only("mpesa");
    expect(mpesa).toMatchObject({ displayName: "M-Pesa", testMode: true, active: true });
    const config = joinConfig(secrets, mpesaPlugin.configSchema, mpesa);
    expect(config).toMatchObject({ consumerKey: "key", shortcode: "174379" });
    expect(config.callbackToken).toMatch(/^[a-f0-9]{64}$/);
    expect(JSON.stringify(mpesa)).not.toContain(config.callbackToken);
    expect(JSON.stringify(mpesa)).not.toContain("secret-value");

    await seed({ ...MPESA_ENV, MPESA_CONSUMER_SECRET: "rotated-secret" });
    const rotated = joinConfig(secrets, mpesaPlugin.configSchema, await only("mpesa"));
    expect(rotated).toMatchObject({ consumerSecret: "rotated-secret" });
    // Daraja keeps the callback URL it was given: the token must survive a restart.
    expect(rotated.callbackToken).toBe(config.callbackToken);
  });

  it("refuses to seed a plugin this build does not register, loudly", async () => {
    const { logs } = setup([manualPlugin]);
    const registry = createProviderRegistry({
      plugins: [manualPlugin],
      instances: store.providers,
      secrets: createSecretBox({ current: randomBytes(32) }),
      publicUrl: "http://localhost:3000",
      shared: createRedisSharedCache(redis, "t-unregistered"),
      logger: logs.logger,
    });
    const seeds = environmentSeeds({
      plugins: [paystackPlugin],
      sections: loadConfig({ PAYSTACK_SECRET_KEY: SK_ONE }).sections,
      context: { paymentInstructions: "x" },
    });
    await expect(
      seedInstances({
        tenantId: "default",
        seeds,
        registry,
        instances: store.providers,
        secrets: createSecretBox({ current: randomBytes(32) }),
        logger: logs.logger,
      }),
    ).rejects.toThrow(/unregistered plugin "paystack"/);
    expect(logs.text()).not.toContain(SK_ONE);
  });
});
