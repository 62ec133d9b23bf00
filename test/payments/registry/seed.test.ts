import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCatalog } from "../../../src/catalog/index.js";
import type { Catalog } from "../../../src/catalog/types.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import { joinConfig } from "../../../src/payments/registry/instance-config.js";
import { environmentSeeds, seedInstances } from "../../../src/payments/registry/seed.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { captureLogs } from "../../helpers/logs.js";
import { manualRegistry } from "../../helpers/payments.js";

let store: Store;
let catalog: Catalog;

beforeEach(async () => {
  store = await createStore({ mediaDir: `/tmp/duka-seed-${randomBytes(4).toString("hex")}` });
  catalog = await loadCatalog();
});

afterEach(async () => {
  await store.close();
});

function setup() {
  const logs = captureLogs("info");
  const { logger } = logs;
  const { registry, secrets } = manualRegistry(store, logger);
  const seed = (mpesa = false) =>
    seedInstances({
      tenantId: "default",
      seeds: environmentSeeds({
        config: mpesa
          ? {
              mpesa: {
                consumerKey: "key",
                consumerSecret: "secret",
                shortcode: "174379",
                passkey: "pass",
                transactionType: "CustomerPayBillOnline",
                baseUrl: "https://sandbox.safaricom.co.ke",
              },
            }
          : {},
        catalog,
        registry,
        logger,
      }),
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

  it("says so when credentials are set for a plugin this build does not have", async () => {
    const { seed, logs } = setup();
    await seed(true);
    expect(logs.text()).toContain("mpesa credentials are set, but this build has no mpesa plugin");
    expect(logs.text()).not.toContain('"secret"');
    expect((await store.providers.list()).map((instance) => instance.plugin)).toEqual(["manual"]);
  });
});
