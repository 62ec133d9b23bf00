/**
 * The stored state's shape check. A stored value is either a valid v1 state, used as is, or
 * anything else (an old version, a corrupt document), which starts the conversation over.
 *
 * `phone` and `email` (and the card steps `entering_email`, `awaiting_link`) were added to v1
 * without a version bump: they are optional or new, so a state stored before them is still
 * valid. A stored phone that is not a normalized M-Pesa number, or an e-mail address that is not
 * one `normalizeEmail` wrote, is dropped (the shopper is simply asked again) rather than costing
 * them their cart.
 */
import { normalizeMsisdn } from "../domain/phone.js";
import { isStoredEmail } from "./email.js";
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

const PLAIN_STEPS = new Set(["new", "browsing", "viewing_cart"]);
/** Steps that may be about an existing order, or about the cart (no `orderRef`). */
const MAYBE_ORDER_STEPS = new Set(["choosing_payment", "entering_phone", "entering_email"]);
const ORDER_STEPS = new Set([
  "awaiting_proof",
  "proof_under_review",
  "awaiting_push",
  "awaiting_link",
  "payment_failed",
]);

export function isStep(value: unknown): value is Step {
  if (!isRecord(value) || typeof value.name !== "string") return false;
  if (PLAIN_STEPS.has(value.name)) return true;
  if (value.name === "choosing_quantity") return isButtonSafeSku(value.sku);
  if (MAYBE_ORDER_STEPS.has(value.name)) {
    return value.orderRef === undefined || isShortString(value.orderRef, 64);
  }
  if (ORDER_STEPS.has(value.name)) return isShortString(value.orderRef, 64);
  return false;
}

/** A number as `normalizeMsisdn` writes it (`2547…`): nothing else is ever stored or charged. */
export function isStoredPhone(value: unknown): value is string {
  return typeof value === "string" && normalizeMsisdn(value) === value;
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
    (value.seq as number) >= 0 &&
    (value.phone === undefined || isStoredPhone(value.phone)) &&
    (value.email === undefined || isStoredEmail(value.email))
  );
}

/**
 * Never throws: a valid v1 state comes back as is; one that is valid but for its phone or
 * e-mail address comes back without them; anything else is a fresh start.
 */
export function migrateState(stored: unknown): ConversationState {
  if (isConversationState(stored)) return stored;
  const withoutContacts = dropBadContacts(stored);
  return isConversationState(withoutContacts) ? withoutContacts : initialState();
}

function dropBadContacts(stored: unknown): unknown {
  try {
    if (!isRecord(stored)) return undefined;
    const { phone, email, ...rest } = stored;
    return {
      ...rest,
      ...(phone !== undefined && isStoredPhone(phone) ? { phone } : {}),
      ...(email !== undefined && isStoredEmail(email) ? { email } : {}),
    };
  } catch {
    return undefined;
  }
}
