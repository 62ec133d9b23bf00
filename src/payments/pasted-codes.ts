/**
 * A pasted M-Pesa SMS checked against the money the shop's Paybills and Tills received, so a
 * shopper who paid there settles without the merchant. Verify before value: the SMS only names a
 * code; money counts when M-Pesa confirmed it (a C2B confirmation, or M-Pesa's answer to a
 * Transaction Status query when the confirmation never came). That money settles the order as the
 * merchant's attach would; a code M-Pesa does not know, or whose money paid another order, goes on
 * to the merchant as a flagged receipt. Runs as a job, out of the shopper's turn: settling tells
 * the shopper through their conversation, which the turn is still writing.
 */
import type { Logger } from "pino";
import type { MpesaSms } from "../domain/mpesa-sms.js";
import { pastedCodeClaim, type ReceivedPayment, receivedPaymentOf } from "../domain/received-payment.js";
import { type CodeCheck, paidToBusiness } from "../domain/sms-proof.js";
import type { Store } from "../store/types.js";
import { NotConfirmedYetError } from "./inbox-processor.js";
import type { ReceivedMoney } from "./received-money.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";

export function createPastedCodes(deps: {
  store: Store;
  registry: Pick<ManagedProviderRegistry, "client">;
  receivedMoney: Pick<ReceivedMoney, "settlePasted">;
  /** Sends a held SMS proof on to the merchant, flagged with what M-Pesa said (proof intake). */
  handOver(tenantId: string, proofId: string, checked?: CodeCheck): Promise<void>;
  logger: Logger;
}) {
  const { store, logger } = deps;

  /** The tenant's active instances that can ask their provider about a code (Transaction Status). */
  async function askers(tenantId: string) {
    const instances = await store.providers.list({ tenantId });
    return instances
      .filter((instance) => instance.active)
      .map((instance) => ({ instance, client: deps.registry.client(instance) }))
      .filter(({ client }) => client.findReceived !== undefined);
  }

  /**
   * Asks each instance that can; money one reports is recorded as its confirmation would be, so a
   * confirmation arriving later is the same record and counts once.
   */
  async function ask(tenantId: string, code: string): Promise<ReceivedPayment | "pending" | null> {
    let pending = false;
    for (const { instance, client } of await askers(tenantId)) {
      const answer = await client.findReceived!(code);
      if (answer.outcome === "pending") pending = true;
      if (answer.outcome !== "found") continue;
      const { received } = await store.receivedPayments.record(
        receivedPaymentOf(
          { tenantId, provider: instance.plugin, instanceId: instance._id, receivedAt: new Date() },
          answer.received,
        ),
      );
      logger.info(
        { transId: received.transId, instanceId: instance._id },
        "money for a pasted code confirmed by the provider",
      );
      return received;
    }
    return pending ? "pending" : null;
  }

  return {
    /**
     * Whether M-Pesa can settle a pasted SMS: money with its code was received, or it tells of a
     * Paybill or Till payment and an instance can ask about it.
     */
    async wants(tenantId: string, sms: Pick<MpesaSms, "code" | "kind">): Promise<boolean> {
      if (await store.receivedPayments.findByTransId(tenantId, sms.code)) return true;
      return paidToBusiness(sms) && (await askers(tenantId)).length > 0;
    },

    /**
     * The job for one held proof; safe to run again. Throws NotConfirmedYetError while M-Pesa's
     * answer is on its way (the job retries); on the `last` attempt the merchant gets the receipt.
     */
    async check(job: { tenantId: string; proofId: string }, last: boolean): Promise<void> {
      const { tenantId, proofId } = job;
      const proof = await store.proofs.findById(tenantId, proofId);
      const code = proof?.transactionCode;
      if (proof?.status !== "pending" || !code) return;
      let received: ReceivedPayment | "pending" | null;
      try {
        received =
          (await store.receivedPayments.findByTransId(tenantId, code)) ?? (await ask(tenantId, code));
      } catch (error) {
        if (!last) throw error;
        logger.warn({ proofId, err: error }, "the provider could not be asked about a pasted code");
        received = "pending";
      }
      if (received === "pending") {
        if (!last) throw new NotConfirmedYetError(`M-Pesa has not answered about code ${code} yet`);
        await deps.handOver(tenantId, proofId);
        return;
      }
      if (!received) {
        await deps.handOver(tenantId, proofId, { kind: "not_received" });
        return;
      }
      const after = await deps.receivedMoney.settlePasted(
        received,
        proof.orderRef,
        proof._id,
        `provider:${received.provider}`,
      );
      const claim = pastedCodeClaim(after, proof.orderRef);
      if (claim === "this_order") {
        await store.proofs.review(tenantId, proofId, "confirmed", {
          reviewedBy: `provider:${after.provider}`,
          reviewedAt: new Date(),
        });
        logger.info({ transId: after.transId, orderRef: proof.orderRef }, "pasted code settled by M-Pesa");
      } else if (claim === "other_order" && after.orderRef) {
        await deps.handOver(tenantId, proofId, { kind: "paid_other_order", orderRef: after.orderRef });
      } else {
        await deps.handOver(tenantId, proofId);
      }
    },
  };
}

export type PastedCodes = ReturnType<typeof createPastedCodes>;
