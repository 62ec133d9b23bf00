import type { Catalog } from "../catalog/types.js";
import type { Reply } from "../domain/channel.js";
import type { ChatAddress } from "../domain/order.js";
import type { ManualPaymentNotifier } from "../payments/manual/notifications.js";
import type { ReceivedMoneyNotifier } from "../payments/received-money.js";
import type { ProviderInstance } from "../payments/registry/types.js";
import type { SettlementNotifier } from "../payments/settlement.js";
import { type Outbox, outboxId } from "../queue/outbox.js";
import type { OutboxLane, OutboxMessage } from "../store/types.js";
import type { ConversationRunner } from "./conversation-runner.js";
import { deliveryCancelledNotice, deliveryOrderNotice } from "./delivery-messages.js";
import {
  orphanNotice,
  paymentFlaggedNotice,
  paymentSettledLine,
  paymentSettledNotice,
  proofNotification,
  proofReminder,
  providerHealthAlert,
  settledDigestGroup,
} from "./merchant-messages.js";
import type { DeliveryNotifier } from "./orders.js";

export interface MerchantNotifier
  extends ManualPaymentNotifier,
    SettlementNotifier,
    ReceivedMoneyNotifier,
    DeliveryNotifier {
  /** An instance turned unhealthy or recovered; sent once per change. */
  providerHealthChanged(instance: ProviderInstance): Promise<void>;
}

/** Sends merchant alerts (one outbox message per merchant chat) and shopper news (through the dialogue). */
export function createMerchantNotifier(deps: {
  tenantId: string;
  merchants: readonly ChatAddress[];
  outbox: Outbox;
  conversations: ConversationRunner;
  catalog: Catalog;
  /** A payment plugin's name for shoppers and merchants ("M-Pesa"), by plugin id. */
  providerLabel: (plugin: string) => string | undefined;
}): MerchantNotifier {
  const locale = deps.catalog.shop.locale;
  const toMerchants = async (
    key: readonly string[],
    reply: Reply,
    lane: OutboxLane,
    digest?: OutboxMessage["digest"],
  ) => {
    for (const merchant of deps.merchants) {
      await deps.outbox.send({
        id: outboxId(...key, merchant.channel, merchant.chatId),
        tenantId: deps.tenantId,
        to: merchant,
        replies: [reply],
        lane,
        ...(digest ? { digest } : {}),
      });
    }
  };
  return {
    proofSubmitted: (order, proof) =>
      toMerchants(["proof", proof._id], proofNotification(order, proof, locale), "urgent"),
    proofReminder: (order, proof) =>
      toMerchants(["remind", proof._id], proofReminder(order, proof, locale), "background"),
    tellShopper: (order, result, messageKey) =>
      deps.conversations.deliver(order.customer, result, messageKey),
    paymentSettled: (order, payment) =>
      toMerchants(
        ["settled", payment._id],
        paymentSettledNotice(order, payment, locale, deps.providerLabel(payment.provider)),
        "urgent",
        {
          group: settledDigestGroup(payment),
          line: paymentSettledLine(order, payment, locale, deps.providerLabel(payment.provider)),
        },
      ),
    paymentFlagged: (order, payment) =>
      toMerchants(
        ["flagged", payment._id, payment.flag?.reason ?? ""],
        paymentFlaggedNotice(order, payment, locale, deps.providerLabel(payment.provider)),
        "urgent",
      ),
    orphanReceived: (received) =>
      toMerchants(
        ["orphan", received._id],
        orphanNotice(received, locale, deps.providerLabel(received.provider)),
        "urgent",
      ),
    deliveryOrderPlaced: (order) =>
      toMerchants(["delivery", order._id], deliveryOrderNotice(order, locale), "urgent"),
    deliveryOrderCancelled: (order) =>
      toMerchants(["delivery-cancelled", order._id], deliveryCancelledNotice(order), "urgent"),
    providerHealthChanged: (instance) =>
      toMerchants(
        ["health", instance._id, instance.health.status, String(instance.health.checkedAt?.getTime())],
        providerHealthAlert(instance),
        "reply",
      ),
  };
}
