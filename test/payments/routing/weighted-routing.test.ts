/**
 * Weighted A/B routing through the real payment service: the embedded store, the real registry
 * and the real sticky routes in Redis (own prefix, cleared after each test). The two instances
 * are of a card plugin defined here whose initiate answers at once, or fails retryably while the
 * test marks the instance down, so a checkout costs no more than the routing under test.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { newId } from "../../../src/domain/ids.js";
import type { Order } from "../../../src/domain/order.js";
import type { ProviderInstance } from "../../../src/domain/provider-instance.js";
import { createLogger } from "../../../src/log/index.js";
import { createPaymentService, type PaymentService } from "../../../src/payments/payment-service.js";
import { type PaymentPlugin, ProviderError } from "../../../src/payments/plugin.js";
import {
  createProviderRegistry,
  type ManagedProviderRegistry,
} from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import { createRedisSharedCache } from "../../../src/payments/registry/shared-cache.js";
import { createTrafficRouter } from "../../../src/payments/routing/router.js";
import { createRedisStickyRoutes, type StickyRoutes } from "../../../src/payments/routing/sticky-routes.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { clearPrefix, REDIS_URL } from "../../helpers/shop.js";
import { makeInstance, makeOrder } from "../../store/fixtures.js";

const logger = createLogger({ level: "silent" });
const HOUR = 3_600_000;
const STICKY_MS = 24 * HOUR;
const TENANT = "t1";

/** Instances the test has marked down: their initiate fails as an outage would (retryable). */
const down = new Set<string>();

const cardPlugin: PaymentPlugin = {
  name: "split-card",
  label: "Card",
  methods: ["card"],
  configSchema: z.strictObject({}),
  create: ({ id }) => ({
    async initiate({ payment }) {
      if (down.has(id)) {
        throw new ProviderError("unavailable", `${id} is down`, {
          retryable: true,
          shopperMessage: "Card payments are not available right now.",
          providerCode: "503",
        });
      }
      return {
        status: "pending",
        providerRef: `ref-${payment._id}`,
        action: { kind: "link", url: `https://pay.example/${id}/${payment._id}`, label: "Pay" },
      };
    },
    verify: async () => ({ outcome: "pending" }),
    parseWebhook: async () => {
      throw new Error("not used here");
    },
    healthCheck: async () => ({ ok: true }),
  }),
};

interface Rig {
  readonly store: Store;
  readonly registry: ManagedProviderRegistry;
  readonly payments: PaymentService;
  /** The clock the router reads; tests move it. */
  now: Date;
  /** Draws the router makes, in order; when empty, Math.random. */
  readonly draws: number[];
}

