import type { Logger } from "pino";
import { DukaError, isPermanent, UnreadableDataError } from "../domain/errors.js";
import { type InboxEvent, isReadableInboxEvent } from "../domain/inbox.js";
import { equals } from "../domain/money.js";
import { credentialModeOf } from "../domain/payment.js";
import type { Store } from "../store/types.js";
import type { ReceivedMoney } from "./received-money.js";
import { type ManagedProviderRegistry, PluginNotRegisteredError } from "./registry/registry.js";
import type { Settlement } from "./settlement.js";

/** The provider has not confirmed yet: the settle job retries later with backoff. */
export class NotConfirmedYetError extends DukaError<"not_confirmed"> {
  override readonly name = "NotConfirmedYetError";
  constructor(message: string) {
    super("not_confirmed", message);
  }
}

/**
 * The settle job: turns a recorded webhook event into a settlement. A success is never given on
 * the payload alone: the provider is asked first (STK Query, Paystack verify).
 */
export function createInboxProcessor(deps: {
  store: Store;
  registry: ManagedProviderRegistry;
  settlement: Settlement;
  /** Money payers sent unasked (Paybill, Till): matched to orders there, not by a payment's reference. */
  receivedMoney: Pick<ReceivedMoney, "settle">;
  logger: Logger;
}) {
  const { store, settlement, logger } = deps;
  async function settle(row: InboxEvent): Promise<void> {
    if (!isReadableInboxEvent(row)) {
      throw new UnreadableDataError(
        `The inbox row ${row._id} is not a webhook event Duka can read; repair or remove it`,
      );
    }
    if (!deps.registry.plugin(row.provider)) throw new PluginNotRegisteredError(row.provider);
    const inboxId = row._id;
    const { event } = row;
    if (event.received) {
      const settled = await deps.receivedMoney.settle({
        ...row,
        event: { ...event, received: event.received },
      });
      if (settled === "not_confirmed")
        throw new NotConfirmedYetError(`${row.provider} has not confirmed ${event.received.transId} yet`);
      return;
    }
    const payment = event.providerRef
      ? await store.payments.findByProviderRef(row.instanceId, event.providerRef)
      : null;
    if (!payment) {
      logger.warn({ inboxId, provider: row.provider }, "webhook for a payment we never started; ignored");
      await store.inbox.finish(inboxId, "ignored", "no payment with this reference");
      return;
    }
    if (event.outcome === "succeeded") {
      const instance = await deps.registry.instance(row.instanceId);
      if (!instance) {
        await settlement.dispute(payment, "paid by a provider instance that no longer exists");
        await store.inbox.finish(inboxId, "ignored", "instance gone");
        return;
      }
      const verified = await deps.registry.client(instance, credentialModeOf(payment)).verify(payment);
      if (verified.outcome === "pending")
        throw new NotConfirmedYetError(`${row.provider} has not confirmed ${payment._id} yet`);
      if (verified.outcome !== "succeeded") {
        await settlement.dispute(payment, `the webhook said paid, ${row.provider} says ${verified.outcome}`);
        await store.inbox.finish(inboxId, "ignored", `not confirmed: ${verified.outcome}`);
        return;
      }
      // Both the webhook and the provider's record must show the payment's amount: whichever
      // differs is passed on, so settlement flags it for the merchant instead of settling.
      const claimed = [event.amount, verified.amount].filter((amount) => amount !== undefined);
      const amount = claimed.find((candidate) => !equals(candidate, payment.amount)) ?? claimed[0];
      const receipt = verified.receipt ?? event.receipt;
      await settlement.succeed(payment, {
        ...(amount ? { amount } : {}),
        ...(receipt ? { receipt } : {}),
        actor: `provider:${row.provider}`,
      });
    } else if (event.outcome === "failed" || event.outcome === "cancelled") {
      await settlement.fail(payment, {
        cancelled: event.outcome === "cancelled",
        reason: event.reason ?? "The payment did not go through.",
        ...(event.providerCode ? { code: event.providerCode } : {}),
        ...(event.retryWontHelp ? { retryWontHelp: true } : {}),
      });
    } else {
      await store.inbox.finish(inboxId, "ignored", `outcome ${event.outcome}`);
      return;
    }
    await store.inbox.finish(inboxId, "processed");
  }

  return async (inboxId: string): Promise<void> => {
    const row = await store.inbox.findById(inboxId);
    if (row?.status !== "received") return;
    try {
      await settle(row);
    } catch (error) {
      // Marked so the sweeper stops queueing it; the job fails at once for an operator to see.
      if (isPermanent(error)) {
        logger.error(
          { inboxId, provider: row.provider, instanceId: row.instanceId, err: error },
          "webhook event can never be settled as it stands; marked failed",
        );
        await store.inbox.finish(inboxId, "failed", error.message);
      }
      throw error;
    }
  };
}
