/**
 * Weighted A/B routing, pure: which instances split a method's traffic, the weighted draw among
 * them, and the order the payment service then tries the candidates in. No I/O: the random
 * number and any remembered choice come from the caller.
 */
import type { PaymentRouting } from "../../domain/payment.js";
import type { ProviderInstance } from "../../domain/provider-instance.js";

/** What routing needs of a candidate; the registry's ResolvedInstance is one. */
export interface Routable {
  readonly instance: Pick<ProviderInstance, "_id" | "priority" | "weight">;
}

export type SplitShares = PaymentRouting["shares"];

/**
 * The split group: candidates (in fallback order) at the best priority that carry a weight.
 * Fewer than two such instances, or weights that add up to nothing, split nothing: empty.
 */
export function splitGroupOf<T extends Routable>(candidates: readonly T[]): T[] {
  if (candidates.length === 0) return [];
  const best = Math.min(...candidates.map(({ instance }) => instance.priority));
  const group = candidates.filter(
    ({ instance }) => instance.priority === best && instance.weight !== undefined,
  );
  const total = group.reduce((sum, { instance }) => sum + (instance.weight ?? 0), 0);
  return group.length >= 2 && total > 0 ? group : [];
}

export function sharesOf(group: readonly Routable[]): SplitShares {
  return group.map(({ instance }) => ({ instanceId: instance._id, weight: instance.weight ?? 0 }));
}

/**
 * The instance a draw lands on: `random` in [0, 1) falls into one instance's slice of the
 * weights laid end to end, so each is chosen in proportion to its weight; weight 0 never is.
 */
export function pickWeighted(shares: SplitShares, random: number): string {
  const total = shares.reduce((sum, share) => sum + share.weight, 0);
  if (total <= 0) throw new RangeError("pickWeighted needs a share with a positive weight");
  let point = Math.min(Math.max(random, 0), 1) * total;
  for (const share of shares) {
    if (point < share.weight) return share.instanceId;
    point -= share.weight;
  }
  // random = 1 (or rounding at the top end): the last share that can be chosen.
  return shares.findLast((share) => share.weight > 0)!.instanceId;
}

/** Whether a remembered choice still holds: chosen within the period and still drawable. */
export function canKeepChoice(
  remembered: { readonly instanceId: string; readonly at: Date },
  shares: SplitShares,
  now: Date,
  periodMs: number,
): boolean {
  const age = now.getTime() - remembered.at.getTime();
  const share = shares.find((candidate) => candidate.instanceId === remembered.instanceId);
  return age >= 0 && age < periodMs && share !== undefined && share.weight > 0;
}

/** The candidates with `chosenId` first and the rest in their fallback order. */
export function withFirst<T extends Routable>(candidates: readonly T[], chosenId: string): T[] {
  const chosen = candidates.filter(({ instance }) => instance._id === chosenId);
  return [...chosen, ...candidates.filter(({ instance }) => instance._id !== chosenId)];
}
