/** Paying by card: the e-mail prompt, the payment link, and what follows a failure. */
import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import type { ConversationEvent, StepContext } from "../../src/conversations/types.js";
import type { ConversationState, ResultEvent } from "../../src/domain/conversation.js";
import type { PaymentMethod } from "../../src/domain/payment.js";
import type { PaymentOption } from "../../src/domain/payment-option.js";
import { paystackPlugin } from "../../src/payments/paystack/plugin.js";
import {
  allText,
  catalog,
  choice,
  choicesOf,
  command,
  contact,
  context,
  dataOf,
  EMAIL,
  EMAIL_MASKED,
  EMAIL_TYPED,
  kes,
  LINK,
  lastReply,
  media,
  OTHER_EMAIL,
  OTHER_EMAIL_MASKED,
  OTHER_REF,
  optionOf,
  PHONE,
  pdf,
  play,
  REF,
  reach,
  result,
  scripts,
  stateAt,
  text,
  UNMASKED_EMAIL_FORMS,
  unsupported,
  withoutSeqAndMenu,
} from "./fixtures.js";

const ASK = "Paying by card needs an e-mail address for the receipt. What is yours?";
const INVALID = "That does not look like an e-mail address. Send it like amina@example.com.";
const NOT_A_FILE = "Please type your e-mail address, like amina@example.com.";
const NO_RECEIPT = "No receipt is needed for card payments.";
const STALE = "That button is from an older message.";
const REMINDER = `Use the payment button above for *${REF}*, or tap New link.`;
const CARD_PROMPT = `💳 Order *${REF}* is not paid yet. Get a new payment link, pay another way, or cancel the order.`;
const MPESA_PROMPT = `💳 Order *${REF}* is not paid yet. Send the M-Pesa request again, pay another way, or cancel the order.`;

const backToCheckout = [[{ label: "⬅️ Back", data: "checkout" }]];
const backToOrder = [[{ label: "⬅️ Back", data: "other" }]];
const cancelRow = [{ label: "❌ Cancel order", data: "cancel" }];
const cardChoices = [
  [{ label: "🔁 New link", data: "retry" }],
  [{ label: "💳 Pay another way", data: "other" }],
  cancelRow,
];
const mpesaChoices = [
  [{ label: "🔁 Send the request again", data: "retry" }],
  [{ label: "💳 Pay another way", data: "other" }],
  cancelRow,
];
const everyWayToPay = [
  [{ label: "M-Pesa", data: "pay:mobile_money" }],
  [{ label: "Card (Paystack)", data: "pay:card" }],
  [{ label: "Bank transfer / manual", data: "pay:manual" }],
  cancelRow,
];
const eggs = [{ sku: "EGGS12", quantity: 2 }];

/** The card option with the e-mail address optional (a Paystack set up with a placeholder address). */
const noEmailNeeded: StepContext = {
  ...context,
  paymentOptions: context.paymentOptions.map(
    (option): PaymentOption =>
      option.method === "card"
        ? optionOf(paystackPlugin, { emailPlaceholder: "{chatId}@shop.example" })
        : option,
  ),
};
const withoutCard: StepContext = {
  ...context,
  paymentOptions: context.paymentOptions.filter((option) => option.method !== "card"),
};

const placedCard = (
  parts: { link?: typeof LINK; instructions?: string; total?: number; orderRef?: string } = { link: LINK },
): ResultEvent => ({
  kind: "order_placed",
  orderRef: parts.orderRef ?? REF,
  method: "card",
  total: kes(parts.total ?? 901),
  instructions: parts.instructions ?? "",
  ...(parts.link ? { link: parts.link } : {}),
});
const failed = (method: PaymentMethod, reason = "Card declined", orderRef = REF): ResultEvent => ({
  kind: "payment_failed",
  orderRef,
  reason,
  method,
});
const expired = (method: PaymentMethod, orderRef = REF): ResultEvent => ({
  kind: "payment_expired",
  orderRef,
  method,
});

