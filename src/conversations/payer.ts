/**
 * The details a provider may need from the shopper (its plugin declares which, and how to ask),
 * and what the dialogue knows about each kind: how an answer is read and checked, how it is
 * shown (masked), and whether a known one is used at once or offered for the shopper to confirm.
 *
 * What must stay true:
 *   - Only a value its field's `normalize` accepts is ever sent to a provider or remembered
 *     (`state.payer`), stored exactly as `normalize` writes it.
 *   - Replies show a value only masked.
 */
import { maskMsisdn, normalizeMsisdn } from "../domain/phone.js";
import { maskEmail, normalizeEmail } from "./email.js";
import type { PayerDetails, PayerField, PayerRequest, StepContext } from "./types.js";

export interface PayerFieldRules {
  /** The value as it is stored and sent, or null when the answer is not one. */
  normalize(input: unknown): string | null;
  /** How a value may be shown in a reply. */
  mask(value: string): string;
  /**
   * Money is taken through this detail (the number a prompt is pushed to): the shopper confirms
   * it for every payment, a known one offered as a button. Otherwise a known value is used as is.
   */
  readonly confirm: boolean;
  /** The prompt offers the channel's share-my-number button. */
  readonly shareContact: boolean;
  /** What the channel itself knows (a WhatsApp chat id is the shopper's number). */
  fromChannel(context: StepContext): string | undefined;
  /** Said when the answer cannot be used, unless the provider words it. */
  readonly invalid: string;
  /** Said when a file comes instead of an answer. */
  readonly notFile: string;
}

export const PAYER_FIELDS: Readonly<Record<PayerField, PayerFieldRules>> = {
  phone: {
    normalize: (input) => (typeof input === "string" ? normalizeMsisdn(input) : null),
    mask: maskMsisdn,
    confirm: true,
    shareContact: true,
    fromChannel: (context) => context.customerPhone,
    invalid: "That is not a number I can use. Send it like 0712 345 678.",
    notFile: "Please type the number, like 0712 345 678.",
  },
  email: {
    normalize: normalizeEmail,
    mask: maskEmail,
    confirm: false,
    shareContact: false,
    fromChannel: () => undefined,
    invalid: "That does not look like an e-mail address. Send it like amina@example.com.",
    notFile: "Please type your e-mail address, like amina@example.com.",
  },
};

export const PAYER_FIELD_NAMES = Object.keys(PAYER_FIELDS) as readonly PayerField[];

export function isPayerField(value: unknown): value is PayerField {
  return typeof value === "string" && Object.hasOwn(PAYER_FIELDS, value);
}

/** Whether a stored value is one its field's `normalize` wrote. */
export function isStoredPayerValue(field: PayerField, value: unknown): value is string {
  return typeof value === "string" && PAYER_FIELDS[field].normalize(value) === value;
}

/** The stored details whose values are sound; the others are dropped (the shopper is asked again). */
export function soundPayer(stored: unknown): PayerDetails {
  if (typeof stored !== "object" || stored === null) return {};
  const details: { [Field in PayerField]?: string } = {};
  for (const field of PAYER_FIELD_NAMES) {
    const value = (stored as Record<string, unknown>)[field];
    if (isStoredPayerValue(field, value)) details[field] = value;
  }
  return details;
}

/** What to say when an answer to this request cannot be used. */
export function invalidNotice(request: PayerRequest | undefined, field: PayerField): string {
  return request?.invalid ?? PAYER_FIELDS[field].invalid;
}
