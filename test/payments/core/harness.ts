/**
 * What the direct tests of the payment core share: the embedded store in memory, the real
 * provider registry over real Redis, and a scripted provider plugin whose answers each test
 * sets and whose calls each test counts. The shop's notifiers are recorders: what the core
 * tells shoppers and merchants is what these tests check.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { z } from "zod";
import type { ResultEvent } from "../../../src/domain/conversation.js";
import type { Money } from "../../../src/domain/money.js";
import type { Order } from "../../../src/domain/order.js";
import type { Payment } from "../../../src/domain/payment.js";
import type { Proof } from "../../../src/domain/proof.js";
import type { ReceivedPayment } from "../../../src/domain/received-payment.js";
import { createLogger } from "../../../src/log/index.js";
import type {
  PaymentPlugin,
  ProviderClient,
  VerifyResult,
  WebhookEvent,
  WebhookRequest,
} from "../../../src/payments/plugin.js";
import type { ReceivedMoneyNotifier } from "../../../src/payments/received-money.js";
import { createProviderRegistry } from "../../../src/payments/registry/registry.js";
import { createSecretBox } from "../../../src/payments/registry/secrets.js";
import { createRedisSharedCache } from "../../../src/payments/registry/shared-cache.js";
import type { SettlementNotifier } from "../../../src/payments/settlement.js";
import { createStore } from "../../../src/store/index.js";
import type { Store } from "../../../src/store/types.js";
import { REDIS_URL } from "../../helpers/shop.js";
import { makeInstance, makeOrder, makePayment } from "../../store/fixtures.js";

export const logger = createLogger({ level: "silent" });

/** What the scripted provider answers, and what it was asked. */
export interface ProviderScript {
  verify: VerifyResult | (() => Promise<VerifyResult>);
  parseWebhook: (request: WebhookRequest) => Promise<WebhookEvent>;
  refund?: (payment: Payment, amount: Money) => Promise<{ providerRef: string }>;
  /** The provider's record of a refund for the payment, for the refund reconciler. */
  findRefund?: (payment: Payment) => Promise<{ providerRef: string } | null>;
  /** What the provider says about money received unasked; unset: the client has no such check. */
  confirmReceived?: Awaited<ReturnType<NonNullable<ProviderClient["confirmReceived"]>>>;
  readonly verifyCalls: Payment[];
  readonly refundCalls: { payment: Payment; amount: Money }[];
}

const scripts = new Map<string, ProviderScript>();

function scriptOf(instanceId: string): ProviderScript {
  const script = scripts.get(instanceId);
  if (!script) throw new Error(`no script for ${instanceId}`);
  return script;
}

/** A provider whose every answer comes from the test's script for that instance. */
function scriptedClient(instanceId: string): ProviderClient {
  return {
    initiate: async () => {
      throw new Error("the payment core never initiates");
    },
    async verify(payment) {
      const script = scriptOf(instanceId);
      script.verifyCalls.push(payment);
      return typeof script.verify === "function" ? script.verify() : script.verify;
    },
    parseWebhook: (request) => scriptOf(instanceId).parseWebhook(request),
    healthCheck: async () => ({ ok: true }),
    async refund(payment, amount) {
      const script = scriptOf(instanceId);
      if (!script.refund) throw new Error("refund not scripted");
      script.refundCalls.push({ payment, amount });
      return script.refund(payment, amount);
    },
    async findRefund(payment) {
      const script = scriptOf(instanceId);
      if (!script.findRefund) throw new Error("findRefund not scripted");
      return script.findRefund(payment);
    },
    // Unscripted: confirmed, as a client without the check would take it.
    confirmReceived: async () => scriptOf(instanceId).confirmReceived ?? { outcome: "confirmed" },
  };
}

export function scriptedPlugin(
  name: string,
  webhook: PaymentPlugin["webhook"],
  options: { refunds?: boolean; findsRefunds?: boolean } = {},
): PaymentPlugin {
  return {
    name,
    label: name,
    methods: ["mobile_money"],
    configSchema: z.strictObject({}),
    ...(webhook ? { webhook } : {}),
    create: ({ id }) => {
      const client = scriptedClient(id);
      if (options.refunds === false) delete client.refund;
      if (options.refunds === false || options.findsRefunds === false) delete client.findRefund;
      return client;
    },
  };
}

