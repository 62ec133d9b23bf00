/**
 * No slower as the shop grows: what a chat turn and a webhook cost in the store (load and save a
 * conversation; record an inbox event; find a payment and an order by reference) with few and
 * with many conversations and orders stored. On the embedded store always, and on MongoDB when
 * MONGODB_URI is set. The ratio of the large to the small figure is the goal (≤ 1.2).
 */
import { initialState } from "../../src/conversations/index.js";
import { deterministicId } from "../../src/domain/ids.js";
import type { Order } from "../../src/domain/order.js";
import type { Payment } from "../../src/domain/payment.js";
import { createStore } from "../../src/store/index.js";
import type { Store } from "../../src/store/types.js";
import type { BenchContext } from "../lib/context.js";
import { median } from "../lib/stats.js";

export interface GrowthFigures {
  readonly store: string;
  readonly sizes: readonly number[];
  /** CPU µs per chat-turn store work, per size. */
  readonly turnMicros: readonly number[];
  /** CPU µs per webhook store work, per size. */
  readonly webhookMicros: readonly number[];
}

const TENANT = "bench";
const chat = (i: number) => ({ channel: "telegram" as const, chatId: String(1_000_000 + i) });

function order(i: number, now: Date): Order {
  return {
    _id: deterministicId("ord", TENANT, String(i)),
    tenantId: TENANT,
    ref: `DK-${i.toString(36).toUpperCase().padStart(6, "0")}`,
    customer: chat(i),
    lines: [{ sku: "EGGS12", name: "Eggs", quantity: 2, unitAmount: 45_050 }],
    total: { amount: 90_100, currency: "KES" },
    status: "awaiting_payment",
    createdAt: now,
    updatedAt: now,
  };
}

function payment(i: number, now: Date): Payment {
  return {
    _id: deterministicId("pay", TENANT, String(i)),
    tenantId: TENANT,
    orderId: deterministicId("ord", TENANT, String(i)),
    orderRef: `DK-${i.toString(36).toUpperCase().padStart(6, "0")}`,
    method: "card",
    provider: "paystack",
    amount: { amount: 90_100, currency: "KES" },
    status: "pending",
    instanceId: "pi_bench",
    providerRef: `pay-bench-${i}`,
    createdAt: now,
    updatedAt: now,
  };
}

/** Grows `store` to `size` conversations, orders and payments. */
async function growTo(store: Store, from: number, size: number): Promise<void> {
  const now = new Date();
  const state = initialState();
  for (let i = from; i < size; i++) {
    await store.conversations.save(TENANT, chat(i), state, 0);
    await store.orders.create(order(i, now));
    await store.payments.create(payment(i, now));
  }
}

/** CPU µs per call of `work(i)` over `count` calls (median of three runs, after one unmeasured). */
async function cpuPerCall(count: number, work: (i: number) => Promise<unknown>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 4 * count; i++) await work(3 * count + i);
  for (let run = 0; run < 3; run++) {
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) await work(run * count + i);
    const cpu = process.cpuUsage(before);
    runs.push((cpu.user + cpu.system) / count);
  }
  return median(runs);
}

export async function growth(context: BenchContext): Promise<GrowthFigures[]> {
  const sizes = context.quick ? [1_000, 5_000] : [1_000, 100_000];
  const backends: { name: string; open: () => Promise<Store> }[] = [
    {
      name: "embedded",
      open: () =>
        createStore({ dataDir: context.folder("growth-store"), mediaDir: context.folder("growth-media") }),
    },
  ];
  const mongodbUri = process.env.MONGODB_URI;
  if (mongodbUri) {
    const uri = new URL(mongodbUri);
    uri.pathname = `/duka_bench_${Date.now().toString(36)}`;
    backends.push({
      name: "mongodb",
      open: () => createStore({ mongodbUri: uri.toString(), mediaDir: context.folder("m") }),
    });
  }
  const results: GrowthFigures[] = [];
  for (const backend of backends) {
    const store = await backend.open();
    const turnMicros: number[] = [];
    const webhookMicros: number[] = [];
    let size = 0;
    let event = 0;
    try {
      for (const target of sizes) {
        await growTo(store, size, target);
        size = target;
        const sample = (i: number) => (i * 7_919) % size;
        turnMicros.push(
          await cpuPerCall(500, async (i) => {
            const who = chat(sample(i));
            const stored = await store.conversations.load(TENANT, who);
            await store.conversations.save(TENANT, who, stored!.state, stored!.version);
          }),
        );
        webhookMicros.push(
          await cpuPerCall(500, async (i) => {
            const n = sample(i);
            event += 1;
            await store.inbox.record({
              _id: deterministicId("ibx", "paystack", `${size}-${event}`),
              tenantId: TENANT,
              provider: "paystack",
              instanceId: "pi_bench",
              eventKey: `charge.success:${size}-${event}`,
              event: { outcome: "succeeded", providerRef: `pay-bench-${n}` },
              status: "received",
              receivedAt: new Date(),
            });
            const found = await store.payments.findByProviderRef("pi_bench", `pay-bench-${n}`);
            await store.orders.findById(TENANT, found!.orderId);
          }),
        );
      }
    } finally {
      await store.close();
    }
    results.push({ store: backend.name, sizes, turnMicros, webhookMicros });
  }
  return results;
}
