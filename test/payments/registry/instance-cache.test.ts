/**
 * Webhooks and settle jobs read their provider instance per event; the registry keeps found
 * instances until a change invalidates them, and never keeps a miss.
 */
import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log/index.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import { createProviderRegistry } from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import type { ProviderInstanceRepository } from "../../../src/payments/registry/types.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { makeInstance } from "../../store/fixtures.js";

let store: Store;
let reads: string[];

function registryOver(instances: ProviderInstanceRepository) {
  return createProviderRegistry({
    plugins: [manualPlugin],
    instances,
    secrets: createSecretBox({ current: randomBytes(32) }),
    publicUrl: "http://localhost:3000",
    shared: () => {
      throw new Error("no instance here shares state");
    },
    logger: createLogger({ level: "silent" }),
  });
}

beforeEach(async () => {
  store = await createStore({ mediaDir: `/tmp/duka-instance-cache-${randomBytes(4).toString("hex")}` });
  reads = [];
  const counted: ProviderInstanceRepository = {
    ...store.providers,
    findById: (id) => {
      reads.push(id);
      return store.providers.findById(id);
    },
  };
  registry = registryOver(counted);
});

afterEach(() => store.close());

let registry: ReturnType<typeof registryOver>;

describe("registry.instance", () => {
  it("reads a found instance once, however many events ask, until invalidated", async () => {
    const instance = makeInstance({ plugin: "manual" });
    await store.providers.create(instance);
    const found = await Promise.all([1, 2, 3].map(() => registry.instance(instance._id)));
    expect(found).toEqual([instance, instance, instance]);
    expect(await registry.instance(instance._id)).toEqual(instance);
    expect(reads).toEqual([instance._id]);

    await store.providers.update(instance._id, { testMode: true });
    registry.invalidate(instance.tenantId);
    expect(await registry.instance(instance._id)).toMatchObject({ testMode: true });
    expect(reads).toEqual([instance._id, instance._id]);
  });

  it("finds a deactivated instance too: a late webhook still settles", async () => {
    const instance = makeInstance({ plugin: "manual", active: false });
    await store.providers.create(instance);
    expect(await registry.instance(instance._id)).toEqual(instance);
  });

  it("keeps no miss, so unknown ids neither grow the cache nor hide an instance created later", async () => {
    expect(await registry.instance("pi_unknown")).toBeNull();
    expect(await registry.instance("pi_unknown")).toBeNull();
    expect(reads).toEqual(["pi_unknown", "pi_unknown"]);
    const created = makeInstance({ _id: "pi_unknown", plugin: "manual" });
    await store.providers.create(created);
    expect(await registry.instance("pi_unknown")).toEqual(created);
  });
});
