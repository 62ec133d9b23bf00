import type { ResultEvent } from "../../domain/conversation.js";
import type { Order } from "../../domain/order.js";
import type { Proof } from "../../domain/proof.js";

/** How the manual method reaches people; implemented by the shop, so payments never import chat code. */
export interface ManualPaymentNotifier {
  /** A new receipt for the merchants to review. */
  proofSubmitted(order: Order, proof: Proof): Promise<void>;
  /** A receipt still waiting after the reminder delay. */
  proofReminder(order: Order, proof: Proof): Promise<void>;
  /** News for the shopper; `messageKey` names the event so it is sent once. */
  tellShopper(order: Order, result: ResultEvent, messageKey: string): Promise<void>;
}