const paying = reach(scripts.payment);
const enteringEmail = reach(scripts.enteringEmail);
const awaitingLink = reach(scripts.awaitingLink);
const cardFailed = reach(scripts.cardFailed);
/** An M-Pesa payment failed, the shopper picks card: no address known yet, so it is asked for that order. */
const enteringEmailForOrder = reach([...scripts.paymentFailed, choice("other"), choice("pay:card")]);
/** A card link that is out, with no address known (the option did not need one when it was sent). */
const awaitingLinkNoEmail = stateAt(
  { name: "awaiting_payment", method: "card", orderRef: REF },
  { menu: cardChoices.flat() },
);

describe('"pay:card" in choosing_payment (the cart\'s order)', () => {
  it.each([
    ["the button", choice("pay:card")],
    ["its number", text("2")],
    ["its label", text("card (paystack)")],
  ])("%s with no address known asks for one, places nothing yet", (_what, event) => {
    const outcome = step(paying, event, context);
    expect(outcome.state.step).toEqual({ name: "entering_payer", method: "card", field: "email" });
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.cart).toEqual(eggs);
    expect(outcome.replies).toEqual([{ text: ASK, choices: backToCheckout }]);
    expect(outcome.state.menu).toEqual(backToCheckout.flat());
  });

  it.each([
    ["needed and known", context, EMAIL],
    ["not needed but known", noEmailNeeded, EMAIL],
    ["not needed and unknown", noEmailNeeded, undefined],
  ] as [string, StepContext, string | undefined][])(
    "an address %s: the order is placed at once, with the address there is",
    (_what, ctx, email) => {
      const state = email ? { ...paying, payer: { email } } : paying;
      const outcome = step(state, choice("pay:card"), ctx);
      expect(outcome.replies).toEqual([]);
      expect(outcome.actions).toEqual([
        {
          kind: "place_order",
          key: `place:${paying.seq + 1}`,
          lines: eggs,
          method: "card",
          payer: email ? { email } : {},
        },
      ]);
      expect(outcome.state.step).toEqual({ name: "choosing_payment" });
      expect(outcome.state.menu).toEqual([]);
      expect(outcome.state.payer?.email).toBe(email);
    },
  );

  it("card switched off since the summary: the options again, no address asked", () => {
    const outcome = step(paying, choice("pay:card"), withoutCard);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:manual", "cart"]);
  });

  it("a cart emptied meanwhile shows the catalog instead", () => {
    const outcome = step({ ...paying, cart: [] }, choice("pay:card"), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("Your cart is empty.");
  });
});

