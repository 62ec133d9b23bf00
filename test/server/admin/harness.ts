/**
 * The admin API over real pieces: the embedded store journaled in a temp directory (so the bytes
 * on disk can be searched for secrets), the real secret box and registry, the real `manual`
 * plugin and `testpay`, a plugin defined here with a secret field. The app is the admin router
 * plus the app's own JSON 404 and error middleware, listening on a free port.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { Redis } from "ioredis";
import { z } from "zod";
import type { ResultEvent } from "../../../src/domain/conversation.js";
import { createLogger } from "../../../src/log/index.js";
import { createDeliveries } from "../../../src/payments/cash-on-delivery/index.js";
import { manualPlugin } from "../../../src/payments/manual/plugin.js";
import type { PaymentPlugin } from "../../../src/payments/plugin.js";
import { createReceivedMoney } from "../../../src/payments/received-money.js";
import { createRefunds } from "../../../src/payments/refunds.js";
import { createProviderAdmin } from "../../../src/payments/registry/admin.js";
import { createHealthMonitor } from "../../../src/payments/registry/health.js";
import { plaintextSecrets } from "../../../src/payments/registry/instance-config.js";
import {
  createProviderRegistry,
  type ManagedProviderRegistry,
} from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import { createRedisSharedCache } from "../../../src/payments/registry/shared-cache.js";
import type { ChangeFeed, SecretBox } from "../../../src/payments/registry/types.js";
import { createProviderStats } from "../../../src/payments/routing/provider-stats.js";
import { createSettlement } from "../../../src/payments/settlement.js";
import { ADMIN_BASE, createAdminRoutes } from "../../../src/server/admin/index.js";
import { errorHandler, notFound } from "../../../src/server/errors.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { REDIS_URL } from "../../helpers/shop.js";

export const TOKEN = "admin-token-for-tests-0123456789";
export const PUBLIC_URL = "https://shop.example.test";
export const TENANT = "default";

const testpaySchema = z.strictObject({
  apiKey: z
    .string()
    .regex(/^sk_(live|test)_\w{8,}$/, "Must look like sk_live_… or sk_test_…")
    .meta({ secret: true, description: "Secret API key" }),
  region: z.enum(["eu", "us"]).default("eu"),
  merchantCode: z.string().min(1),
});

/**
 * A provider whose answers follow its config, so tests can steer them: region `us` is down,
 * a key containing `reject` is refused with a message that quotes it (which the admin must
 * scrub before anyone sees it), merchant code `THROW` throws and `HANG` never answers.
 */
export const testpayPlugin: PaymentPlugin<typeof testpaySchema> = {
  name: "testpay",
  label: "TestPay",
  methods: ["card"],
  configSchema: testpaySchema,
  create: (instance) => ({
    initiate: async () => {
      throw new Error("not used here");
    },
    verify: async () => ({ outcome: "pending" }),
    parseWebhook: async () => {
      throw new Error("not used here");
    },
    healthCheck: async () => {
      const { apiKey, region, merchantCode } = instance.config;
      if (merchantCode === "THROW") throw new Error(`Connection reset while sending ${apiKey}`);
      if (merchantCode === "HANG") return new Promise<never>(() => undefined);
      if (apiKey.includes("reject")) return { ok: false, message: `Key ${apiKey} was refused` };
      if (region === "us") return { ok: false, message: "Region us is down", latencyMs: 7 };
      return { ok: true, latencyMs: instance.testMode ? 3 : 5 };
    },
  }),
  webhook: { segment: "testpay", unauthenticated: "unauthorized", acknowledgement: { ok: true } },
};

const testcardSchema = z.strictObject({
  secretKey: z
    .string()
    .regex(/^sk_(live|test)_\w{8,}$/)
    .meta({ secret: true, perMode: true }),
  apiBase: z.url().default("https://api.testcard.example").meta({ perMode: true }),
  timeoutMs: z.number().int().default(10_000),
});

/** A provider with a live and a test account: its health check says which key and base it was built with. */
export const testcardPlugin: PaymentPlugin<typeof testcardSchema> = {
  name: "testcard",
  label: "TestCard",
  testInstructions: "card 4242 4242 4242 4242.",
  methods: ["card"],
  configSchema: testcardSchema,
  create: (instance) => ({
    initiate: async () => {
      throw new Error("not used here");
    },
    verify: async () => ({ outcome: "pending" }),
    parseWebhook: async () => {
      throw new Error("not used here");
    },
    healthCheck: async () => ({
      ok: true,
      message: `${instance.config.apiBase} ${instance.testMode ? "test" : "live"}`,
    }),
  }),
};

/** Publishes recorded in order; while `down`, publishing fails as Redis being away would. */
export interface RecordingFeed extends ChangeFeed {
  readonly published: string[];
  down: boolean;
}

