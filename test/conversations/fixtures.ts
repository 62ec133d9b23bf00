/** Test helpers for the dialogue machine: a small KES shop, event builders, a script runner. */

import type { Catalog } from "../../src/catalog/types.js";
import { initialState, step } from "../../src/conversations/machine.js";
import type { ConversationEvent, StepContext, StepOutcome } from "../../src/conversations/types.js";
import type { Choice, InboundMedia, Reply } from "../../src/domain/channel.js";
import type { CartLine, ConversationState, ResultEvent, Step } from "../../src/domain/conversation.js";
import { fromMajor } from "../../src/domain/money.js";
import type { PayerDetails, PaymentOption } from "../../src/domain/payment-option.js";
import { manualPlugin } from "../../src/payments/manual/plugin.js";
import { mpesaPlugin } from "../../src/payments/mpesa/plugin.js";
import { paystackPlugin } from "../../src/payments/paystack/plugin.js";
import type { PaymentPlugin } from "../../src/payments/plugin.js";

export const catalog: Catalog = {
  shop: { name: "Mama Mboga", currency: "KES", locale: "en" },
  paymentInstructions: "Pay to Till 123456, then send a photo of the receipt.",
  products: [
    { sku: "SUKUMA", name: "Sukuma wiki (bunch)", price: fromMajor(30, "KES") },
    { sku: "EGGS12", name: "Eggs, tray of 12", price: fromMajor(450.5, "KES"), description: "Kienyeji" },
    { sku: "MILK-1L", name: "Milk 1L", price: fromMajor(65, "KES") },
  ],
};

/** An option in the words of a real plugin, as the registry builds it. */
export function optionOf(
  plugin: PaymentPlugin,
  config: Record<string, unknown> = {},
  extra: Partial<PaymentOption> = {},
): PaymentOption {
  const payer = plugin.payer?.(config);
  const [method] = plugin.methods;
  if (!method) throw new Error(`${plugin.name} serves no method`);
  return {
    method,
    label: plugin.label,
    ...(plugin.receiptLabel ? { receiptLabel: plugin.receiptLabel } : {}),
    ...(payer ? { payer } : {}),
    ...extra,
  };
}

export const paymentOptions: readonly PaymentOption[] = [
  optionOf(mpesaPlugin),
  optionOf(paystackPlugin),
  optionOf(manualPlugin),
];

export const context: StepContext = { catalog, paymentOptions, customerName: "Amina" };

export const REF = "DK-7F3K2";
export const OTHER_REF = "DK-9QW4P";

/**
 * The shopper's M-Pesa number, normalized, and how it may be shown. Not 0712 345 678: that is the
 * format example the prompts give, so it is in replies on purpose.
 */
export const PHONE = "254711223344";
export const MASKED = "0711 ••• 344";
export const OTHER_PHONE = "254798765432";
export const OTHER_MASKED = "0798 ••• 432";
/** Every way the full numbers could leak into a reply. */
export const UNMASKED_FORMS = [
  "254711223344",
  "0711223344",
  "711223344",
  "0711 223 344",
  "711 223 344",
  "254798765432",
  "0798765432",
  "798765432",
  "0798 765 432",
];

/**
 * The shopper's e-mail address as typed, as stored (domain lower-cased) and as it may be shown.
 * Not amina@example.com: that is the format example the prompts give, so it is in replies on purpose.
 */
export const EMAIL_TYPED = " Wanjiku.K@Gmail.COM ";
export const EMAIL = "Wanjiku.K@gmail.com";
export const EMAIL_MASKED = "W•••@gmail.com";
export const OTHER_EMAIL = "otieno@duka.co.ke";
export const OTHER_EMAIL_MASKED = "o•••@duka.co.ke";
/** Every way the full addresses could leak into a reply (compare lower-cased). */
export const UNMASKED_EMAIL_FORMS = ["wanjiku.k@gmail.com", "otieno@duka.co.ke"];

/** A Paystack checkout page, as `order_placed` carries it for card payments. */
export const LINK = { label: "💳 Pay KES 901.00", url: "https://checkout.paystack.test/abc123" };

export const photo: InboundMedia = { ref: "file-1", kind: "photo", mimeType: "image/jpeg", size: 120_000 };
export const pdf: InboundMedia = { ref: "file-2", kind: "document", mimeType: "application/pdf" };

export const text = (value: string): ConversationEvent => ({
  type: "input",
  content: { kind: "text", text: value },
});
export const command = (name: string, args = ""): ConversationEvent => ({
  type: "input",
  content: { kind: "command", command: name, args },
});
export const choice = (data: string): ConversationEvent => ({
  type: "input",
  content: { kind: "choice", data },
});
export const media = (file: InboundMedia = photo, caption?: string): ConversationEvent => ({
  type: "input",
  content: caption === undefined ? { kind: "media", media: file } : { kind: "media", media: file, caption },
});
export const contact = (phone = "+254700000001", own = true): ConversationEvent => ({
  type: "input",
  content: { kind: "contact", phone, own },
});
export const unsupported = (what = "sticker"): ConversationEvent => ({
  type: "input",
  content: { kind: "unsupported", what },
});
export const result = (value: ResultEvent): ConversationEvent => ({ type: "result", result: value });