describe('step "entering_email" (the cart\'s order)', () => {
  it.each([
    ["amina@example.com", "amina@example.com"],
    [EMAIL_TYPED, EMAIL],
    ["  Otieno@DUKA.co.ke", OTHER_EMAIL.replace("otieno", "Otieno")],
    ["a+duka@mail.co.ke", "a+duka@mail.co.ke"],
    ["first.last@sub.domain.travel", "first.last@sub.domain.travel"],
  ])("typed %j places the order with %s, remembers it, says nothing", (typed, email) => {
    const outcome = step(enteringEmail, text(typed), context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "place_order",
        key: `place:${enteringEmail.seq + 1}`,
        lines: eggs,
        method: "card",
        payer: { email },
      },
    ]);
    expect(outcome.state.payer?.email).toBe(email);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(outcome.state.cart).toEqual(eggs);
    expect(outcome.state.menu).toEqual([]);
  });

  const bad: [string, ConversationEvent, string][] = [
    ["no @", text("amina.example.com"), INVALID],
    ["no domain", text("amina@"), INVALID],
    ["no local part", text("@example.com"), INVALID],
    ["no dot in the domain", text("amina@example"), INVALID],
    ["two @", text("amina@@example.com"), INVALID],
    ["a space inside", text("amina w@example.com"), INVALID],
    ["an empty domain label", text("amina@example..com"), INVALID],
    ["too long", text(`${"a".repeat(250)}@example.com`), INVALID],
    ["a phone number", text("0711 223 344"), INVALID],
    ["a product name", text("Milk 1L"), INVALID],
    ["a greeting", text("hi"), INVALID],
    ["an order reference", text("DK-7F3K2"), INVALID],
    ["a number beyond the menu", text("7"), INVALID],
    ["an empty text", text(""), INVALID],
    ["a photo", media(), NOT_A_FILE],
    ["a PDF", media(pdf), NOT_A_FILE],
    ["a contact", contact(), "Thanks, but I don't need a contact card."],
    ["a sticker", unsupported("sticker"), "Sorry, I can't read stickers."],
    ["an unknown command", command("email"), "I don't know /email. Send /help to see what I can do."],
    ["garbage choice data", choice("zzz"), STALE],
    ["a payment button of the older summary", choice("pay:card"), STALE],
    ["a new-link button", choice("retry"), STALE],
    ["a pay-another-way button", choice("other"), STALE],
  ];

  it.each(bad)("%s: a note and the same prompt, nothing placed or remembered", (_what, event, note) => {
    const outcome = step(enteringEmail, event, context);
    const reply = lastReply(outcome);
    expect(reply.text).toBe(`${note}\n\n${ASK}`);
    expect(reply.choices).toEqual(backToCheckout);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.payer?.email).toBeUndefined();
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(enteringEmail));
  });

  it("product buttons of an earlier catalog still work (no order exists yet)", () => {
    const outcome = step(enteringEmail, choice("p:SUKUMA"), context);
    expect(outcome.state.step).toEqual({ name: "choosing_quantity", sku: "SUKUMA" });
  });

  it.each([
    ["the Back button", choice("checkout")],
    ["its label typed", text("back")],
    ["its number", text("1")],
  ])("%s returns to the summary and its options", (_what, event) => {
    const outcome = step(enteringEmail, event, context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:card", "pay:manual", "cart"]);
  });

  it("/cancel empties the cart (there is no order yet)", () => {
    const outcome = step(enteringEmail, command("cancel"), context);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
  });

  it("/start greets and goes back to browsing (no order to remind of)", () => {
    const outcome = step(enteringEmail, command("start"), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).not.toContain("not paid yet");
  });

  it("an address sent twice places one order", () => {
    const { outcomes } = play([text(EMAIL), text(EMAIL)], enteringEmail);
    expect(outcomes[0]!.actions).toHaveLength(1);
    expect(outcomes[1]!.actions).toEqual([]);
  });

  it("a product that left the catalog meanwhile: no order, the summary again, the address kept", () => {
    const smaller = { ...context, catalog: { ...catalog, products: catalog.products.slice(0, 1) } };
    const outcome = step(enteringEmail, text(EMAIL), smaller);
    expect(outcome.actions).toEqual([]);
    expect(allText(outcome)).toContain("no longer available");
    expect(outcome.state.payer?.email).toBe(EMAIL);
  });

  it("card switched off meanwhile: no order, the options again", () => {
    const outcome = step(enteringEmail, text(EMAIL), withoutCard);
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
  });
});

