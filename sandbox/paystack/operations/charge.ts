import { decideCharge, parseCard } from "../cards.js";
import type { EmulatorContext } from "../context.js";
import { PaystackEmulatorError } from "../errors.js";
import { cardSignature, newAuthorizationCode } from "../ids.js";
import type { TransactionState } from "../state/records.js";
import type { CardDetails } from "../types.js";

/** Why a transaction cannot take a card payment now, or undefined when it can. */
export function cannotPay(transaction: TransactionState): PaystackEmulatorError | undefined {
  if (transaction.status === "success" || transaction.status === "reversed") {
    return new PaystackEmulatorError(
      "already_paid",
      `Transaction ${transaction.reference} has already been paid (status: ${transaction.status})`,
    );
  }
  if (transaction.channels !== undefined && !transaction.channels.includes("card")) {
    return new PaystackEmulatorError(
      "invalid_use",
      `Card payments are not enabled for this transaction (channels: ${transaction.channels.join(", ")})`,
    );
  }
  return undefined;
}

/**
 * One checkout attempt, shared by the hosted form and `emulator.pay()`. Malformed or expired card
 * details are refused before the processor (`invalid_card_details`, nothing changes). Otherwise the
 * attempt is logged; a success settles the transaction and sends `charge.success`; a failure marks it
 * "failed" with the reason and sends nothing (Paystack only sends webhooks for successful charges).
 * A failed transaction can be paid again on the same checkout, as on Paystack's page.
 */
export function payTransaction(
  ctx: EmulatorContext,
  transaction: TransactionState,
  input: string | CardDetails,
  ipAddress: string | null,
): void {
  const refusal = cannotPay(transaction);
  if (refusal !== undefined) throw refusal;
  const now = ctx.now();
  const card = parseCard(input, new Date(now));
  const decision = decideCharge(card);
  transaction.attempts++;
  transaction.ipAddress = ipAddress;
  transaction.history.push({ type: "action", message: "Attempted to pay with card", at: now });
  if (decision.ok) {
    transaction.status = "success";
    transaction.paidAt = now;
    transaction.gatewayResponse = "Successful";
    transaction.message = null;
    transaction.fees = Math.round(transaction.amount * ctx.options.feeRate);
    transaction.authorization = {
      authorizationCode: newAuthorizationCode(),
      bin: card.number.slice(0, 6),
      last4: card.number.slice(-4),
      expMonth: String(card.expMonth).padStart(2, "0"),
      expYear: String(card.expYear),
      brand: card.number.startsWith("5") ? "mastercard" : "visa",
      bank: "TEST BANK",
      signature: cardSignature(card.number),
      behaviour: card.behaviour,
    };
    transaction.history.push({ type: "success", message: "Successfully paid with card", at: now });
    ctx.transactionChanged(transaction);
    ctx.emitEvent(transaction.account, ctx.chargeSuccessEvent(transaction));
    return;
  }
  transaction.status = "failed";
  transaction.errors++;
  transaction.gatewayResponse = decision.gatewayResponse;
  transaction.message = decision.message;
  transaction.history.push({ type: "error", message: `Error: ${decision.message}`, at: now });
  ctx.transactionChanged(transaction);
}
