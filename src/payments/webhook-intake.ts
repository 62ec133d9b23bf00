/**
 * The short webhook path (DESIGN §4): find the instance, let its plugin verify and normalize the
 * request, record the event in the inbox, queue its settlement, answer. Anything slow happens
 * in the settle job. A duplicate is answered like the first and queued nothing. Events a provider
 * reports later on request (`pullReceived`) go through the same `recordEvent`.
 */
import type { Logger } from "pino";
import { DukaError } from "../domain/errors.js";
import { deterministicId } from "../domain/ids.js";
import { crashPoint } from "../faults.js";
import type { Store } from "../store/types.js";
import {
  type PaymentLookup,
  type PaymentPlugin,
  type ProviderClient,
  ProviderError,
  type WebhookEvent,
  type WebhookRequest,
} from "./plugin.js";
import { MissingCredentialsError } from "./registry/credential-sets.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";
import type { ProviderInstance } from "./registry/types.js";

export function createWebhookIntake(deps: {
  store: Store;
  registry: ManagedProviderRegistry;
  /** Queues the settle job; when Redis is down the inbox row waits for the sweeper. */
  enqueueSettle: (inboxId: string) => Promise<void>;
  /** Our records for plugins that answer from them (`answerWebhook`), in an instance's tenant. */
  lookup: (tenantId: string) => PaymentLookup;
  logger: Logger;
}) {
  const { store, logger } = deps;

  /** The client of the set the instance does not use now, or nothing when it has no such set. */
  function otherModeClient(instance: ProviderInstance): ProviderClient | undefined {
    try {
      return deps.registry.client(instance, instance.testMode ? "live" : "test");
    } catch (error) {
      if (error instanceof MissingCredentialsError) return undefined;
      throw error;
    }
  }

  /**
   * Parses with the set the instance uses now; a request that set cannot authenticate is tried
   * with the other set, if any: a payment made before a switch of testMode still gets its events
   * (signed with that mode's secret), and is verified later with that mode's keys.
   */
  async function parse(instance: ProviderInstance, request: WebhookRequest) {
    try {
      return await deps.registry.client(instance).parseWebhook(request);
    } catch (error) {
      if (!(error instanceof ProviderError && error.code === "unauthorized")) throw error;
      const other = otherModeClient(instance);
      if (!other) throw error;
      try {
        return await other.parseWebhook(request);
      } catch {
        // Neither set authenticates it: answered as the current set's refusal.
        throw error;
      }
    }
  }

  /**
   * Records the event in the instance's inbox (its tenant) and queues its settlement; a duplicate
   * (the same provider event again) and an event no plugin acts on queue nothing.
   */
  async function recordEvent(instance: ProviderInstance, event: WebhookEvent): Promise<void> {
    const instanceId = instance._id;
    crashPoint("before-inbox-write");
    const { recorded, event: stored } = await store.inbox.record({
      _id: deterministicId("ibx", instance.plugin, event.eventKey),
      tenantId: instance.tenantId,
      provider: instance.plugin,
      instanceId,
      eventKey: event.eventKey,
      event: {
        outcome: event.outcome,
        ...(event.providerRef ? { providerRef: event.providerRef } : {}),
        ...(event.paymentId ? { paymentId: event.paymentId } : {}),
        ...(event.amount ? { amount: event.amount } : {}),
        ...(event.receipt ? { receipt: event.receipt } : {}),
        ...(event.reason ? { reason: event.reason } : {}),
        ...(event.providerCode ? { providerCode: event.providerCode } : {}),
        ...(event.retryWontHelp ? { retryWontHelp: true } : {}),
        ...(event.received ? { received: event.received } : {}),
      },
      // Events no plugin acts on (refund notices, disputes…) are kept for the record only.
      status: event.outcome === "not_handled" ? "ignored" : "received",
      ...(event.outcome === "not_handled" ? { note: "not an event Duka acts on" } : {}),
      receivedAt: new Date(),
    });
    if (stored.status === "ignored") return;
    if (!recorded) {
      logger.info({ instanceId, eventKey: event.eventKey }, "duplicate event: already in the inbox");
      return;
    }
    crashPoint("after-inbox-write-before-enqueue");
    await deps
      .enqueueSettle(stored._id)
      .catch((error: unknown) =>
        logger.warn({ err: error, inboxId: stored._id }, "settle job not queued; the sweeper will queue it"),
      );
  }

  return {
    recordEvent,
    /**
     * The plugin's webhook declaration says how to answer a request failing authentication: a
     * wrong path token is "no such webhook" (404); a bad signature is 401. Returns the plugin's own
     * answer when it gave one (`answerWebhook`); undefined: answer with its acknowledgement.
     */
    async receive(
      plugin: PaymentPlugin,
      instanceId: string,
      request: WebhookRequest,
    ): Promise<{ readonly body: unknown } | undefined> {
      const instance = await deps.registry.instance(instanceId);
      // The same answer for an unknown instance and a wrong token: nothing to learn by probing.
      if (instance?.plugin !== plugin.name || !plugin.webhook)
        throw new DukaError("not_found", "No such webhook");
      let event: Awaited<ReturnType<ReturnType<ManagedProviderRegistry["client"]>["parseWebhook"]>>;
      try {
        const answer = await deps.registry
          .client(instance)
          .answerWebhook?.(request, deps.lookup(instance.tenantId));
        if (answer) return answer;
        event = await parse(instance, request);
      } catch (error) {
        if (error instanceof ProviderError && error.code === "unauthorized") {
          logger.warn({ instanceId, plugin: plugin.name }, "webhook failing authentication refused");
          throw plugin.webhook.unauthenticated === "not_found"
            ? new DukaError("not_found", "No such webhook")
            : new DukaError("unauthorized", "The webhook could not be authenticated");
        }
        if (error instanceof ProviderError && error.code === "forbidden") {
          logger.warn(
            { instanceId, plugin: plugin.name, sourceIp: request.sourceIp },
            "webhook from an address off the allowlist refused",
          );
          throw new DukaError("forbidden", "This address may not send webhooks here");
        }
        if (error instanceof ProviderError && error.code === "malformed") {
          throw new DukaError("bad_request", "The webhook body is not what this provider sends");
        }
        throw error;
      }
      await recordEvent(instance, event);
      return undefined;
    },
  };
}

export type WebhookIntake = ReturnType<typeof createWebhookIntake>;
