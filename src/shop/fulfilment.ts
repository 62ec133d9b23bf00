/**
 * The merchant marks a paid order delivered. An order a test-mode payment paid is refused: no
 * money moved, so delivering it would give goods away (the refusal is final, not a confirmation
 * step: there is nothing a merchant should ever confirm there).
 */
import { deterministicId } from "../domain/ids.js";
import type { Order } from "../domain/order.js";
import { recordAudit } from "../store/audit-log.js";
import type { Store } from "../store/types.js";

/** What `/fulfil` did, or why it did nothing. */
export type FulfilOutcome =
  | { readonly kind: "not_found"; readonly ref: string }
  | { readonly kind: "fulfilled"; readonly order: Order; readonly alreadyDone: boolean }
  | { readonly kind: "test_order"; readonly order: Order }
  | { readonly kind: "not_paid"; readonly order: Order };

export function createFulfilment(deps: { store: Store }) {
  const { store } = deps;

  async function fulfil(tenantId: string, ref: string, actor: string): Promise<FulfilOutcome> {
    const order = await store.orders.findByRef(tenantId, ref);
    if (!order) return { kind: "not_found", ref };
    if (order.testMode) return { kind: "test_order", order };
    if (order.status === "fulfilled") return { kind: "fulfilled", order, alreadyDone: true };
    if (order.status !== "paid") return { kind: "not_paid", order };
    const fulfilled = await store.orders.transition(tenantId, order._id, "fulfilled");
    // Lost a race with another /fulfil (done) or a refund (no longer paid): say what it is now.
    if (!fulfilled) return fulfil(tenantId, ref, actor);
    await recordAudit(store, {
      _id: deterministicId("aud", order._id, "fulfilled"),
      tenantId,
      at: fulfilled.updatedAt,
      actor,
      action: "order.fulfilled",
      orderRef: order.ref,
      subjectId: order._id,
    });
    return { kind: "fulfilled", order: fulfilled, alreadyDone: false };
  }

  return { fulfil };
}

export type Fulfilment = ReturnType<typeof createFulfilment>;
