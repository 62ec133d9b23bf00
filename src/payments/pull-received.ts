/**
 * The reconcile path for webhooks that never came (Daraja C2B confirmations can be dropped): every
 * active instance whose client can list what it received (`pullReceived`) is asked, on a schedule,
 * for the window since its last successful pull, and each event goes into the inbox exactly as
 * the webhook would have put it. The inbox id comes from the event key, so a transaction the
 * webhook already delivered is a duplicate and settles once however many times it is pulled.
 */
import type { Logger } from "pino";
import type { ProviderInstance } from "../domain/provider-instance.js";
import type { Store } from "../store/types.js";
import type { SharedCache, WebhookEvent } from "./plugin.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";

const WATERMARK = "pull-watermark";
/** Each pull starts this far before the last one ended: a payment booked late is not missed. */
export const PULL_OVERLAP_MS = 5 * 60_000;
/** Older windows are past what a provider keeps (Daraja: 48 hours); the watermark expires with them. */
const WATERMARK_TTL_MS = 48 * 60 * 60 * 1000;

export function pullReceivedTask(deps: {
  store: Store;
  registry: ManagedProviderRegistry;
  recordEvent: (instance: ProviderInstance, event: WebhookEvent) => Promise<void>;
  /** Where each instance's watermark is kept, shared by every worker (Redis). */
  sharedOf: (instanceId: string) => SharedCache;
  everyMs: number;
  logger: Logger;
  now?: () => Date;
}): { readonly everyMs: number; run(): Promise<void> } {
  const { logger, now = () => new Date() } = deps;

  async function pull(instance: ProviderInstance): Promise<void> {
    const client = deps.registry.client(instance);
    if (!client.pullReceived) return;
    const shared = deps.sharedOf(instance._id);
    const until = now();
    const last = await shared.get(WATERMARK);
    // First pull: as far back as the provider keeps.
    const since = new Date(last === null ? 0 : Number(last) - PULL_OVERLAP_MS);
    const events = await client.pullReceived(since, until);
    for (const event of events) await deps.recordEvent(instance, event);
    // Moved only once every event is in the inbox: a failure pulls the same window again.
    await shared.set(WATERMARK, String(until.getTime()), WATERMARK_TTL_MS);
    logger.info({ instanceId: instance._id, pulled: events.length }, "provider transactions pulled");
  }

  return {
    everyMs: deps.everyMs,
    async run() {
      for (const instance of await deps.store.providers.list()) {
        if (!instance.active) continue;
        // One instance failing (Daraja down, not registered) must not stop the others.
        await pull(instance).catch((error: unknown) =>
          logger.warn({ err: error, instanceId: instance._id }, "pulling provider transactions failed"),
        );
      }
    },
  };
}
