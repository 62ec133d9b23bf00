/**
 * Rail fallback: when trying the same way again will not help (a phone that cannot show an M-Pesa
 * prompt, a second timeout), the failure message offers the next way to pay the same order, one tap
 * away. Kenyan shoppers' order of preference: a Paybill or Till from the M-Pesa menu (works on any
 * phone, the order's reference is the account), then a provider's M-Pesa page (it sends the prompt
 * itself), then a transfer proven by its receipt or the pasted M-Pesa SMS.
 */
import type { PaymentMethod } from "../domain/payment.js";
import { bold, choice } from "./prompts.js";
import type { Choice, PaymentOption } from "./types.js";

export interface NextWay {
  readonly method: PaymentMethod;
  /** Says why this way works where the last did not. */
  readonly text: string;
  readonly button: Choice;
}

const NEXT_WAYS: readonly PaymentMethod[] = ["paybill", "mobile_money", "manual"];

/** The first way in NEXT_WAYS the shop offers that is not the one that failed; none: undefined. */
export function nextWayToPay(
  options: readonly PaymentOption[],
  failed: PaymentMethod,
  orderRef: string,
): NextWay | undefined {
  for (const method of NEXT_WAYS) {
    const option = options.find((candidate) => candidate.method === method);
    if (!option) continue;
    if (method !== failed) return wayOf(option, orderRef);
    // The same method again only through another provider's page.
    if (option.page) return pageOf(method, option.page.label);
  }
  return undefined;
}

function wayOf({ method, label }: PaymentOption, orderRef: string): NextWay {
  switch (method) {
    case "paybill":
      return {
        method,
        // The bold reference before the literal "*334#": renderers pair a line's first two asterisks.
        text: `You can pay from any phone instead: ${label} with ${bold(orderRef)} as the account, through the M-Pesa menu or *334#. Tap below for the number.`,
        button: choice(`📱 Pay by ${label} instead`, { kind: "pay", method }),
      };
    case "mobile_money":
      return {
        method,
        text: `You can pay with ${label} instead.`,
        button: choice(`📲 Pay with ${label} instead`, { kind: "pay", method }),
      };
    default:
      return {
        method,
        text: "You can pay by transfer instead, then send the receipt or paste the M-Pesa confirmation SMS here.",
        button: choice("🏦 Pay by transfer instead", { kind: "pay", method }),
      };
  }
}

function pageOf(method: PaymentMethod, label: string): NextWay {
  return {
    method,
    text: `You can pay with ${label} instead: its page sends the M-Pesa request and works when ours does not reach your phone.`,
    button: choice(`📲 Pay with ${label} instead`, { kind: "pay", method, linkOnly: true }),
  };
}