function recordingFeed(): RecordingFeed {
  const feed: RecordingFeed = {
    published: [],
    down: false,
    publish: async (tenantId) => {
      if (feed.down) throw new Error("Connection is closed.");
      feed.published.push(tenantId);
    },
    subscribe: async () => undefined,
    close: async () => undefined,
  };
  return feed;
}

/** "Now" for per-instance statistics, so tests place payments inside and outside their window. */
export const STATS_NOW = new Date("2026-12-01T12:00:00Z");

/** How long the admin waits for a health check here: long enough for a real answer. */
export const HEALTH_TIMEOUT_MS = 200;

/** Wall time, but never the same millisecond twice: audit entries list in the order they happened. */
function strictlyIncreasingClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

export interface Harness {
  readonly base: string;
  readonly store: Store;
  readonly box: SecretBox;
  readonly registry: ManagedProviderRegistry;
  readonly feed: RecordingFeed;
  /** Health changes worth an alert, as `displayName: before → after`. */
  readonly alerts: string[];
  /**
   * What shoppers were told by settlements the admin API made (cash on delivery marked paid), with
   * the outbox key that sends each message once.
   */
  readonly told: { result: ResultEvent; key: string }[];
  /** Every byte the store has written to disk, as text. */
  disk(): Promise<string>;
  /**
   * fetch against the admin API. `body`: a string is sent as is, anything else as JSON.
   * `authorization`: the header to send (default the right bearer token), null for none.
   */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; authorization?: string | null },
  ): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), "duka-admin-"));
  const dataDir = join(dir, "data");
  const store = await createStore({ dataDir, mediaDir: join(dir, "media") });
  const box = createSecretBox({ current: randomBytes(32) });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const logger = createLogger({ level: "silent" });
  const registry = createProviderRegistry({
    plugins: [manualPlugin, testpayPlugin, testcardPlugin],
    instances: store.providers,
    secrets: box,
    publicUrl: PUBLIC_URL,
    shared: createRedisSharedCache(redis, `t-${randomBytes(4).toString("hex")}`),
    logger,
  });
  const feed = recordingFeed();
  const alerts: string[] = [];
  const health = createHealthMonitor({
    instances: store.providers,
    clientOf: registry.client,
    secretsOf: (instance) => plaintextSecrets(box, instance),
    timeoutMs: HEALTH_TIMEOUT_MS,
    onChange: async (instance, before) => {
      alerts.push(`${instance.displayName}: ${before} → ${instance.health.status}`);
    },
    logger,
  });
  const admin = createProviderAdmin({
    registry,
    instances: store.providers,
    secrets: box,
    changes: feed,
    health,
    audit: store.audit,
    publicUrl: PUBLIC_URL,
    defaultTenantId: TENANT,
    now: strictlyIncreasingClock(),
  });

  const app = express();
  const silentNotifier = {
    tellShopper: async () => undefined,
    paymentSettled: async () => undefined,
    paymentFlagged: async () => undefined,
    orphanReceived: async () => undefined,
  };
  const refunds = createRefunds({ store, registry, tellShopper: async () => undefined, logger });
  const stats = createProviderStats({
    instances: store.providers,
    payments: store.payments,
    now: () => STATS_NOW,
  });
  // What the shoppers were told, through the settlement that POST /orders/:ref/paid goes through.
  const told: { result: ResultEvent; key: string }[] = [];
  const tellShopper = async (_order: unknown, result: ResultEvent, key: string) =>
    void told.push({ result, key });
  const deliveries = createDeliveries({
    store,
    settlement: createSettlement({
      store,
      notifier: { tellShopper, paymentSettled: async () => undefined, paymentFlagged: async () => undefined },
      logger,
    }),
    tellShopper,
  });
  const receivedMoney = createReceivedMoney({
    store,
    registry,
    settlement: createSettlement({ store, notifier: silentNotifier, logger }),
    notifier: silentNotifier,
    logger,
  });
  app.use(
    ADMIN_BASE,
    createAdminRoutes(admin, { token: TOKEN, refunds, deliveries, tenantId: TENANT, stats, receivedMoney }),
  );
  app.use(notFound);
  app.use(errorHandler(logger));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, "127.0.0.1", () => resolve(listening));
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  return {
    base,
    store,
    box,
    registry,
    feed,
    alerts,
    told,
    async disk() {
      const names = await readdir(dataDir);
      const contents = await Promise.all(names.map((name) => readFile(join(dataDir, name), "utf8")));
      return contents.join("\n");
    },
    call(method, path, { body, authorization = `Bearer ${TOKEN}` } = {}) {
      const headers: Record<string, string> = {};
      if (authorization !== null) headers.authorization = authorization;
      const init: RequestInit = { method, headers };
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        init.body = typeof body === "string" ? body : JSON.stringify(body);
      }
      return fetch(`${base}${ADMIN_BASE}${path}`, init);
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      redis.disconnect();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
