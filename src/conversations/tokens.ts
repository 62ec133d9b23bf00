/**
 * Choice data: the tokens a button (or a numbered line) carries back to the machine.
 *
 *   p:<SKU>        pick a product            q:<SKU>:<n>   add n of a product
 *   inc:<SKU>      one more in the cart      dec:<SKU>     one fewer (at 1: remove the line)
 *   pay:<method>   pay with a method         receipt:<ref> send a receipt for an open order
 *   paylink:<method>  pay with a method through a provider's page, not a prompt to the phone
 *   phone:use      pay with the detail already known (the number to charge)
 *   retry          pay the step's order again the same way (the step names the method)
 *   other          pay the step's order another way
 *   shop  cart  checkout  clear  cancel
 *
 * `retry:card` is read as `retry`: buttons sent (and menus stored) before the step named its
 * method still carry it.
 *
 * Every token is at most 64 UTF-8 bytes (Telegram's callback_data limit); SKUs that could break
 * that (or the `:` separator) are never offered as buttons, see `isButtonSafeSku`.
 */
import type { PaymentMethod } from "../domain/payment.js";
import { parseOrderReference } from "../domain/reference.js";

export const CHOICE_DATA_MAX_BYTES = 64;

/** Largest quantity of one product in one cart line (and in one typed answer). */
export const MAX_QUANTITY = 99;

const SKU_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** The catalog's SKU rule; products breaking it cannot be put in a button, so are not sold here. */
export function isButtonSafeSku(sku: unknown): sku is string {
  return typeof sku === "string" && SKU_PATTERN.test(sku);
}

export const PAYMENT_METHODS: readonly PaymentMethod[] = [
  "manual",
  "mobile_money",
  "card",
  "paybill",
  "cash_on_delivery",
];

export function isPaymentMethod(value: unknown): value is PaymentMethod {
  return typeof value === "string" && (PAYMENT_METHODS as readonly string[]).includes(value);
}

export type ChoiceIntent =
  | { readonly kind: "product"; readonly sku: string }
  | { readonly kind: "quantity"; readonly sku: string; readonly quantity: number }
  | { readonly kind: "increase"; readonly sku: string }
  | { readonly kind: "decrease"; readonly sku: string }
  /** `linkOnly`: through a provider's page (which sends the prompt itself), never a prompt from us. */
  | { readonly kind: "pay"; readonly method: PaymentMethod; readonly linkOnly?: true }
  | { readonly kind: "receipt"; readonly orderRef: string }
  | { readonly kind: "use_known" }
  /** Pay the step's order again the same way. */
  | { readonly kind: "retry" }
  | { readonly kind: "pay_other" }
  | { readonly kind: "shop" }
  | { readonly kind: "cart" }
  | { readonly kind: "checkout" }
  | { readonly kind: "clear" }
  | { readonly kind: "cancel" };

export function toChoiceData(intent: ChoiceIntent): string {
  switch (intent.kind) {
    case "product":
      return `p:${intent.sku}`;
    case "quantity":
      return `q:${intent.sku}:${intent.quantity}`;
    case "increase":
      return `inc:${intent.sku}`;
    case "decrease":
      return `dec:${intent.sku}`;
    case "pay":
      return `${intent.linkOnly ? "paylink" : "pay"}:${intent.method}`;
    case "receipt":
      return `receipt:${intent.orderRef}`;
    case "use_known":
      return "phone:use";
    case "pay_other":
      return "other";
    default:
      return intent.kind;
  }
}

const BARE: Readonly<Record<string, ChoiceIntent>> = {
  shop: { kind: "shop" },
  cart: { kind: "cart" },
  checkout: { kind: "checkout" },
  clear: { kind: "clear" },
  cancel: { kind: "cancel" },
  retry: { kind: "retry" },
  other: { kind: "pay_other" },
};

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** The intent behind choice data, or null for anything this machine never emits. */
export function parseChoiceData(data: unknown): ChoiceIntent | null {
  if (typeof data !== "string" || data.length === 0 || utf8Length(data) > CHOICE_DATA_MAX_BYTES) return null;
  const bare = Object.hasOwn(BARE, data) ? BARE[data] : undefined;
  if (bare) return bare;
  const colon = data.indexOf(":");
  if (colon < 0) return null;
  const prefix = data.slice(0, colon);
  const rest = data.slice(colon + 1);
  switch (prefix) {
    case "p":
      return isButtonSafeSku(rest) ? { kind: "product", sku: rest } : null;
    case "inc":
      return isButtonSafeSku(rest) ? { kind: "increase", sku: rest } : null;
    case "dec":
      return isButtonSafeSku(rest) ? { kind: "decrease", sku: rest } : null;
    case "q": {
      const match = /^([^:]+):([1-9]\d?)$/.exec(rest);
      if (!match || !isButtonSafeSku(match[1])) return null;
      return { kind: "quantity", sku: match[1], quantity: Number(match[2]) };
    }
    case "pay":
      return isPaymentMethod(rest) ? { kind: "pay", method: rest } : null;
    case "paylink":
      return isPaymentMethod(rest) ? { kind: "pay", method: rest, linkOnly: true } : null;
    case "receipt":
      return parseOrderReference(rest) === rest ? { kind: "receipt", orderRef: rest } : null;
    case "phone":
      return rest === "use" ? { kind: "use_known" } : null;
    case "retry":
      return rest === "card" ? { kind: "retry" } : null;
    default:
      return null;
  }
}
