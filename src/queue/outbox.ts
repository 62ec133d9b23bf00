import type { Reply } from "../domain/channel.js";
import { deterministicId } from "../domain/ids.js";
import type { ChatAddress } from "../domain/order.js";
import type { OutboxLane, OutboxMessage, Store } from "../store/types.js";
import type { ChatOrder } from "./chat-order.js";
import { LANE_PRIORITY, OUTBOUND_JOB_OPTIONS, type Queues } from "./queues.js";

/**
 * The outbox id of a message about `parts` (`"paid", orderId`): the same event always yields
 * the same id, so a retried job or a replayed input never sends twice.
 */
export function outboxId(...parts: readonly string[]): string {
  return deterministicId("ob", ...parts);
}

export interface OutgoingMessage {
  readonly id: string;
  readonly tenantId: string;
  readonly to: ChatAddress;
  readonly replies: readonly Reply[];
  /** Default `reply`. */
  readonly lane?: OutboxLane;
  readonly digest?: OutboxMessage["digest"];
}

/** Every outgoing chat message takes this path: stored first, then queued by its id. */
export interface Outbox {
  send(message: OutgoingMessage): Promise<void>;
  /** Queues a stored message again (the sweeper's path). */
  enqueue(message: Pick<OutboxMessage, "_id" | "to" | "lane">): Promise<void>;
}

export function createOutbox(deps: { store: Store; queues: Queues; order: ChatOrder }): Outbox {
  const add: Outbox["enqueue"] = async ({ _id, to, lane = "reply" }) => {
    const priority = LANE_PRIORITY[lane];
    await deps.queues
      .outbound(to.channel)
      .add(
        "send",
        { outboxId: _id },
        { ...OUTBOUND_JOB_OPTIONS, jobId: _id, ...(priority ? { priority } : {}) },
      );
  };
  const enqueue: Outbox["enqueue"] = async (message) => {
    // A job that failed for good keeps its id for days, and adding that id again does nothing:
    // a message still pending behind it would never be sent. Such a job is retried instead.
    const existing = await deps.queues.outbound(message.to.channel).getJob(message._id);
    if (existing && (await existing.isFailed())) {
      await existing.retry("failed", { resetAttemptsMade: true });
      return;
    }
    await add(message);
  };
  return {
    async send(message) {
      if (message.replies.length === 0) return;
      const stored = await deps.store.outbox.put({
        _id: message.id,
        tenantId: message.tenantId,
        to: message.to,
        replies: message.replies,
        ...(message.lane ? { lane: message.lane } : {}),
        ...(message.digest ? { digest: message.digest } : {}),
        createdAt: new Date(),
      });
      // A message stored earlier and already sent is not queued again.
      if (stored.status !== "pending") return;
      await deps.order.written(stored);
      await add(stored);
    },
    enqueue,
  };
}
