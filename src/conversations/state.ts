/**
 * The stored state's shape check and its migrations. A stored value is a valid v2 state, used as
 * is; a v1 state, brought to v2; or anything else (a corrupt document), which starts the
 * conversation over. A remembered payer detail that is not one its field's `normalize` wrote is
 * dropped (the shopper is simply asked again) rather than costing them their cart.
 *
 * v1 → v2: the payment steps name their method (v1 knew it from the step's name, or for a failed
 * payment from the retry button in the menu; none meant M-Pesa, the only provider before cards),
 * and the number and e-mail address last given moved from `phone` / `email` into `payer`.
 */
import type { PaymentMethod } from "../domain/payment.js";
import { isPayerField, soundPayer } from "./payer.js";
import { isButtonSafeSku, isPaymentMethod, MAX_QUANTITY } from "./tokens.js";
import type { CartLine, Choice, ConversationState, Step } from "./types.js";

export function initialState(): ConversationState {
  return { v: 2, step: { name: "new" }, cart: [], menu: [], seq: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, max: number): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

const PLAIN_STEPS = new Set(["new", "browsing", "viewing_cart"]);
const PROOF_STEPS = new Set(["awaiting_proof", "proof_under_review"]);
const PAYMENT_STEPS = new Set(["awaiting_payment", "payment_failed"]);

const isOrderRef = (value: unknown) => isShortString(value, 64);
const isOptionalOrderRef = (value: unknown) => value === undefined || isOrderRef(value);

export function isStep(value: unknown): value is Step {
  if (!isRecord(value) || typeof value.name !== "string") return false;
  if (PLAIN_STEPS.has(value.name)) return true;
  if (value.name === "choosing_quantity") return isButtonSafeSku(value.sku);
  if (value.name === "choosing_payment") {
    return value.orderRef === undefined
      ? value.method === undefined
      : isOrderRef(value.orderRef) && isPaymentMethod(value.method);
  }
  if (value.name === "entering_payer") {
    return (
      isPaymentMethod(value.method) &&
      isPayerField(value.field) &&
      isOptionalOrderRef(value.orderRef) &&
      (value.linkOnly === undefined || (value.linkOnly === true && isOrderRef(value.orderRef)))
    );
  }
  if (PAYMENT_STEPS.has(value.name)) return isPaymentMethod(value.method) && isOrderRef(value.orderRef);
  if (PROOF_STEPS.has(value.name)) return isOrderRef(value.orderRef);
  return false;
}

function isCartLine(value: unknown): value is CartLine {
  return (
    isRecord(value) &&
    isShortString(value.sku, 64) &&
    Number.isSafeInteger(value.quantity) &&
    (value.quantity as number) >= 1 &&
    (value.quantity as number) <= MAX_QUANTITY
  );
}

function isCart(value: unknown): value is readonly CartLine[] {
  if (!Array.isArray(value) || !value.every(isCartLine)) return false;
  return new Set(value.map((line) => line.sku)).size === value.length;
}

function isChoice(value: unknown): value is Choice {
  return isRecord(value) && typeof value.label === "string" && typeof value.data === "string";
}

function isPayer(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const fields = Object.keys(value);
  const details = soundPayer(value);
  return fields.length > 0 && fields.every((field) => isPayerField(field) && details[field] === value[field]);
}

/** Whether a value is a valid v2 state; never throws, whatever the value. */
export function isConversationState(value: unknown): value is ConversationState {
  try {
    return hasStateShape(value);
  } catch {
    return false;
  }
}

function hasStateShape(value: unknown): value is ConversationState {
  return (
    isRecord(value) &&
    value.v === 2 &&
    isStep(value.step) &&
    isCart(value.cart) &&
    Array.isArray(value.menu) &&
    value.menu.every(isChoice) &&
    Number.isSafeInteger(value.seq) &&
    (value.seq as number) >= 0 &&
    (value.payer === undefined || isPayer(value.payer))
  );
}

/**
 * Never throws: a valid v2 state comes back as is; a v1 state comes back as v2; one that is valid
 * but for a remembered detail comes back without it; anything else is a fresh start.
 */
export function migrateState(stored: unknown): ConversationState {
  if (isConversationState(stored)) return stored;
  try {
    const current = isRecord(stored) && stored.v === 1 ? fromV1(stored) : stored;
    const repaired = withSoundPayer(current);
    return isConversationState(repaired) ? repaired : initialState();
  } catch {
    return initialState();
  }
}

function withSoundPayer(stored: unknown): unknown {
  if (!isRecord(stored)) return undefined;
  const { payer, ...rest } = stored;
  const details = soundPayer(payer);
  return Object.keys(details).length > 0 ? { ...rest, payer: details } : rest;
}

function fromV1(stored: Record<string, unknown>): Record<string, unknown> {
  const { phone, email, step, ...rest } = stored;
  return { ...rest, v: 2, step: stepFromV1(step, rest.menu), payer: { phone, email } };
}

function stepFromV1(step: unknown, menu: unknown): unknown {
  if (!isRecord(step)) return step;
  const { name, ...rest } = step;
  switch (name) {
    case "entering_phone":
      return { name: "entering_payer", method: "mobile_money", field: "phone", ...rest };
    case "entering_email":
      return { name: "entering_payer", method: "card", field: "email", ...rest };
    case "awaiting_push":
      return { name: "awaiting_payment", method: "mobile_money", ...rest };
    case "awaiting_link":
      return { name: "awaiting_payment", method: "card", ...rest };
    case "payment_failed":
      return { name, method: failedMethodOfV1(menu), ...rest };
    case "choosing_payment":
      return rest.orderRef === undefined ? step : { name, method: "mobile_money", ...rest };
    default:
      return step;
  }
}

/**
 * The method a v1 payment-failure prompt was about, read back from the buttons it offered: a card
 * retry (`retry:card`), M-Pesa's (`retry`), or none (a transfer). A menu with none of those (the
 * prompt was replaced, by /help say) reads as M-Pesa, as v1 did.
 */
function failedMethodOfV1(menu: unknown): PaymentMethod {
  const data = Array.isArray(menu) ? menu.filter(isChoice).map((item) => item.data) : [];
  if (data.includes("retry:card")) return "card";
  if (data.includes("retry")) return "mobile_money";
  return data.includes("other") ? "manual" : "mobile_money";
}
