import type { Logger } from "pino";
import { credentialModeOf, type Payment } from "../domain/payment.js";
import type { Store } from "../store/types.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";
import type { Settlement } from "./settlement.js";

export interface ReconcileJob {
  readonly tenantId: string;
  readonly paymentId: string;
  /** True for the last check: a payment still pending then expires. */
  readonly last: boolean;
}

/**
 * A missing webhook is not a lost payment (DESIGN §4): every pending payment is checked with the
 * provider after each of `delaysMs`, and settled, failed, or, after the last, expired — through
 * the same idempotent settlement as webhooks.
 */
export function createReconciler(deps: {
  store: Store;
  registry: ManagedProviderRegistry;
  settlement: Settlement;
  delaysMs: readonly number[];
  schedule: (job: ReconcileJob, delayMs: number, jobId: string) => Promise<void>;
  logger: Logger;
}) {
  const { store, settlement, logger } = deps;
  return {
    async schedule(payment: Payment): Promise<void> {
      for (const [index, delayMs] of deps.delaysMs.entries()) {
        await deps.schedule(
          { tenantId: payment.tenantId, paymentId: payment._id, last: index === deps.delaysMs.length - 1 },
          delayMs,
          `reconcile-${payment._id}-${index}`,
        );
      }
    },

    async check(job: ReconcileJob): Promise<void> {
      const payment = await store.payments.findById(job.tenantId, job.paymentId);
      if (payment?.status !== "pending") return;
      const instance = payment.instanceId ? await deps.registry.instance(payment.instanceId) : null;
      const verified = instance
        ? await deps.registry.client(instance, credentialModeOf(payment)).verify(payment)
        : { outcome: "pending" as const };
      logger.debug({ paymentId: payment._id, outcome: verified.outcome, last: job.last }, "reconciled");
      if (verified.outcome === "succeeded") {
        await settlement.succeed(payment, {
          ...(verified.amount ? { amount: verified.amount } : {}),
          ...(verified.receipt ? { receipt: verified.receipt } : {}),
          actor: "reconciler",
        });
      } else if (verified.outcome === "failed" || verified.outcome === "cancelled") {
        await settlement.fail(payment, {
          cancelled: verified.outcome === "cancelled",
          reason: verified.reason ?? "The payment did not go through.",
          ...(verified.providerCode ? { code: verified.providerCode } : {}),
          ...(verified.retryWontHelp ? { retryWontHelp: true } : {}),
        });
      } else if (job.last) {
        await settlement.expire(payment);
      }
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;
