/**
 * How one provider instance did on real traffic, pure: from the payments it was tried for, its
 * success rate, median time to settle and failure reasons, so a merchant can compare instances
 * that split a method's traffic.
 */
import type { Payment, PaymentStatus } from "../../domain/payment.js";

export interface FailureReason {
  /** `initiate`: the instance refused to start the payment (fallback may have taken over); `payment`: it started, then failed. */
  readonly stage: "initiate" | "payment";
  /** The provider's own code when it gave one, else Duka's (`unavailable`) or the final status (`expired`). */
  readonly code: string;
  readonly count: number;
  /** The newest message given for it (never a secret: attempt errors and shopper reasons are safe). */
  readonly example?: string;
}

export interface InstanceStats {
  /** Live payments the instance was tried for: each called its initiate once. */
  readonly tried: number;
  /** Test-mode payments it was tried for: left out of every other figure (no money moved). */
  readonly testPayments: number;
  /** Taken by it and paid (refunded ones too: the money moved). */
  readonly succeeded: number;
  /** Refused at initiation, or taken and then failed, cancelled, expired or rejected. */
  readonly failed: number;
  /** Taken by it and still waiting for the shopper or the provider: not counted in the rate. */
  readonly open: number;
  /** succeeded / (succeeded + failed), 0–1; null while nothing was decided. */
  readonly successRate: number | null;
  /** Median milliseconds from the payment's creation to its settlement, over paid ones; null when none. */
  readonly medianSettleMs: number | null;
  /** Most frequent first. */
  readonly failureReasons: readonly FailureReason[];
}

const PAID: ReadonlySet<PaymentStatus> = new Set(["succeeded", "refunded"]);
const UNPAID: ReadonlySet<PaymentStatus> = new Set(["failed", "cancelled", "expired", "rejected"]);

/** `payments`: those `instanceId` was tried for, newest first (as the store lists them). */
export function instanceStatsOf(instanceId: string, payments: readonly Payment[]): InstanceStats {
  let succeeded = 0;
  let open = 0;
  const settleTimes: number[] = [];
  const reasons = new Map<
    string,
    { stage: FailureReason["stage"]; code: string; count: number; example?: string }
  >();
  const countFailure = (stage: FailureReason["stage"], code: string, example: string | undefined) => {
    const key = `${stage}\u0000${code}`;
    const known = reasons.get(key);
    if (known) known.count += 1;
    else reasons.set(key, { stage, code, count: 1, ...(example ? { example } : {}) });
  };

  const live = payments.filter((payment) => payment.testMode !== true);
  for (const payment of live) {
    for (const attempt of payment.attempts ?? []) {
      if (attempt.instanceId !== instanceId || attempt.ok || !attempt.error) continue;
      countFailure("initiate", attempt.error.providerCode ?? attempt.error.code, attempt.error.message);
    }
    if (payment.instanceId !== instanceId) continue;
    if (PAID.has(payment.status)) {
      succeeded += 1;
      if (payment.settledAt) settleTimes.push(payment.settledAt.getTime() - payment.createdAt.getTime());
    } else if (UNPAID.has(payment.status)) {
      countFailure("payment", payment.failure?.code ?? payment.status, payment.failure?.reason);
    } else open += 1;
  }

  const failureReasons = [...reasons.values()].sort(
    (a, b) => b.count - a.count || a.stage.localeCompare(b.stage) || a.code.localeCompare(b.code),
  );
  const failed = failureReasons.reduce((sum, reason) => sum + reason.count, 0);
  return {
    tried: live.length,
    testPayments: payments.length - live.length,
    succeeded,
    failed,
    open,
    successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
    medianSettleMs: medianOf(settleTimes),
    failureReasons,
  };
}

function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
