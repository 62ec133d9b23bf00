import type { Logger } from "pino";
import type { HealthResult, ProviderClient } from "../plugin.js";
import { scrubSecrets } from "./instance-config.js";
import type { HealthStatus, InstanceHealth, ProviderInstance, ProviderInstanceRepository } from "./types.js";

const CHECK_TIMEOUT_MS = 10_000;

/**
 * Runs a health check with a deadline: a throw or a timeout is an unhealthy result, and the
 * message never carries one of `secrets` (a provider may echo a key back in an error).
 */
async function runHealthCheck(
  check: () => Promise<HealthResult>,
  secrets: readonly string[],
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<HealthResult> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<HealthResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: `No answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    const result = await Promise.race([
      check().catch(
        (error: unknown): HealthResult => ({
          ok: false,
          message: error instanceof Error ? error.message : "The health check failed",
        }),
      ),
      deadline,
    ]);
    return {
      ...result,
      latencyMs: result.latencyMs ?? Date.now() - started,
      ...(result.message === undefined ? {} : { message: scrubSecrets(result.message, secrets) }),
    };
  } finally {
    clearTimeout(timer);
  }
}

export function toInstanceHealth(result: HealthResult, checkedAt: Date): InstanceHealth {
  return {
    status: result.ok ? "healthy" : "unhealthy",
    checkedAt,
    ...(result.message ? { message: result.message } : {}),
    ...(result.latencyMs !== undefined ? { latencyMs: result.latencyMs } : {}),
  };
}

/** Worth telling a merchant: an instance stopped working, or works again. */
export function isAlertworthy(before: HealthStatus, after: HealthStatus): boolean {
  return (before !== "unhealthy" && after === "unhealthy") || (before === "unhealthy" && after === "healthy");
}

export interface HealthMonitor {
  /** Checks one instance now, stores the result, alerts on a change of status; the stored instance. */
  checkAndRecord(instance: ProviderInstance): Promise<ProviderInstance>;
  /** Checks a client that is not stored ("test connection"), under the same deadline and scrubbing. */
  probe(build: () => ProviderClient, secrets: readonly string[]): Promise<HealthResult>;
  /** The periodic check of every active instance, as the maintenance scheduler runs it. */
  task(everyMs: number): { readonly everyMs: number; run(): Promise<void> };
}

/**
 * Health checks and their consequences in one place, for the schedule and for "check now".
 * The store's compare-and-set on the previous status means one process sees each change of
 * status, so merchants are alerted once when an instance turns unhealthy and once when it recovers.
 */
export function createHealthMonitor(options: {
  instances: ProviderInstanceRepository;
  clientOf: (instance: ProviderInstance) => ProviderClient;
  /** An instance's secrets in clear text, to keep them out of stored messages. */
  secretsOf: (instance: ProviderInstance) => string[];
  onChange: (instance: ProviderInstance, before: HealthStatus) => Promise<void>;
  logger: Logger;
  timeoutMs?: number;
}): HealthMonitor {
  const probe = (build: () => ProviderClient, secrets: readonly string[]) =>
    runHealthCheck(async () => build().healthCheck(), secrets, options.timeoutMs);

  async function checkAndRecord(instance: ProviderInstance): Promise<ProviderInstance> {
    const result = await runHealthCheck(
      async () => options.clientOf(instance).healthCheck(),
      options.secretsOf(instance),
      options.timeoutMs,
    );
    const health = toInstanceHealth(result, new Date());
    const before = instance.health.status;
    const stored = await options.instances.setHealth(instance._id, health, before);
    if (!stored) return (await options.instances.findById(instance._id)) ?? instance;
    if (isAlertworthy(before, health.status)) {
      options.logger.warn(
        { instanceId: instance._id, status: health.status, message: health.message },
        "provider health changed",
      );
      await options.onChange(stored, before);
    }
    return stored;
  }
  return {
    checkAndRecord,
    probe,
    task: (everyMs) => ({
      everyMs,
      async run() {
        for (const instance of await options.instances.list()) {
          if (instance.active) await checkAndRecord(instance);
        }
      },
    }),
  };
}
