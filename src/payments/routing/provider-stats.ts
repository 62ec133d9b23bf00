import { DukaError } from "../../domain/errors.js";
import type { PaymentRepository, ProviderInstanceRepository } from "../../store/types.js";
import { type InstanceStats, instanceStatsOf } from "./instance-stats.js";

const DAY_MS = 86_400_000;

/** The most payments one request reads; beyond it the numbers cover the newest (`truncated`). */
const DEFAULT_MAX_PAYMENTS = 50_000;

/** An instance's statistics over a window, as the admin API answers them. */
export interface ProviderStatsView extends InstanceStats {
  readonly id: string;
  readonly tenantId: string;
  readonly plugin: string;
  readonly displayName: string;
  readonly weight: number | null;
  readonly days: number;
  readonly since: Date;
  readonly until: Date;
  /** True when the window held more payments than were read: the numbers cover the newest. */
  readonly truncated: boolean;
}

export interface ProviderStats {
  /** Over the last `days` days. Throws not_found for an unknown instance. */
  of(instanceId: string, days: number): Promise<ProviderStatsView>;
}

export function createProviderStats(deps: {
  readonly instances: ProviderInstanceRepository;
  readonly payments: PaymentRepository;
  /** Default: the system clock. */
  readonly now?: () => Date;
  /** Default 50,000. */
  readonly maxPayments?: number;
}): ProviderStats {
  const now = deps.now ?? (() => new Date());
  const maxPayments = deps.maxPayments ?? DEFAULT_MAX_PAYMENTS;
  return {
    async of(instanceId, days) {
      const instance = await deps.instances.findById(instanceId);
      if (!instance)
        throw new DukaError("not_found", `No provider instance "${instanceId}"; GET /providers lists them`);
      const until = now();
      const since = new Date(until.getTime() - days * DAY_MS);
      const payments = await deps.payments.listTriedByInstance(
        instance.tenantId,
        instance._id,
        since,
        maxPayments,
      );
      return {
        id: instance._id,
        tenantId: instance.tenantId,
        plugin: instance.plugin,
        displayName: instance.displayName,
        weight: instance.weight ?? null,
        days,
        since,
        until,
        truncated: payments.length >= maxPayments,
        ...instanceStatsOf(instance._id, payments),
      };
    },
  };
}
