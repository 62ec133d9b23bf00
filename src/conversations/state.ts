/**
 * The stored state's shape check. A stored value is either a valid v1 state, used as is, or
 * anything else (an old version, a corrupt document), which starts the conversation over.
 */
import { isButtonSafeSku, MAX_QUANTITY } from "./tokens.js";
import type { CartLine, Choice, ConversationState, Step } from "./types.js";

export function initialState(): ConversationState {
  return { v: 1, step: { name: "new" }, cart: [], menu: [], seq: 0 };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, max: number): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= max;
}

const PLAIN_STEPS = new Set(["new", "browsing", "viewing_cart", "choosing_payment"]);

export function isStep(value: unknown): value is Step {
  if (!isRecord(value) || typeof value.name !== "string") return false;
  if (PLAIN_STEPS.has(value.name)) return true;
  if (value.name === "choosing_quantity") return isButtonSafeSku(value.sku);
  if (value.name === "awaiting_proof" || value.name === "proof_under_review") {
    return isShortString(value.orderRef, 64);
  }
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

/** Whether a value is a valid v1 state; never throws, whatever the value. */
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
    value.v === 1 &&
    isStep(value.step) &&
    isCart(value.cart) &&
    Array.isArray(value.menu) &&
    value.menu.every(isChoice) &&
    Number.isSafeInteger(value.seq) &&
    (value.seq as number) >= 0
  );
}

/** Never throws: a valid v1 state comes back as is, anything else is a fresh start. */
export function migrateState(stored: unknown): ConversationState {
  return isConversationState(stored) ? stored : initialState();
}
