/**
 * `npm run bench`: throughput of the hot pure and storage paths, checked against targets.
 * Targets are for one core of a small (2-core) machine; a miss exits non-zero.
 */
import { performance } from "node:perf_hooks";
import { loadCatalog } from "../src/catalog/index.js";
import { initialState, step } from "../src/conversations/index.js";
import type { ConversationEvent, StepContext } from "../src/conversations/types.js";
import { deterministicId } from "../src/domain/ids.js";
import type { Order } from "../src/domain/order.js";
import { newOrderReference } from "../src/domain/reference.js";
import { createStore } from "../src/store/index.js";

interface Result {
  readonly name: string;
  readonly perSecond: number;
  readonly target: number;
}

const WARMUP = 200;

/** Calls `run(i)` for i = 0…WARMUP+iterations-1 and times the calls after the warm-up. */
async function measure(
  name: string,
  target: number,
  iterations: number,
  run: (i: number) => unknown,
): Promise<Result> {
  for (let i = 0; i < WARMUP; i++) await run(i);
  const started = performance.now();
  for (let i = WARMUP; i < WARMUP + iterations; i++) await run(i);
  const seconds = (performance.now() - started) / 1000;
  return { name, perSecond: iterations / seconds, target };
}

async function main(): Promise<number> {
  const catalog = await loadCatalog();
  const context: StepContext = {
    catalog,
    paymentOptions: [{ method: "manual", label: "Bank transfer / manual" }],
  };
  const script: ConversationEvent[] = [
    { type: "input", content: { kind: "command", command: "start", args: "" } },
    { type: "input", content: { kind: "choice", data: "p:EGGS12" } },
    { type: "input", content: { kind: "choice", data: "q:EGGS12:2" } },
    { type: "input", content: { kind: "choice", data: "cart" } },
    { type: "input", content: { kind: "choice", data: "checkout" } },
  ];
  const results: Result[] = [];

  results.push(
    await measure("dialogue: a 5-step shopping script", 2_000, 5_000, () => {
      let state = initialState();
      for (const event of script) state = step(state, event, context).state;
    }),
  );

  const store = await createStore({ mediaDir: "/tmp/duka-bench-media" });
  const now = new Date();
  // Unique references up front: the order service retries collisions, the bare repository does not.
  const refs = new Set<string>();
  while (refs.size < 3_000 + WARMUP) refs.add(newOrderReference());
  const uniqueRefs = [...refs];
  const order = (i: number): Order => ({
    _id: deterministicId("ord", "bench", String(i)),
    tenantId: "bench",
    ref: uniqueRefs[i]!,
    customer: { channel: "telegram", chatId: String(i % 500) },
    lines: [{ sku: "EGGS12", name: "Eggs", quantity: 2, unitAmount: 45_050 }],
    total: { amount: 90_100, currency: "KES" },
    status: "awaiting_payment",
    createdAt: now,
    updatedAt: now,
  });
  const count = 3_000;
  const orders = Array.from({ length: count + WARMUP }, (_, i) => order(i));
  results.push(
    await measure("embedded store: create an order", 2_000, count, (i) => store.orders.create(orders[i]!)),
  );
  results.push(
    await measure("embedded store: compare-and-set to paid", 2_000, count, (i) =>
      store.orders.transition("bench", orders[i]!._id, "paid"),
    ),
  );
  await store.close();

  let missed = 0;
  for (const result of results) {
    const ok = result.perSecond >= result.target;
    if (!ok) missed += 1;
    console.log(
      `${ok ? "ok  " : "SLOW"} ${result.name.padEnd(42)} ${Math.round(result.perSecond).toLocaleString("en").padStart(10)}/s (target ${result.target.toLocaleString("en")}/s)`,
    );
  }
  return missed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code));
