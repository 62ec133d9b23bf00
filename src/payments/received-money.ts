/**
 * Money payers sent unasked (M-Pesa C2B: a Paybill or Till paid from the SIM menu). The settle job
 * records each transaction once, matches it to an order by the account number (Paybill) or by
 * amount and phone (Till), and settles the order through the same settlement as any payment when
 * what arrived covers it. What matches nothing stays an orphan until the merchant attaches it:
 * money is never lost or silently ignored.
 */
import type { Logger } from "pino";
import type { InboxEvent } from "../domain/inbox.js";
import { formatMoney } from "../domain/money.js";
import type { Order } from "../domain/order.js";
import type { Payment } from "../domain/payment.js";
import {
  accountReference,
  coverage,
  pastedCodeClaim,
  type ReceivedPayment,
  receivedPaymentOf,
  TILL_MATCH_WINDOW_MS,
  tillMatch,
} from "../domain/received-payment.js";
import { parseOrderReference } from "../domain/reference.js";
import type { Store } from "../store/types.js";
import { PaymentMethodUnavailableError, type PaymentService } from "./payment-service.js";
import type { PaymentLookup } from "./plugin.js";
import type { ManagedProviderRegistry } from "./registry/registry.js";
import type { Settlement, SettlementNotifier } from "./settlement.js";

/** Tells the merchant about money that matched no order. */
export interface ReceivedMoneyNotifier extends Pick<SettlementNotifier, "tellShopper"> {
  orphanReceived(received: ReceivedPayment): Promise<void>;
}

/** The merchant's attach, as the chat command and the admin API report it. */
export type AttachOutcome =
  | { readonly kind: "attached"; readonly received: ReceivedPayment; readonly order: Order }
  | { readonly kind: "no_transaction"; readonly transId: string }
  | { readonly kind: "already_matched"; readonly received: ReceivedPayment }
  | { readonly kind: "no_order"; readonly orderRef: string }
  | { readonly kind: "not_payable"; readonly order: Order; readonly why: string };

/** Open payments an instance took at most this many of, looked through for a Till match. */
const TILL_CANDIDATES = 200;

