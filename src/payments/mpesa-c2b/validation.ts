import { formatMoney } from "../../domain/money.js";
import type { PaymentLookup } from "../plugin.js";
import { amountOf, type C2bPayload } from "./callbacks.js";
import type { C2bConfig } from "./config.js";

/** The answers Daraja's validation expects (providers-2.md §3.3): "0" accepts, a C2B code refuses. */
export const ACCEPT = { ResultCode: "0", ResultDesc: "Accepted" } as const;
export const INVALID_ACCOUNT = "C2B00012";
export const INVALID_AMOUNT = "C2B00013";

const reject = (code: string) => ({ ResultCode: code, ResultDesc: "Rejected" });

/**
 * Accepts a payment before money moves only when it can be matched and is not too much: a Paybill
 * account number must name an order still waiting for at least this amount. A Till payment names no
 * order, so it is accepted and matched by amount and phone on confirmation.
 */
export async function validateC2b(
  config: C2bConfig,
  payload: C2bPayload,
  lookup: PaymentLookup,
): Promise<{ answer: Record<string, string>; why?: string }> {
  if (!config.validate || config.type === "till") return { answer: ACCEPT };
  const account = payload.BillRefNumber ?? "";
  const order = await lookup.dueFor(account);
  if (order.kind === "unknown") return { answer: reject(INVALID_ACCOUNT), why: "no such order" };
  if (order.kind === "closed") return { answer: reject(INVALID_ACCOUNT), why: "order not awaiting payment" };
  const amount = amountOf(payload);
  if (amount.amount > order.due.amount) {
    return { answer: reject(INVALID_AMOUNT), why: `more than the ${formatMoney(order.due)} due` };
  }
  return { answer: ACCEPT };
}
