/**
 * What the embedded store costs to hold and to reopen: heap and journal bytes per conversation
 * and per order, and the time a restart takes to replay a journal of 10k, 50k and 100k
 * conversations (each with an order). Run with --expose-gc for steady heap figures.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { initialState } from "../../src/conversations/index.js";
import { deterministicId } from "../../src/domain/ids.js";
import { createStore } from "../../src/store/index.js";
import type { BenchContext } from "../lib/context.js";

export interface FootprintFigures {
  readonly conversations: number;
  readonly heapBytesPerConversationAndOrder: number;
  readonly journalBytesPerConversation: number;
  readonly journalBytesPerOrder: number;
  readonly restartMs: number;
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

export async function footprint(context: BenchContext): Promise<FootprintFigures[]> {
  const sizes = context.quick ? [2_000] : [10_000, 50_000, 100_000];
  const results: FootprintFigures[] = [];
  for (const size of sizes) {
    const dataDir = context.folder(`footprint-${size}`);
    const options = { dataDir, mediaDir: context.folder(`footprint-media-${size}`) };
    let store = await createStore(options);
    const heapBefore = heapUsed();
    const state = {
      ...initialState(),
      cart: [
        { sku: "SUKUMA", quantity: 3 },
        { sku: "EGGS12", quantity: 1 },
      ],
    };
    const now = new Date();
    for (let i = 0; i < size; i++) {
      const chat = { channel: "telegram" as const, chatId: String(5_000_000 + i) };
      await store.conversations.save("bench", chat, state, 0);
      await store.orders.create({
        _id: deterministicId("ord", "bench", String(i)),
        tenantId: "bench",
        ref: `DK-${i.toString(36).toUpperCase().padStart(6, "0")}`,
        customer: chat,
        lines: [
          { sku: "SUKUMA", name: "Sukuma wiki (bunch)", quantity: 3, unitAmount: 3_000 },
          { sku: "EGGS12", name: "Eggs, tray of 12", quantity: 1, unitAmount: 45_050 },
        ],
        total: { amount: 54_050, currency: "KES" },
        status: "awaiting_payment",
        createdAt: now,
        updatedAt: now,
      });
    }
    const heapAfter = heapUsed();
    await store.close();
    const started = performance.now();
    store = await createStore(options);
    const restartMs = performance.now() - started;
    await store.close();
    results.push({
      conversations: size,
      heapBytesPerConversationAndOrder: (heapAfter - heapBefore) / size,
      journalBytesPerConversation: statSync(join(dataDir, "conversations.jsonl")).size / size,
      journalBytesPerOrder: statSync(join(dataDir, "orders.jsonl")).size / size,
      restartMs,
    });
  }
  return results;
}
