import type { Logger } from "pino";
import type { Catalog } from "../catalog/types.js";
import type { InboundContent, InboundMessage, Reply } from "../domain/channel.js";
import type { ChatAddress, OrderStatus } from "../domain/order.js";
import { ORDER_TRANSITIONS } from "../domain/order.js";
import { parseOrderReference } from "../domain/reference.js";
import type { Deliveries } from "../payments/cash-on-delivery/index.js";
import type { ProofReview, ReviewOutcome } from "../payments/manual/review.js";
import type { ReceivedMoney } from "../payments/received-money.js";
import type { Refunds } from "../payments/refunds.js";
import type { Store } from "../store/types.js";
import { deliveryCancelOutcomeReply, paidOutcomeReply } from "./delivery-messages.js";
import type { Fulfilment } from "./fulfilment.js";
import {
  attachOutcomeReply,
  fulfilOutcomeReply,
  MERCHANT_HELP,
  orderList,
  orphanList,
  pendingList,
  REJECT_REASONS,
  refundOutcomeReply,
  rejectReasonPrompt,
  reviewOutcomeReply,
} from "./merchant-messages.js";

const MERCHANT_COMMANDS = new Set([
  "pending",
  "confirm",
  "reject",
  "orders",
  "refund",
  "fulfil",
  "fulfill",
  "orphans",
  "attach",
  "paid",
]);
const SHARED_COMMANDS = new Set(["orders", "cancel"]);
const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];
const OVERRIDE = /\s+override\s*$/i;

/** True for inputs only a merchant may give: the merchant commands and the review buttons. */
export function isMerchantInput(
  content: InboundContent,
  chat: ChatAddress,
  merchants: readonly ChatAddress[],
): boolean {
  if (content.kind === "choice") return content.data.startsWith("m:");
  if (content.kind !== "command") return false;
  // `/orders` and `/cancel` are also the shopper's own commands: the shop's only for a merchant.
  return SHARED_COMMANDS.has(content.command)
    ? isMerchant(chat, merchants)
    : MERCHANT_COMMANDS.has(content.command);
}

export function isMerchant(chat: ChatAddress, merchants: readonly ChatAddress[]): boolean {
  return merchants.some((merchant) => merchant.channel === chat.channel && merchant.chatId === chat.chatId);
}