export function createReceivedMoney(deps: {
  store: Store;
  /**
   * Opens a Paybill attempt for an order being paid another way when its money reached the shop's
   * Paybill (an attach, a pasted code); unset: only an order's own attempt there takes money.
   */
  payments?: Pick<PaymentService, "start">;
  /** To ask the instance's provider before giving value (`confirmReceived`). */
  registry: Pick<ManagedProviderRegistry, "instance" | "client">;
  settlement: Settlement;
  notifier: ReceivedMoneyNotifier;
  logger: Logger;
}) {
  const { store, settlement, notifier, logger } = deps;

  /** The payment a confirmation is for, by its account number or, without one, amount and phone. */
  async function matchOf(
    received: ReceivedPayment,
  ): Promise<{ payment: Payment; by: "account" | "phone" } | null> {
    if (received.account?.trim()) {
      // A Paybill payment names its order: a wrong account is an orphan, never a guess by amount.
      const ref = accountReference(received.account);
      const order = ref ? await store.orders.findByRef(received.tenantId, ref) : null;
      const attempts = order ? await store.payments.listByOrder(received.tenantId, order._id) : [];
      // The same money already settled under this receipt (an STK payment to the shortcode may be
      // confirmed to the C2B URL too), else the order's attempt at this Paybill, even one closed
      // because another way paid first: that money is then flagged as paid twice, never an orphan.
      const payment =
        attempts.find((attempt) => attempt.receipt === received.transId) ??
        attempts.find((attempt) => attempt.instanceId === received.instanceId);
      return payment ? { payment, by: "account" } : null;
    }
    const since = new Date(received.paidAt.getTime() - TILL_MATCH_WINDOW_MS);
    const open = await store.payments.listTriedByInstance(
      received.tenantId,
      received.instanceId,
      since,
      TILL_CANDIDATES,
    );
    const payment = tillMatch(
      received,
      open.filter((candidate) => candidate.instanceId === received.instanceId),
    );
    return payment ? { payment, by: "phone" } : null;
  }

  /**
   * Settles `payment` when what was received for it covers the total: exact settles; more settles
   * and flags the difference for the merchant; less tells the shopper what is still missing.
   */
  async function settleWhatArrived(payment: Payment, actor: string): Promise<void> {
    const received = await store.receivedPayments.listByPayment(payment.tenantId, payment._id);
    const covered = coverage(
      payment.amount,
      received.map((item) => item.amount),
    );
    if (covered.kind === "short") {
      const order = await store.orders.findById(payment.tenantId, payment.orderId);
      if (order?.status !== "awaiting_payment") {
        await settlement.flagPartForClosedOrder(
          payment,
          `received ${formatMoney(covered.paid)} of ${formatMoney(payment.amount)}`,
        );
        return;
      }
      await notifier.tellShopper(
        order,
        {
          kind: "payment_partial",
          orderRef: order.ref,
          method: payment.method,
          paid: covered.paid,
          missing: covered.missing,
        },
        `partial:${payment._id}:${covered.paid.amount}`,
      );
      return;
    }
    // The amount is the order's: what was paid too much is flagged below, not a mismatch.
    await settlement.succeed(payment, {
      amount: payment.amount,
      receipt: received.map((item) => item.transId).join(" + "),
      actor,
    });
    if (covered.kind === "over") {
      await settlement.flagOverpaid(
        payment,
        `received ${formatMoney(covered.paid)} for ${formatMoney(payment.amount)}: ${formatMoney(covered.extra)} too much`,
      );
    }
  }

  /**
   * The payment of `order` that money reaching `instanceId` settles: its current one when it is at
   * that Paybill or Till, else a Paybill attempt opened there (named by `attemptKey`, so a retry
   * finds it). Null when the order no longer waits, or no attempt can be opened at that instance.
   */
  async function payableAt(order: Order, instanceId: string, attemptKey: string): Promise<Payment | null> {
    if (order.status !== "awaiting_payment") return null;
    const current = order.paymentId ? await store.payments.findById(order.tenantId, order.paymentId) : null;
    if (current?.instanceId === instanceId) return current;
    if (!deps.payments) return null;
    try {
      const { payment } = await deps.payments.start(order, "paybill", { attemptKey, payer: {} });
      // With several Paybills the router may pick another one: that one did not receive this money.
      return payment.instanceId === instanceId ? payment : null;
    } catch (error) {
      if (error instanceof PaymentMethodUnavailableError) return null;
      throw error;
    }
  }

  async function paymentOf(received: ReceivedPayment): Promise<Payment | null> {
    return received.paymentId ? store.payments.findById(received.tenantId, received.paymentId) : null;
  }

  return {
    /**
     * The settle job for an inbox row carrying `received`; safe to run again after a crash.
     * `not_confirmed`: the provider was asked and has not answered yet (retry later).
     */
    async settle(
      row: InboxEvent & { event: { received: NonNullable<InboxEvent["event"]["received"]> } },
    ): Promise<"done" | "not_confirmed"> {
      const { received: money } = row.event;
      const instance = await deps.registry.instance(row.instanceId);
      const client = instance ? deps.registry.client(instance) : undefined;
      const checked = await client?.confirmReceived?.({ ...money, paidAt: new Date(money.paidAt) });
      if (checked?.outcome === "pending") return "not_confirmed";
      if (checked?.outcome === "refuted") {
        // A confirmation on our secret path that the provider denies: the path token may have leaked.
        logger.error(
          { transId: money.transId, instanceId: row.instanceId, reason: checked.reason },
          "confirmation refuted by the provider; not recorded as money",
        );
        await store.inbox.finish(row._id, "ignored", `refuted: ${checked.reason ?? "not confirmed"}`);
        return "done";
      }
      const { received } = await store.receivedPayments.record(
        receivedPaymentOf(row, { ...money, paidAt: new Date(money.paidAt) }),
      );
      let current = received;
      if (current.status === "orphan") {
        const match = await matchOf(current);
        if (!match) {
          logger.warn(
            { transId: current.transId, instanceId: row.instanceId },
            "money received for no order: orphan",
          );
          await notifier.orphanReceived(current);
          await store.inbox.finish(row._id, "processed", "orphan: the merchant attaches it");
          return "done";
        }
        current =
          (await store.receivedPayments.match(current.tenantId, current._id, {
            paymentId: match.payment._id,
            orderRef: match.payment.orderRef,
            matchedBy: match.by,
            matchedAt: new Date(),
          })) ?? ((await store.receivedPayments.findById(current.tenantId, current._id)) as ReceivedPayment);
      }
      const payment = await paymentOf(current);
      if (payment) await settleWhatArrived(payment, `provider:${row.provider}`);
      await store.inbox.finish(row._id, "processed");
      return "done";
    },

    /** The merchant says which order an orphan pays; it then settles like a matched payment. */
    async attach(
      tenantId: string,
      transId: string,
      orderRefText: string,
      actor: string,
    ): Promise<AttachOutcome> {
      const received = await store.receivedPayments.findByTransId(tenantId, transId.trim().toUpperCase());
      if (!received) return { kind: "no_transaction", transId };
      if (received.status !== "orphan") return { kind: "already_matched", received };
      const orderRef = parseOrderReference(orderRefText) ?? orderRefText.trim();
      const order = await store.orders.findByRef(tenantId, orderRef);
      if (!order) return { kind: "no_order", orderRef };
      // The money settles the order's payment at the shortcode it arrived at, opened there if need be.
      const payment = await payableAt(order, received.instanceId, `attach:${received._id}`);
      if (!payment) {
        const why =
          order.status === "awaiting_payment"
            ? "it cannot take a payment to this Paybill or Till"
            : `it is ${order.status.replace("_", " ")}`;
        return { kind: "not_payable", order, why };
      }
      const matched = await store.receivedPayments.match(tenantId, received._id, {
        paymentId: payment._id,
        orderRef: order.ref,
        matchedBy: "merchant",
        matchedAt: new Date(),
        attachedBy: actor,
      });
      if (!matched) {
        const now = await store.receivedPayments.findById(tenantId, received._id);
        return { kind: "already_matched", received: now ?? received };
      }
      logger.info({ transId: matched.transId, orderRef: order.ref, actor }, "orphan attached to an order");
      await settleWhatArrived(payment, actor);
      return {
        kind: "attached",
        received: matched,
        order: (await store.orders.findById(tenantId, order._id)) ?? order,
      };
    },

    /**
     * Money whose code a shopper pasted for order `orderRef` (in a message named `attemptKey`): an
     * orphan is matched to that order's payment at its instance, then the payment the money is
     * matched to settles like any. Returns the record as it stands: still an orphan (no payment
     * could take it) or matched to another order, it settled nothing.
     */
    async settlePasted(
      received: ReceivedPayment,
      orderRef: string,
      attemptKey: string,
      actor: string,
    ): Promise<ReceivedPayment> {
      let current = received;
      if (current.status === "orphan") {
        const order = await store.orders.findByRef(current.tenantId, orderRef);
        const payment = order ? await payableAt(order, current.instanceId, attemptKey) : null;
        if (!payment) return current;
        current =
          (await store.receivedPayments.match(current.tenantId, current._id, {
            paymentId: payment._id,
            orderRef: payment.orderRef,
            matchedBy: "code",
            matchedAt: new Date(),
          })) ?? ((await store.receivedPayments.findById(current.tenantId, current._id)) as ReceivedPayment);
      }
      if (pastedCodeClaim(current, orderRef) !== "this_order") return current;
      const payment = await paymentOf(current);
      if (payment) await settleWhatArrived(payment, actor);
      return current;
    },

    orphans: (tenantId: string, limit: number) => store.receivedPayments.listOrphans(tenantId, limit),

    /** What an account number still owes, for a plugin validating a payment before it happens. */
    lookup(tenantId: string): PaymentLookup {
      return {
        async dueFor(account) {
          const ref = accountReference(account);
          const order = ref ? await store.orders.findByRef(tenantId, ref) : null;
          if (!order) return { kind: "unknown" };
          if (order.status !== "awaiting_payment" || !order.paymentId) return { kind: "closed" };
          const received = await store.receivedPayments.listByPayment(tenantId, order.paymentId);
          const covered = coverage(
            order.total,
            received.map((item) => item.amount),
          );
          return covered.kind === "short" ? { kind: "due", due: covered.missing } : { kind: "closed" };
        },
      };
    },
  };
}

export type ReceivedMoney = ReturnType<typeof createReceivedMoney>;
