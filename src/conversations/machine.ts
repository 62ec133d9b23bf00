/**
 * The dialogue machine: `step(state, event, context) → { state, replies, actions }`.
 *
 * Pure: no I/O, no clock, no randomness; the same arguments always give the same outcome, so a
 * retried step emits the same action keys. It never throws: bad input is answered with a note
 * and the current prompt, and an internal error with an apology, the step and cart unchanged.
 *
 * What stays true after every call:
 *   - `seq` is one more than before; every action key ends with it (`place:<seq>`).
 *   - `menu` is exactly the last reply's choices, flattened (see `finalize`).
 *   - bad input changes nothing but `seq` and `menu`.
 */
import type { InboundContent, InboundMedia } from "../domain/channel.js";
import { parseMpesaSms } from "../domain/mpesa-sms.js";
import { findProduct } from "./cart.js";
import { addQuantity, onChoice, runIntent } from "./choices.js";
import { listOrders, runCommand, toCommandName } from "./commands.js";
import {
  isNumberLike,
  keywordOf,
  matchMenu,
  matchProduct,
  parseQuantity,
  typedOrderReference,
} from "./input.js";
import { METHODS, providerName } from "./methods.js";
import { invalidNotice, PAYER_FIELDS } from "./payer.js";
import { onContact, submitPayer } from "./paying.js";
import { NOTICES, noSuchOptionNotice, QUANTITY_NOTICES, unsupportedNotice } from "./prompts.js";
import { onResult } from "./results.js";
import { migrateState } from "./state.js";
import { parseChoiceData } from "./tokens.js";
import { beginTurn, type Draft, draft, finalize, type Turn } from "./turn.js";
import type { ConversationEvent, ConversationState, StepContext, StepOutcome } from "./types.js";
import {
  orderRefOf,
  payerRequestFor,
  paymentOptions,
  showCatalog,
  showCurrent,
  showQuantity,
  startConversation,
} from "./views.js";

export { initialState, migrateState } from "./state.js";

export function step(state: ConversationState, event: ConversationEvent, context: StepContext): StepOutcome {
  const turn = beginTurn(migrateState(state), context);
  try {
    return finalize(turn, dispatch(turn, event));
  } catch {
    return finalize(turn, draft(turn, { replies: [{ text: NOTICES.failure }] }));
  }
}

function dispatch(turn: Turn, event: ConversationEvent): Draft {
  switch (event?.type) {
    case "result":
      return onResult(turn, event.result);
    case "input":
      return onInput(turn, event.content);
    default:
      return draft(turn, {});
  }
}