describe('step "entering_email" (an existing order)', () => {
  it("pay another way → card, no address known: asked for that order, Back to its ways to pay", () => {
    expect(enteringEmailForOrder.step).toEqual({
      name: "entering_payer",
      method: "card",
      field: "email",
      orderRef: REF,
    });
    const outcome = step(reach([...scripts.paymentFailed, choice("other")]), choice("pay:card"), context);
    expect(outcome.replies).toEqual([{ text: ASK, choices: backToOrder }]);
    expect(outcome.actions).toEqual([]);
  });

  it("a typed address pays the order by card, with no reply", () => {
    const outcome = step(enteringEmailForOrder, text(EMAIL_TYPED), context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${enteringEmailForOrder.seq + 1}`,
        orderRef: REF,
        method: "card",
        payer: { email: EMAIL },
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
    expect(outcome.state.payer?.email).toBe(EMAIL);
    expect(outcome.state.payer?.phone).toBe(PHONE);
  });

  it.each([
    ["the Back button", choice("other")],
    ["its number", text("1")],
  ])("%s shows the order's ways to pay", (_what, event) => {
    const outcome = step(enteringEmailForOrder, event, context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
    expect(lastReply(outcome).choices).toEqual(everyWayToPay);
  });

  it.each([
    ["text", text("nope"), INVALID],
    ["a photo", media(), NOT_A_FILE],
    ["a stale browsing button", choice("shop"), STALE],
    ["the cart's checkout button", choice("checkout"), STALE],
  ])("%s: a note and the order's address prompt", (_what, event, note) => {
    const outcome = step(enteringEmailForOrder, event, context);
    expect(outcome.replies).toEqual([{ text: `${note}\n\n${ASK}`, choices: backToOrder }]);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.step).toEqual({
      name: "entering_payer",
      method: "card",
      field: "email",
      orderRef: REF,
    });
  });

  it.each([
    ["/cancel", command("cancel")],
    ["the word cancel", text("cancel")],
  ])("%s cancels that order", (_what, event) => {
    const outcome = step(enteringEmailForOrder, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${enteringEmailForOrder.seq + 1}`, orderRef: REF },
    ]);
  });

  it("/start leaves the order waiting in payment_failed, with the reminder", () => {
    const outcome = step(enteringEmailForOrder, command("start"), context);
    expect(outcome.state.step).toEqual({ name: "payment_failed", orderRef: REF, method: "card" });
    expect(lastReply(outcome).text).toContain(`💳 Order *${REF}* is not paid yet`);
  });

  it("order_failed while the card payment starts: the reason and the order's ways to pay", () => {
    const started = step(enteringEmailForOrder, text(EMAIL), context).state;
    for (const state of [started, enteringEmailForOrder]) {
      const outcome = step(state, result({ kind: "order_failed", reason: "Paystack is down" }), context);
      expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
      expect(lastReply(outcome).choices).toEqual(everyWayToPay);
    }
  });
});