/** The merchant's chat commands and review buttons. Authorization happens before this is called. */
export function createMerchantCommands(deps: {
  tenantId: string;
  store: Store;
  review: ProofReview;
  refunds: Refunds;
  /** Paybill/Till money that matched no order: `/orphans`, `/attach`. */
  receivedMoney: Pick<ReceivedMoney, "orphans" | "attach">;
  fulfilment: Fulfilment;
  deliveries: Deliveries;
  catalog: Catalog;
  logger: Logger;
}) {
  const { tenantId, review } = deps;
  const locale = deps.catalog.shop.locale;
  const actorOf = (message: InboundMessage) => `${message.from.channel}:${message.from.chatId}`;

  const withReference = async (raw: string, usage: string, run: (ref: string) => Promise<Reply>) => {
    const ref = parseOrderReference(raw);
    return ref ? run(ref) : { text: `Which order? Use ${usage}` };
  };

  const decided = (message: InboundMessage, ref: string, outcome: ReviewOutcome): Reply => {
    const alreadyDone = "alreadyDone" in outcome ? outcome.alreadyDone : undefined;
    deps.logger.info(
      { orderRef: ref, outcome: outcome.kind, alreadyDone, actor: actorOf(message) },
      "merchant verdict",
    );
    return reviewOutcomeReply(outcome);
  };

  /** `/confirm REF`, or `/confirm REF override` for a receipt flagged as reused. */
  const confirm = (message: InboundMessage, raw: string, override = false) => {
    const overridden = OVERRIDE.test(raw);
    return withReference(raw.replace(OVERRIDE, ""), "/confirm DK-7F3K2", async (ref) =>
      decided(
        message,
        ref,
        await review.confirm(tenantId, ref, actorOf(message), { override: override || overridden }),
      ),
    );
  };

  const reject = async (message: InboundMessage, ref: string, reason: string) =>
    decided(message, ref, await review.reject(tenantId, ref, reason, actorOf(message)));

  async function command(message: InboundMessage, name: string, args: string): Promise<Reply> {
    switch (name) {
      case "pending":
        return pendingList(await review.pending(tenantId, 20), locale);
      case "confirm":
        return confirm(message, args);
      case "reject": {
        const [first = "", ...rest] = args.trim().split(/\s+/);
        const reason = rest.join(" ").trim();
        return withReference(first, "/reject DK-7F3K2 reason", async (ref) =>
          reason ? reject(message, ref, reason.slice(0, 300)) : rejectReasonPrompt(ref),
        );
      }
      case "refund":
        return withReference(args, "/refund DK-7F3K2", async (ref) => {
          const outcome = await deps.refunds.refund(tenantId, ref, actorOf(message));
          deps.logger.info(
            { orderRef: ref, outcome: outcome.kind, actor: actorOf(message) },
            "merchant refund",
          );
          return refundOutcomeReply(outcome, locale);
        });
      case "orphans":
        return orphanList(await deps.receivedMoney.orphans(tenantId, 20), locale);
      case "attach": {
        const [transId = "", orderRef = "", ...extra] = args.trim().split(/\s+/);
        if (!transId || !orderRef || extra.length > 0)
          return { text: "Which payment and order? Use /attach UL3XDEMO7Q DK-7F3K2" };
        const outcome = await deps.receivedMoney.attach(tenantId, transId, orderRef, actorOf(message));
        deps.logger.info(
          { transId, orderRef, outcome: outcome.kind, actor: actorOf(message) },
          "merchant attach",
        );
        return attachOutcomeReply(outcome, locale);
      }
      case "fulfil":
      case "fulfill":
        return withReference(args, "/fulfil DK-7F3K2", async (ref) => {
          const outcome = await deps.fulfilment.fulfil(tenantId, ref, actorOf(message));
          deps.logger.info(
            { orderRef: ref, outcome: outcome.kind, actor: actorOf(message) },
            "merchant fulfil",
          );
          return fulfilOutcomeReply(outcome);
        });
      case "paid":
        return withReference(args, "/paid DK-7F3K2", async (ref) => {
          const outcome = await deps.deliveries.markPaid(tenantId, ref, actorOf(message));
          deps.logger.info(
            { orderRef: ref, outcome: outcome.kind, actor: actorOf(message) },
            "merchant marked cash on delivery paid",
          );
          return paidOutcomeReply(outcome);
        });
      case "cancel":
        return withReference(
          args,
          "/cancel DK-7F3K2 (a cash on delivery order not delivered)",
          async (ref) => {
            const outcome = await deps.deliveries.cancel(tenantId, ref, actorOf(message));
            deps.logger.info(
              { orderRef: ref, outcome: outcome.kind, actor: actorOf(message) },
              "merchant cancelled a cash on delivery order",
            );
            return deliveryCancelOutcomeReply(outcome);
          },
        );
      case "orders": {
        const wanted = args.trim().toLowerCase().replace(/\s+/g, "_");
        if (wanted && !ORDER_STATUSES.includes(wanted as OrderStatus)) {
          return { text: `Unknown status "${args.trim()}". Use one of: ${ORDER_STATUSES.join(", ")}.` };
        }
        const status = (wanted || undefined) as OrderStatus | undefined;
        return orderList(await deps.store.orders.listByStatus(tenantId, status, 15), status, locale);
      }
      default:
        return { text: MERCHANT_HELP };
    }
  }

  async function button(message: InboundMessage, data: string): Promise<Reply> {
    const [, verb, ref = "", reasonIndex] = data.split(":");
    const reason = REJECT_REASONS[Number(reasonIndex)];
    if (verb === "ok") return confirm(message, ref);
    if (verb === "ov") return confirm(message, ref, true);
    if (verb === "no")
      return withReference(ref, "/reject DK-7F3K2 reason", async (valid) => rejectReasonPrompt(valid));
    if (verb === "nr" && reason)
      return withReference(ref, "/reject DK-7F3K2 reason", (valid) => reject(message, valid, reason));
    return { text: `That button is not valid any more.\n\n${MERCHANT_HELP}` };
  }

  return {
    async handle(message: InboundMessage): Promise<Reply> {
      const { content } = message;
      if (content.kind === "choice") return button(message, content.data);
      if (content.kind === "command") return command(message, content.command, content.args);
      return { text: MERCHANT_HELP };
    },
  };
}

export type MerchantCommands = ReturnType<typeof createMerchantCommands>;