describe("weighted routing through the payment service", () => {
  let redis: Redis;
  let dir: string;
  let prefix: string;
  let rig: Rig;
  let bankA: ProviderInstance;
  let bankB: ProviderInstance;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    dir = await mkdtemp(join(tmpdir(), "duka-routing-"));
  });

  afterAll(async () => {
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  async function startRig(sticky?: StickyRoutes): Promise<Rig> {
    const store = await createStore({ mediaDir: join(dir, "media") });
    const registry = createProviderRegistry({
      plugins: [cardPlugin],
      instances: store.providers,
      secrets: createSecretBox({ current: randomBytes(32) }),
      publicUrl: "http://localhost:3000",
      shared: createRedisSharedCache(redis, prefix),
      logger,
    });
    const draws: number[] = [];
    const partial = { store, registry, now: new Date("2026-12-01T08:00:00Z"), draws };
    const router = createTrafficRouter({
      sticky: sticky ?? createRedisStickyRoutes(redis, prefix, STICKY_MS),
      stickyMs: STICKY_MS,
      random: () => draws.shift() ?? Math.random(),
      now: () => rig.now,
      logger,
    });
    const payments = createPaymentService({
      store,
      registry,
      onPending: async () => undefined,
      router,
      logger,
    });
    return { ...partial, payments };
  }

  let created = 0;
  async function addInstance(overrides: Partial<ProviderInstance>): Promise<ProviderInstance> {
    // Creation order breaks ties of priority: the order the shares are listed in.
    const createdAt = new Date(Date.UTC(2026, 0, 1) + ++created * 1000);
    const instance = makeInstance({
      plugin: "split-card",
      config: {},
      priority: 10,
      createdAt,
      ...overrides,
    });
    await rig.store.providers.create(instance);
    rig.registry.invalidate(TENANT);
    return instance;
  }

  let placed = 0;
  async function checkout(chatId: string, attemptKey = "1", order?: Order) {
    // References from a counter: 1,000 random fixture references would collide now and then.
    const ref = `DK-${String(++placed).padStart(5, "0")}`;
    const next = order ?? makeOrder({ ref, customer: { channel: "telegram", chatId, name: "Shopper" } });
    if (!order) await rig.store.orders.create(next);
    return { order: next, ...(await rig.payments.start(next, "card", { payer: {}, attemptKey })) };
  }

  beforeEach(async () => {
    prefix = `t-routing-${randomBytes(4).toString("hex")}`;
    down.clear();
    rig = await startRig();
    bankA = await addInstance({ displayName: "Bank A", weight: 80 });
    bankB = await addInstance({ displayName: "Bank B", weight: 20 });
  });

  afterEach(async () => {
    await rig.store.close();
    await clearPrefix(prefix);
  });

  it("sends 1,000 shoppers' checkouts 80/20 within ±5 %, each payment recording the split", async () => {
    // Math.random here, as in production: 5 % is four standard deviations at n = 1,000.
    const taken = new Map<string, number>();
    for (let shopper = 0; shopper < 1000; shopper++) {
      const { payment } = await checkout(`shopper-${shopper}`);
      taken.set(payment.instanceId!, (taken.get(payment.instanceId!) ?? 0) + 1);
      expect(payment.routing).toEqual({
        kind: "split",
        shares: [
          { instanceId: bankA._id, weight: 80 },
          { instanceId: bankB._id, weight: 20 },
        ],
        chosen: payment.instanceId,
        sticky: false,
      });
    }
    expect(taken.get(bankA._id)).toBeGreaterThanOrEqual(750);
    expect(taken.get(bankA._id)).toBeLessThanOrEqual(850);
    expect((taken.get(bankA._id) ?? 0) + (taken.get(bankB._id) ?? 0)).toBe(1000);
  });

  it("keeps a retrying shopper on the instance first drawn, whatever later draws say", async () => {
    rig.draws.push(0.95, 0, 0, 0);
    const first = await checkout("retrier");
    expect(first.payment).toMatchObject({
      instanceId: bankB._id,
      routing: { chosen: bankB._id, sticky: false },
    });
    for (const attemptKey of ["2", "3", "4"]) {
      rig.now = new Date(rig.now.getTime() + HOUR);
      const retry = await checkout("retrier", attemptKey, first.order);
      expect(retry.payment._id).not.toBe(first.payment._id);
      expect(retry.payment).toMatchObject({
        instanceId: bankB._id,
        routing: { chosen: bankB._id, sticky: true },
      });
    }
    // Another shopper is drawn for on their own (draw 0: Bank A).
    expect((await checkout("someone-else")).payment.instanceId).toBe(bankA._id);
    // The choice lives in Redis under the shopper's key, expiring with the period.
    const key = `${prefix}:route:${TENANT}:telegram:retrier:card`;
    expect(JSON.parse((await redis.get(key))!)).toMatchObject({ instanceId: bankB._id });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(STICKY_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(STICKY_MS);
  });

  it("draws anew once the sticky period is over", async () => {
    rig.draws.push(0.95, 0);
    const first = await checkout("returning");
    expect(first.payment.instanceId).toBe(bankB._id);
    rig.now = new Date(rig.now.getTime() + STICKY_MS - 1);
    expect((await checkout("returning", "2", first.order)).payment.routing).toMatchObject({
      chosen: bankB._id,
      sticky: true,
    });
    rig.now = new Date(rig.now.getTime() + 1);
    const after = await checkout("returning", "3", first.order);
    expect(after.payment).toMatchObject({
      instanceId: bankA._id,
      routing: { chosen: bankA._id, sticky: false },
    });
    // The new draw is what sticks from now on.
    rig.now = new Date(rig.now.getTime() + HOUR);
    expect((await checkout("returning", "4", first.order)).payment.instanceId).toBe(bankA._id);
  });

  it("draws anew when the remembered instance no longer takes a share", async () => {
    rig.draws.push(0.95, 0.95);
    const third = await addInstance({ displayName: "Bank C", weight: 20 });
    const first = await checkout("loyal");
    expect(first.payment.instanceId).toBe(third._id);
    await rig.store.providers.update(third._id, { active: false });
    rig.registry.invalidate(TENANT);
    const retry = await checkout("loyal", "2", first.order);
    expect(retry.payment).toMatchObject({
      instanceId: bankB._id,
      routing: { chosen: bankB._id, sticky: false },
    });
    expect(retry.payment.routing?.shares.map((share) => share.instanceId)).toEqual([bankA._id, bankB._id]);
  });

  it("falls back to the other instance on a retryable error and records both attempts", async () => {
    rig.draws.push(0.95);
    down.add(bankB._id);
    const { payment, action } = await checkout("unlucky");
    expect(payment.instanceId).toBe(bankA._id);
    expect(action).toMatchObject({ kind: "link", url: expect.stringContaining(`/${bankA._id}/`) });
    expect(payment.routing).toMatchObject({ kind: "split", chosen: bankB._id, sticky: false });
    expect(
      payment.attempts?.map(({ instanceId, ok, error }) => ({ instanceId, ok, code: error?.code })),
    ).toEqual([
      { instanceId: bankB._id, ok: false, code: "unavailable" },
      { instanceId: bankA._id, ok: true, code: undefined },
    ]);
    expect(await rig.store.payments.findById(TENANT, payment._id)).toEqual(payment);
  });

  it("leaves priority order alone where no instances split (no weights, no routing record)", async () => {
    await rig.store.providers.update(bankA._id, { weight: null });
    rig.registry.invalidate(TENANT);
    const unweighted = await addInstance({ displayName: "Bank First", priority: 1 });
    const { payment } = await checkout("plain");
    expect(payment.instanceId).toBe(unweighted._id);
    expect(payment).not.toHaveProperty("routing");
    expect(await redis.keys(`${prefix}:route:*`)).toEqual([]);
  });

  it("still draws when the sticky store cannot answer", async () => {
    await rig.store.close();
    const broken: StickyRoutes = {
      recall: async () => {
        throw new Error("Connection is closed.");
      },
      remember: async () => {
        throw new Error("Connection is closed.");
      },
    };
    rig = await startRig(broken);
    bankA = await addInstance({ displayName: "Bank A", weight: 80, _id: newId("pi") });
    bankB = await addInstance({ displayName: "Bank B", weight: 20, _id: newId("pi") });
    rig.draws.push(0.95);
    const { payment } = await checkout("redis-down");
    expect(payment).toMatchObject({ instanceId: bankB._id, routing: { chosen: bankB._id, sticky: false } });
  });
});