describe("order_placed with card", () => {
  const placing = step(enteringEmail, text(EMAIL), context).state;

  it("clears the cart, shows the payment link as a button and waits for the payment", () => {
    const outcome = step(placing, result(placedCard({ link: LINK, total: 60 })), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.payer?.email).toBe(EMAIL);
    expect(outcome.replies).toEqual([
      {
        text: `💳 Tap the button to pay *KES 60.00* for order *${REF}* by card. I'll message you here when it's paid.`,
        link: LINK,
        choices: cardChoices,
      },
    ]);
    expect(outcome.state.menu).toEqual(cardChoices.flat());
    expect(outcome.actions).toEqual([]);
  });

  it("without a link, the instructions say how to pay (addresses masked)", () => {
    const outcome = step(
      placing,
      result(placedCard({ instructions: `Open the page we e-mailed to ${EMAIL}.`, total: 60 })),
      context,
    );
    const reply = lastReply(outcome);
    expect(reply.link).toBeUndefined();
    expect(reply.text).toBe(
      [
        `💳 To pay *KES 60.00* for order *${REF}* by card:`,
        `Open the page we e-mailed to ${EMAIL_MASKED}.`,
        "",
        "I'll message you here when it's paid.",
      ].join("\n"),
    );
    expect(reply.choices).toEqual(cardChoices);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
  });

  it("without a link or instructions, points at New link", () => {
    const outcome = step(placing, result(placedCard({ instructions: "  " })), context);
    expect(lastReply(outcome).text).toBe(
      `💳 Order *${REF}* is placed (*KES 901.00*). Tap New link to get the card payment page.`,
    );
    expect(lastReply(outcome).choices).toEqual(cardChoices);
  });

  it.each([
    ["not a web address", { label: "Pay", url: "javascript:alert(1)" }],
    ["an empty address", { label: "Pay", url: "" }],
    ["an address with a space", { label: "Pay", url: "https://pay.test/a b" }],
  ])("a link that is %s is left out", (_what, link) => {
    const outcome = step(placing, result(placedCard({ link, instructions: "Pay on Paystack." })), context);
    expect(lastReply(outcome).link).toBeUndefined();
    expect(lastReply(outcome).text).toContain("Pay on Paystack.");
  });

  it("a link without a label gets one", () => {
    const outcome = step(placing, result(placedCard({ link: { label: "  ", url: LINK.url } })), context);
    expect(lastReply(outcome).link).toEqual({ label: "💳 Pay by card", url: LINK.url });
  });

  it("for an order paid again, the new cart is kept", () => {
    const again = { ...step(enteringEmailForOrder, text(EMAIL), context).state, cart: eggs };
    const outcome = step(again, result(placedCard()), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
    expect(outcome.state.cart).toEqual(eggs);
  });

  it("arriving while the shopper is elsewhere, it still waits for that payment", () => {
    const outcome = step(reach(scripts.quantityEggs), result(placedCard()), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
    expect(dataOf(outcome)).toEqual(["retry", "other", "cancel"]);
  });
});

describe('step "awaiting_link"', () => {
  it.each([["I paid"], ["hello"], ["0711223344"], ["500"], ["dk-7f3k2"], ["Milk 1L"], [EMAIL]])(
    "text %j: a reminder of the button, with the three choices",
    (typed) => {
      const outcome = step(awaitingLink, text(typed), context);
      expect(outcome.replies).toEqual([{ text: REMINDER, choices: cardChoices }]);
      expect(outcome.actions).toEqual([]);
      expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(awaitingLink));
    },
  );

  it.each([
    ["a photo", media()],
    ["a PDF", media(pdf)],
    ["a photo captioned as a receipt", media(undefined, "receipt")],
  ])("%s is never taken as a receipt", (_what, event) => {
    const outcome = step(awaitingLink, event, context);
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toBe(`${NO_RECEIPT}\n\n${REMINDER}`);
    expect(outcome.state.step).toEqual(awaitingLink.step);
  });

  it.each([
    ["the New link button", choice("retry")],
    ["its number", text("1")],
    ["its label", text("new link")],
  ])("%s pays the order by card again, with the address known", (_what, event) => {
    const outcome = step(awaitingLink, event, context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${awaitingLink.seq + 1}`,
        orderRef: REF,
        method: "card",
        payer: { email: EMAIL },
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
    expect(outcome.state.menu).toEqual([]);
  });

  it("New link with no address known asks for one when the card needs it", () => {
    const outcome = step(awaitingLinkNoEmail, choice("retry"), context);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.step).toEqual({
      name: "entering_payer",
      method: "card",
      field: "email",
      orderRef: REF,
    });
    expect(outcome.replies).toEqual([{ text: ASK, choices: backToOrder }]);
  });

  it("New link with no address known and none needed pays at once", () => {
    const outcome = step(awaitingLinkNoEmail, choice("retry"), noEmailNeeded);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${awaitingLinkNoEmail.seq + 1}`,
        orderRef: REF,
        method: "card",
        payer: {},
      },
    ]);
  });

  it("New link when card is switched off: says so and shows the order's ways to pay", () => {
    const outcome = step(awaitingLink, choice("retry"), withoutCard);
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:manual", "cancel"]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
  });

  it("a double tap on New link asks for one link", () => {
    const { outcomes } = play([choice("retry"), choice("retry")], awaitingLink);
    expect(outcomes[0]!.actions).toHaveLength(1);
    expect(outcomes[1]!.actions).toEqual([]);
    expect(lastReply(outcomes[1]!).text).toContain(STALE);
  });

  it.each([
    ["the button", choice("other")],
    ["its number", text("2")],
    ["its label", text("pay another way")],
  ])("pay another way (%s) lists every option and Cancel, for that order", (_what, event) => {
    const outcome = step(awaitingLink, event, context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
    expect(outcome.replies).toEqual([
      { text: `How would you like to pay for *${REF}*?`, choices: everyWayToPay },
    ]);
  });

  it.each([
    ["the cancel button", choice("cancel")],
    ["its number", text("3")],
    ["/cancel", command("cancel")],
    ["the word cancel", text("Cancel")],
  ])("%s asks the runtime to cancel that order", (_what, event) => {
    const outcome = step(awaitingLink, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${awaitingLink.seq + 1}`, orderRef: REF },
    ]);
    expect(outcome.replies).toEqual([]);
    expect(outcome.state.step).toEqual(awaitingLink.step);
  });

  it.each([
    ["a product button of an earlier catalog", choice("p:EGGS12"), STALE],
    ["the catalog button of an earlier message", choice("shop"), STALE],
    ["the cart button of an earlier message", choice("cart"), STALE],
    ["a Use button not offered", choice("phone:use"), STALE],
    ["garbage", choice("zzz"), STALE],
    ["a contact", contact(), "I don't need a contact card"],
    ["a sticker", unsupported("sticker"), "I can't read stickers"],
    ["an unknown command", command("xyz"), "I don't know /xyz."],
  ])("%s: a note and the reminder; the order stays in focus", (_what, event, note) => {
    const outcome = step(awaitingLink, event, context);
    expect(lastReply(outcome).text).toBe(`${lastReply(outcome).text.split("\n\n")[0]}\n\n${REMINDER}`);
    expect(lastReply(outcome).text).toContain(note);
    expect(lastReply(outcome).choices).toEqual(cardChoices);
    expect(outcome.actions).toEqual([]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(awaitingLink));
  });

  it("/start greets, reminds of the card payment and keeps waiting for it", () => {
    const outcome = step(awaitingLink, command("start"), context);
    expect(lastReply(outcome).text).toContain(
      `💳 Order *${REF}* is waiting for your card payment: tap the payment button I sent, or /cancel.`,
    );
    expect(outcome.state.step).toEqual(awaitingLink.step);
    expect(lastReply(step(outcome.state, text("ok"), context))).toEqual({
      text: REMINDER,
      choices: cardChoices,
    });
  });

  it("/help mentions the order", () => {
    expect(lastReply(step(awaitingLink, command("help"), context)).text).toContain(
      `Order *${REF}* is waiting for your card payment`,
    );
  });
});

describe("payment results, worded by method", () => {
  it.each([
    [
      "card",
      "card" as const,
      `❌ The card payment for *${REF}* did not go through: Card declined.`,
      cardChoices,
    ],
    [
      "mobile_money",
      "mobile_money" as const,
      `❌ The M-Pesa payment for *${REF}* did not go through: Card declined.`,
      mpesaChoices,
    ],
    [
      "manual",
      "manual" as const,
      `❌ The payment for *${REF}* did not go through: Card declined.`,
      [[{ label: "💳 Pay another way", data: "other" }], cancelRow],
    ],
  ])("payment_failed, %s", (_what, method, expected, choices) => {
    for (const state of [awaitingLink, reach(scripts.awaitingPush), reach(scripts.addedEggs)]) {
      const outcome = step(state, result(failed(method)), context);
      expect(outcome.replies).toEqual([{ text: expected, choices }]);
      expect(outcome.state.step).toEqual({ name: "payment_failed", orderRef: REF, method });
      expect(outcome.state.cart).toEqual(state.cart);
      expect(outcome.actions).toEqual([]);
    }
  });

  it.each([
    ["card", "card" as const, `⌛ The payment link for *${REF}* was not used in time.`, cardChoices],
    [
      "mobile_money",
      "mobile_money" as const,
      `⌛ M-Pesa did not confirm *${REF}* in time. If you did not pay, send the request again.`,
      mpesaChoices,
    ],
    [
      "manual",
      "manual" as const,
      `⌛ The payment for *${REF}* was not made in time.`,
      [[{ label: "💳 Pay another way", data: "other" }], cancelRow],
    ],
  ])("payment_expired, %s", (_what, method, expected, choices) => {
    for (const state of [awaitingLink, reach(scripts.awaitingPush), reach(scripts.addedEggs)]) {
      const outcome = step(state, result(expired(method)), context);
      expect(outcome.replies).toEqual([{ text: expected, choices }]);
      expect(outcome.state.step).toEqual({ name: "payment_failed", orderRef: REF, method });
    }
  });

  it.each([
    ["", "it was not completed."],
    ["Insufficient funds", "Insufficient funds."],
    [`No card on file for ${EMAIL}`, `No card on file for ${EMAIL_MASKED}.`],
    [`Receipt for ${OTHER_EMAIL} bounced!`, `Receipt for ${OTHER_EMAIL_MASKED} bounced!`],
  ])("a card failure's reason %j is shown as %j", (reason, shown) => {
    const outcome = step(awaitingLink, result(failed("card", reason)), context);
    expect(lastReply(outcome).text).toBe(`❌ The card payment for *${REF}* did not go through: ${shown}`);
  });

  it.each([
    [
      "card with a reference",
      "card" as const,
      "T685312",
      `✅ Payment for *${REF}* confirmed (reference *T685312*). Thank you!`,
    ],
    ["card without a reference", "card" as const, undefined, `✅ Payment for *${REF}* confirmed. Thank you!`],
    [
      "mobile_money with a receipt",
      "mobile_money" as const,
      "NLJ7RT61SV",
      `✅ Payment for *${REF}* confirmed (M-Pesa receipt *NLJ7RT61SV*). Thank you!`,
    ],
    [
      "manual with a reference",
      "manual" as const,
      "TRX-1",
      `✅ Payment for *${REF}* confirmed (reference *TRX-1*). Thank you!`,
    ],
  ])("payment_confirmed, %s", (_what, method, receipt, expected) => {
    const event: ResultEvent = {
      kind: "payment_confirmed",
      orderRef: REF,
      ...(receipt ? { receipt } : {}),
      method,
    };
    const outcome = step(awaitingLink, result(event), context);
    expect(outcome.replies).toEqual([
      { text: expected, choices: [[{ label: "🛍 See the catalog", data: "shop" }]] },
    ]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
  });

  it("payment_confirmed for another order leaves the link's wait alone", () => {
    const outcome = step(
      awaitingLink,
      result({ kind: "payment_confirmed", orderRef: OTHER_REF, method: "card" }),
      context,
    );
    expect(outcome.state.step).toEqual(awaitingLink.step);
  });
});

describe("payment_refunded", () => {
  const refunded = (orderRef = REF): ResultEvent => ({ kind: "payment_refunded", orderRef, amount: kes(60) });
  const expected = {
    text: `↩️ *${REF}* was refunded: *KES 60.00* is on its way back to you.`,
    choices: [[{ label: "🛍 See the catalog", data: "shop" }]],
  };

  it.each([
    ["awaiting_link of that order", awaitingLink, { name: "browsing" }],
    ["payment_failed of that order", cardFailed, { name: "browsing" }],
    ["awaiting_push of that order", reach(scripts.awaitingPush), { name: "browsing" }],
    ["entering the address for that order", enteringEmailForOrder, { name: "browsing" }],
    [
      "awaiting a receipt for another order",
      stateAt({ name: "awaiting_proof", orderRef: OTHER_REF }),
      { name: "awaiting_proof", orderRef: OTHER_REF },
    ],
    [
      "awaiting_link of another order",
      stateAt({ name: "awaiting_payment", method: "card", orderRef: OTHER_REF }),
      { name: "awaiting_payment", method: "card", orderRef: OTHER_REF },
    ],
    ["browsing with a cart", reach(scripts.addedEggs), { name: "browsing" }],
    ["choosing a quantity", reach(scripts.quantityEggs), { name: "choosing_quantity", sku: "EGGS12" }],
    [
      "entering the address for the cart",
      enteringEmail,
      { name: "entering_payer", method: "card", field: "email" },
    ],
    ["new", stateAt({ name: "new" }), { name: "new" }],
  ] as [string, ConversationState, unknown][])(
    "in %s: says so; the step moves on only if it is about that order",
    (_what, state, next) => {
      const outcome = step(state, result(refunded()), context);
      expect(outcome.replies).toEqual([expected]);
      expect(outcome.actions).toEqual([]);
      expect(outcome.state.step).toEqual(next);
      expect(outcome.state.cart).toEqual(state.cart);
      expect(outcome.state.menu).toEqual([{ label: "🛍 See the catalog", data: "shop" }]);
    },
  );
});

describe('step "payment_failed" after a card failure', () => {
  it.each([
    ["the New link button", choice("retry")],
    ["its number", text("1")],
    ["its label", text("new link")],
  ])("%s asks for a new link, with the address known", (_what, event) => {
    const outcome = step(cardFailed, event, context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${cardFailed.seq + 1}`,
        orderRef: REF,
        method: "card",
        payer: { email: EMAIL },
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "card" });
  });

  it.each([["hello"], ["I paid"], ["Milk 1L"]])("text %j shows the card prompt again", (typed) => {
    const outcome = step(cardFailed, text(typed), context);
    expect(outcome.replies).toEqual([{ text: CARD_PROMPT, choices: cardChoices }]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(cardFailed));
  });

  it("an M-Pesa failure's prompt is unchanged", () => {
    const outcome = step(reach(scripts.paymentFailed), text("hello"), context);
    expect(outcome.replies).toEqual([{ text: MPESA_PROMPT, choices: mpesaChoices }]);
  });

  it("pay another way → M-Pesa: asks for the number for that order, then charges it", () => {
    const { outcomes } = play(
      [choice("other"), choice("pay:mobile_money"), text("0711 223 344")],
      cardFailed,
    );
    expect(outcomes[0]!.replies).toEqual([
      { text: `How would you like to pay for *${REF}*?`, choices: everyWayToPay },
    ]);
    expect(outcomes[1]!.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "phone",
      orderRef: REF,
    });
    expect(outcomes[2]!.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${outcomes[2]!.state.seq}`,
        orderRef: REF,
        method: "mobile_money",
        payer: { phone: PHONE },
      },
    ]);
  });

  it("pay another way → manual: pays the order by transfer, no address sent", () => {
    const { outcomes } = play([choice("other"), choice("pay:manual")], cardFailed);
    expect(outcomes[1]!.actions).toEqual([
      { kind: "pay_order", key: `pay:${outcomes[1]!.state.seq}`, orderRef: REF, method: "manual", payer: {} },
    ]);
  });

  it("pay another way → card again: the known address is used, nothing asked", () => {
    const { outcomes } = play([choice("other"), choice("pay:card")], cardFailed);
    expect(outcomes[1]!.replies).toEqual([]);
    expect(outcomes[1]!.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${outcomes[1]!.state.seq}`,
        orderRef: REF,
        method: "card",
        payer: { email: EMAIL },
      },
    ]);
  });

  it("an expired link offers New link too", () => {
    const state = reach([...scripts.awaitingLink, result(expired("card"))]);
    const outcome = step(state, choice("retry"), context);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${state.seq + 1}`,
        orderRef: REF,
        method: "card",
        payer: { email: EMAIL },
      },
    ]);
  });

  it.each([
    ["the cancel button", choice("cancel")],
    ["/cancel", command("cancel")],
    ["its number", text("3")],
  ])("%s cancels that order", (_what, event) => {
    const outcome = step(cardFailed, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${cardFailed.seq + 1}`, orderRef: REF },
    ]);
  });
});