export const kes = (major: number) => fromMajor(major, "KES");

/** A state in the given step, with a cart and menu that fit it unless given. */
export function stateAt(
  current: Step,
  parts: {
    cart?: readonly CartLine[];
    menu?: readonly Choice[];
    seq?: number;
    payer?: PayerDetails;
  } = {},
): ConversationState {
  return {
    v: 2,
    step: current,
    cart: parts.cart ?? [],
    menu: parts.menu ?? [],
    seq: parts.seq ?? 7,
    ...(parts.payer ? { payer: parts.payer } : {}),
  };
}

/** Runs events in order from a state; returns every outcome and the last state. */
export function play(
  events: readonly ConversationEvent[],
  from: ConversationState = initialState(),
  ctx: StepContext = context,
): { outcomes: StepOutcome[]; state: ConversationState } {
  const outcomes: StepOutcome[] = [];
  let state = from;
  for (const event of events) {
    const outcome = step(state, event, ctx);
    outcomes.push(outcome);
    state = outcome.state;
  }
  return { outcomes, state };
}

/**
 * Reaches a real state by playing events from the start, so the menu is the one the machine
 * itself would have shown.
 */
export function reach(events: readonly ConversationEvent[], ctx: StepContext = context): ConversationState {
  return play(events, initialState(), ctx).state;
}

export function allText(outcome: StepOutcome): string {
  return outcome.replies.map((reply) => reply.text).join("\n---\n");
}

export function choicesOf(reply: Reply | undefined): Choice[] {
  return (reply?.choices ?? []).flat();
}

export function dataOf(outcome: StepOutcome): string[] {
  return outcome.replies.flatMap((reply) => choicesOf(reply).map((c) => c.data));
}

export function lastReply(outcome: StepOutcome): Reply {
  const reply = outcome.replies.at(-1);
  if (!reply) throw new Error("expected a reply");
  return reply;
}

const payment = [text("hi"), choice("p:EGGS12"), choice("q:EGGS12:2"), choice("checkout")];
const enteringPhone = [...payment, choice("pay:mobile_money")];
const awaitingPush = [
  ...enteringPhone,
  text("0711 223 344"),
  result({
    kind: "order_placed",
    orderRef: REF,
    method: "mobile_money",
    total: fromMajor(901, "KES"),
    instructions: "",
  }),
];

const enteringEmail = [...payment, choice("pay:card")];
const awaitingLink = [
  ...enteringEmail,
  text(EMAIL_TYPED),
  result({
    kind: "order_placed",
    orderRef: REF,
    method: "card",
    total: fromMajor(901, "KES"),
    instructions: "",
    link: LINK,
  }),
];

/** The paths to the common states, as event scripts from a fresh conversation. */
export const scripts = {
  browsing: [text("hi")],
  quantityEggs: [text("hi"), choice("p:EGGS12")],
  addedEggs: [text("hi"), choice("p:EGGS12"), choice("q:EGGS12:2")],
  cart: [text("hi"), choice("p:EGGS12"), choice("q:EGGS12:2"), choice("cart")],
  payment,
  enteringPhone,
  awaitingPush,
  paymentFailed: [
    ...awaitingPush,
    result({ kind: "payment_failed", orderRef: REF, reason: "You cancelled it", method: "mobile_money" }),
  ],
  enteringEmail,
  awaitingLink,
  cardFailed: [
    ...awaitingLink,
    result({ kind: "payment_failed", orderRef: REF, reason: "Card declined", method: "card" }),
  ],
  awaitingProof: [
    text("hi"),
    choice("p:EGGS12"),
    choice("q:EGGS12:2"),
    choice("checkout"),
    choice("pay:manual"),
    result({
      kind: "order_placed",
      orderRef: REF,
      method: "manual",
      total: fromMajor(901, "KES"),
      instructions: "Pay to Till 123456.",
    }),
  ],
} satisfies Record<string, readonly ConversationEvent[]>;

export const underReviewScript: readonly ConversationEvent[] = [
  ...scripts.awaitingProof,
  media(),
  result({ kind: "proof_received", orderRef: REF }),
];

/** Bad input leaves the state alone but for the step counter and the menu. */
export function withoutSeqAndMenu(state: ConversationState): Omit<ConversationState, "seq" | "menu"> {
  const { seq: _seq, menu: _menu, ...rest } = state;
  return rest;
}