export const SCRIPTED = scriptedPlugin("scripted", {
  segment: "scripted",
  unauthenticated: "unauthorized",
  acknowledgement: { ok: true },
});
/** Answers a bad webhook token with 404, like M-Pesa's path token. */
export const HIDDEN = scriptedPlugin("hidden", {
  segment: "hidden",
  unauthenticated: "not_found",
  acknowledgement: { ok: true },
});
/** A plugin that takes no webhooks and cannot refund. */
export const QUIET = scriptedPlugin("quiet", undefined, { refunds: false });
/** Refunds, but cannot be asked afterwards whether a refund was made. */
export const FORGETFUL = scriptedPlugin("forgetful", undefined, { findsRefunds: false });

export interface Core {
  readonly store: Store;
  readonly registry: ReturnType<typeof createProviderRegistry>;
  /** A stored instance of `plugin` (default: scripted) and the script of its answers. */
  instance(plugin?: PaymentPlugin): Promise<{ instanceId: string; script: ProviderScript }>;
  /** An order awaiting payment and its pending payment, both stored. */
  purchase(
    instanceId: string,
    overrides?: { order?: Partial<Order>; payment?: Partial<Payment> },
  ): Promise<{ order: Order; payment: Payment }>;
  close(): Promise<void>;
}

export async function openCore(): Promise<Core> {
  const prefix = `t-${randomBytes(4).toString("hex")}`;
  const store = await createStore({ mediaDir: `/tmp/${prefix}-media` });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const registry = createProviderRegistry({
    plugins: [SCRIPTED, HIDDEN, QUIET, FORGETFUL],
    instances: store.providers,
    secrets: createSecretBox({ current: randomBytes(32) }),
    publicUrl: "http://localhost:3000",
    shared: createRedisSharedCache(redis, prefix),
    logger,
  });
  const created: string[] = [];
  return {
    store,
    registry,
    async instance(plugin = SCRIPTED) {
      const instance = makeInstance({ plugin: plugin.name, config: {} });
      await store.providers.create(instance);
      const script: ProviderScript = {
        verify: { outcome: "pending" },
        parseWebhook: async () => {
          throw new Error("parseWebhook not scripted");
        },
        verifyCalls: [],
        refundCalls: [],
      };
      scripts.set(instance._id, script);
      created.push(instance._id);
      return { instanceId: instance._id, script };
    },
    async purchase(instanceId, overrides = {}) {
      const order = makeOrder({ total: { amount: 90100, currency: "KES" }, ...overrides.order });
      const payment = makePayment({
        orderId: order._id,
        orderRef: order.ref,
        tenantId: order.tenantId,
        instanceId,
        provider: "scripted",
        providerRef: `ref_${randomBytes(6).toString("hex")}`,
        amount: order.total,
        ...overrides.payment,
      });
      await store.orders.create({ ...order, paymentId: overrides.order?.paymentId ?? payment._id });
      await store.payments.create(payment);
      return {
        order: (await store.orders.findById(order.tenantId, order._id)) as Order,
        payment,
      };
    },
    async close() {
      for (const id of created) scripts.delete(id);
      await store.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

/** A notifier that records what it was asked to say, in order. */
export function recordingNotifier() {
  const told: { order: Order; result: ResultEvent; key: string }[] = [];
  const settled: { order: Order; payment: Payment }[] = [];
  const flagged: { order: Order; payment: Payment }[] = [];
  const reminded: { order: Order; proof: Proof }[] = [];
  const submitted: { order: Order; proof: Proof }[] = [];
  const orphans: ReceivedPayment[] = [];
  const notifier: SettlementNotifier &
    ReceivedMoneyNotifier & {
      proofReminder(order: Order, proof: Proof): Promise<void>;
      proofSubmitted(order: Order, proof: Proof): Promise<void>;
    } = {
    tellShopper: async (order, result, key) => void told.push({ order, result, key }),
    paymentSettled: async (order, payment) => void settled.push({ order, payment }),
    paymentFlagged: async (order, payment) => void flagged.push({ order, payment }),
    proofReminder: async (order, proof) => void reminded.push({ order, proof }),
    proofSubmitted: async (order, proof) => void submitted.push({ order, proof }),
    orphanReceived: async (received) => void orphans.push(received),
  };
  return { notifier, told, settled, flagged, reminded, submitted, orphans };
}