describe("an e-mail address is shown only masked", () => {
  it("in every reply of a card payment that fails, is retried and is refunded", () => {
    const { outcomes } = play([
      ...scripts.enteringEmail,
      text("not an address"),
      text(EMAIL_TYPED),
      result(placedCard({ instructions: `We sent the page to ${EMAIL} too.` })),
      text("what now?"),
      result(failed("card", `Card of ${EMAIL} declined, receipt to ${OTHER_EMAIL}`)),
      text("hello"),
      choice("retry"),
      result({ kind: "order_failed", reason: `Paystack refused ${EMAIL.toUpperCase()}` }),
      choice("pay:card"),
      result(placedCard()),
      command("start"),
      command("help"),
      result(expired("card")),
      result({ kind: "cancel_refused", orderRef: REF, reason: `Ask ${OTHER_EMAIL}` }),
      result({ kind: "payment_confirmed", orderRef: REF, method: "card", receipt: EMAIL }),
      result({ kind: "payment_refunded", orderRef: REF, amount: kes(901) }),
    ]);
    const shown = outcomes.flatMap((o) =>
      o.replies.flatMap((r) => [r.text, r.link?.label ?? "", ...choicesOf(r).map((c) => c.label)]),
    );
    expect(shown.join("\n")).toContain(EMAIL_MASKED);
    expect(shown.join("\n")).toContain(OTHER_EMAIL_MASKED);
    for (const line of shown)
      for (const form of UNMASKED_EMAIL_FORMS) expect(line.toLowerCase()).not.toContain(form);
  });
});