function onInput(turn: Turn, content: InboundContent): Draft {
  if (turn.state.step.name === "new") return startConversation(turn);
  switch (content?.kind) {
    case "command":
      return runCommand(turn, asText(content.command), asText(content.args));
    case "choice":
      return onChoice(turn, content.data);
    case "text":
      return onText(turn, asText(content.text));
    case "media":
      return onMedia(turn, content.media);
    case "contact":
      return onContact(turn, asText(content.phone), content.own === true);
    case "unsupported":
      return showCurrent(turn, unsupportedNotice(asText(content.what)));
    default:
      return showCurrent(turn, unsupportedNotice(""));
  }
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/**
 * A receipt counts only while an order waits for one (a second receipt during review too); a
 * payment waiting for its provider never takes one, whatever the shopper sends.
 */
function onMedia(turn: Turn, media: InboundMedia): Draft {
  const current = turn.state.step;
  switch (current.name) {
    case "awaiting_proof":
    case "proof_under_review":
      return draft(turn, {
        actions: [{ kind: "submit_proof", key: `proof:${turn.seq}`, orderRef: current.orderRef, media }],
      });
    case "awaiting_payment": {
      const waits = METHODS[current.method].waits;
      const provider = providerName(paymentOptions(turn), current.method);
      return showCurrent(turn, waits.for === "provider" ? waits.noReceipt(provider) : NOTICES.fileNotNeeded);
    }
    case "entering_payer":
      return showCurrent(turn, PAYER_FIELDS[current.field].notFile);
    default:
      return showCurrent(turn, orderRefOf(current) ? NOTICES.fileNotNeeded : NOTICES.receiptTooEarly);
  }
}

/**
 * A pasted M-Pesa confirmation SMS while an order waits for its payment (a receipt awaited, a
 * prompt or link pending, a payment failed): it is the order's receipt. Not while shopping: no
 * order to pay.
 */
function smsProofFor(turn: Turn, text: string): Draft | undefined {
  const current = turn.state.step;
  const orderRef = orderRefOf(current);
  if (orderRef === undefined) return undefined;
  if (current.name === "awaiting_payment" && METHODS[current.method].paidOnDelivery) return undefined;
  const reading = parseMpesaSms(text);
  if (!reading.ok) return undefined;
  return draft(turn, {
    actions: [{ kind: "submit_sms_proof", key: `sms:${turn.seq}`, orderRef, sms: reading.sms }],
  });
}

/**
 * Typed text, in order: a pasted M-Pesa SMS on an order's step, a quantity (on the quantity prompt a number is one, unless it is the
 * number of a line that is not a quantity, like "⬅️ Back to catalog" on WhatsApp), the detail a
 * payment needs (a number, an e-mail address) on its prompt, a menu line by
 * number or label, a keyword, then — while shopping — an order reference or a product name; else
 * what the step says for text it does not understand.
 */
function onText(turn: Turn, text: string): Draft {
  const current = turn.state.step;
  const sms = smsProofFor(turn, text);
  if (sms) return sms;
  if (current.name === "choosing_quantity" && isNumberLike(text)) {
    const line = matchMenu(text, turn.state.menu);
    const other = line.kind === "choice" ? parseChoiceData(line.choice.data) : null;
    return other && other.kind !== "quantity" ? runIntent(turn, other) : onQuantity(turn, current.sku, text);
  }
  if (current.name === "entering_payer") {
    const value = PAYER_FIELDS[current.field].normalize(text);
    if (value) return submitPayer(turn, current.field, value);
  }

  const match = matchMenu(text, turn.state.menu);
  const intent = match.kind === "choice" ? parseChoiceData(match.choice.data) : null;
  if (intent) return runIntent(turn, intent);

  // A detail prompt reads everything else as an answer it cannot use, not as a product name.
  const shopping = orderRefOf(current) === undefined && current.name !== "entering_payer";
  const keyword = keywordOf(text);
  // "help", "cart", "orders", "cancel" typed as words do what their commands do.
  if (keyword && toCommandName(keyword)) return runCommand(turn, keyword, "");
  if (shopping && keyword === "greeting") return startConversation(turn);
  if (shopping && keyword === "catalog") return showCatalog(turn);

  if (shopping) {
    if (typedOrderReference(text)) return listOrders(turn);
    const product = matchProduct(text, turn.context.catalog);
    if (product) return showQuantity(turn, product);
  }

  switch (current.name) {
    case "awaiting_proof":
    case "proof_under_review":
    case "awaiting_payment":
    case "payment_failed":
      return showCurrent(turn);
    case "choosing_quantity":
      return onQuantity(turn, current.sku, text);
    case "entering_payer":
      return showCurrent(
        turn,
        invalidNotice(payerRequestFor(turn, current.method, current.linkOnly), current.field),
      );
    default:
      return showCurrent(
        turn,
        match.kind === "out_of_range" && turn.state.menu.length > 0
          ? noSuchOptionNotice(match.number, turn.state.menu.length)
          : NOTICES.didNotUnderstand,
      );
  }
}

function onQuantity(turn: Turn, sku: string, text: string): Draft {
  if (!findProduct(turn.context.catalog, sku)) return showCatalog(turn, { notice: NOTICES.productGone });
  const answer = parseQuantity(text);
  if (answer.ok) return addQuantity(turn, sku, answer.quantity);
  return showCurrent(turn, QUANTITY_NOTICES[answer.problem]);
}
