/** Paying by M-Pesa: the number prompt, the wait for the PIN, and what follows a failure. */
import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import type { ConversationEvent, StepContext } from "../../src/conversations/types.js";
import type { ConversationState, ResultEvent } from "../../src/domain/conversation.js";
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
  kes,
  lastReply,
  MASKED,
  media,
  OTHER_MASKED,
  OTHER_PHONE,
  OTHER_REF,
  PHONE,
  pdf,
  play,
  REF,
  reach,
  result,
  scripts,
  stateAt,
  text,
  unsupported,
  withoutSeqAndMenu,
} from "./fixtures.js";

const ASK = "Which M-Pesa number should get the payment request?";
const ASK_FOR_ORDER = `Which M-Pesa number should get the payment request for *${REF}*?`;
const INVALID = "That is not an M-Pesa number I can use. Send it like 0712 345 678.";
const FOREIGN_CONTACT = "Please share your own number, or type the number to charge.";
const WAITING = `Waiting for your M-Pesa PIN for *${REF}*. Check your phone. If nothing came, wait a minute: I'll offer to send it again.`;
const NO_RECEIPT = "No receipt is needed for M-Pesa: just enter your PIN on your phone.";
const STALE = "That button is from an older message.";

const cancelRow = [{ label: "❌ Cancel order", data: "cancel" }];
const failedChoices = [
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

const placedMpesa = (total = kes(901), orderRef = REF): Extract<ResultEvent, { kind: "order_placed" }> => ({
  kind: "order_placed",
  orderRef,
  method: "mobile_money",
  total,
  instructions: "",
});
const paymentFailed = (reason = "You cancelled the request", orderRef = REF): ResultEvent => ({
  kind: "payment_failed",
  orderRef,
  reason,
  method: "mobile_money",
});
const expired: ResultEvent = { kind: "payment_expired", orderRef: REF, method: "mobile_money" };

/** The number prompt reached from checkout, with the number already known or not. */
const enteringPhone = reach(scripts.enteringPhone);
const enteringKnown = { ...reach(scripts.payment), payer: { phone: PHONE } };
const enteringWithKnown = step(enteringKnown, choice("pay:mobile_money"), context).state;
const awaitingPush = reach(scripts.awaitingPush);
const failed = reach(scripts.paymentFailed);
/** A failed payment whose number is not known (it expired while the shopper was browsing). */
const failedNoPhone = reach([...scripts.addedEggs, result(expired)]);
const payingOrder = reach([...scripts.paymentFailed, choice("other")]);
const enteringForOrder = reach([...scripts.paymentFailed, choice("other"), choice("pay:mobile_money")]);

describe('"pay:mobile_money" in choosing_payment', () => {
  const paying = reach(scripts.payment);

  it.each([
    ["the button", choice("pay:mobile_money")],
    ["its number", text("1")],
    ["its label", text("m-pesa")],
  ])("%s asks for the number, places nothing yet", (_what, event) => {
    const outcome = step(paying, event, context);
    expect(outcome.state.step).toEqual({ name: "entering_payer", method: "mobile_money", field: "phone" });
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.cart).toEqual(eggs);
    expect(outcome.replies).toEqual([
      { text: ASK, choices: [[{ label: "⬅️ Back", data: "checkout" }]], requestContact: "📱 Share my number" },
    ]);
    expect(outcome.state.menu).toEqual([{ label: "⬅️ Back", data: "checkout" }]);
  });

  it.each([
    ["the number last used", { ...paying, payer: { phone: PHONE } }, context, MASKED],
    ["the channel's number", paying, { ...context, customerPhone: OTHER_PHONE }, OTHER_MASKED],
    [
      "the number last used over the channel's",
      { ...paying, payer: { phone: PHONE } },
      { ...context, customerPhone: OTHER_PHONE },
      MASKED,
    ],
  ] as [string, ConversationState, StepContext, string][])(
    "offers %s, masked, above Back",
    (_what, state, ctx, masked) => {
      const outcome = step(state, choice("pay:mobile_money"), ctx);
      expect(lastReply(outcome).choices).toEqual([
        [{ label: `📱 Use ${masked}`, data: "phone:use" }],
        [{ label: "⬅️ Back", data: "checkout" }],
      ]);
      expect(lastReply(outcome).requestContact).toBe("📱 Share my number");
    },
  );

  it("does not offer a channel number that is not a Kenyan mobile number", () => {
    const outcome = step(paying, choice("pay:mobile_money"), { ...context, customerPhone: "15551234567" });
    expect(dataOf(outcome)).toEqual(["checkout"]);
  });

  it("M-Pesa switched off since the summary: the options again, no number asked", () => {
    const outcome = step(paying, choice("pay:mobile_money"), {
      ...context,
      paymentOptions: [{ method: "manual", label: "Bank transfer / manual" }],
    });
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(dataOf(outcome)).toEqual(["pay:manual", "cart"]);
  });

  it("a cart emptied meanwhile shows the catalog instead", () => {
    const outcome = step({ ...paying, cart: [] }, choice("pay:mobile_money"), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("Your cart is empty.");
  });
});

describe('step "entering_phone" (the cart\'s order)', () => {
  const placeWith = (state: ConversationState, phone: string) => [
    {
      kind: "place_order",
      key: `place:${state.seq + 1}`,
      lines: eggs,
      method: "mobile_money",
      payer: { phone },
    },
  ];

  it.each([
    ["0711223344", PHONE],
    ["0711 223 344", PHONE],
    ["+254 711 223 344", PHONE],
    ["254711223344", PHONE],
    ["711223344", PHONE],
    [" 0711-223-344 ", PHONE],
    ["0110 123 456", "254110123456"],
    ["+254798765432", OTHER_PHONE],
  ])("typed %j places the order, charging %s, with no reply", (typed, phone) => {
    const outcome = step(enteringPhone, text(typed), context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual(placeWith(enteringPhone, phone));
    expect(outcome.state.payer?.phone).toBe(phone);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(outcome.state.cart).toEqual(eggs);
    expect(outcome.state.menu).toEqual([]);
  });

  it.each([
    ["the Use button", choice("phone:use")],
    ["its number", text("1")],
  ])("%s charges the number known", (_what, event) => {
    const outcome = step(enteringWithKnown, event, context);
    expect(outcome.actions).toEqual(placeWith(enteringWithKnown, PHONE));
    expect(outcome.replies).toEqual([]);
  });

  it("the Use button charges the channel's number and remembers it", () => {
    const ctx = { ...context, customerPhone: OTHER_PHONE };
    const state = step(reach(scripts.payment), choice("pay:mobile_money"), ctx).state;
    const outcome = step(state, choice("phone:use"), ctx);
    expect(outcome.actions).toEqual(placeWith(state, OTHER_PHONE));
    expect(outcome.state.payer?.phone).toBe(OTHER_PHONE);
  });

  it("a newly typed number replaces the one known", () => {
    const outcome = step(enteringWithKnown, text("0798 765 432"), context);
    expect(outcome.actions).toEqual(placeWith(enteringWithKnown, OTHER_PHONE));
    expect(outcome.state.payer?.phone).toBe(OTHER_PHONE);
  });

  it.each([
    ["+254711223344", PHONE],
    ["254711223344", PHONE],
    ["0798765432", OTHER_PHONE],
  ])("the shopper's own contact %s is charged", (shared, phone) => {
    const outcome = step(enteringPhone, contact(shared, true), context);
    expect(outcome.actions).toEqual(placeWith(enteringPhone, phone));
    expect(outcome.state.payer?.phone).toBe(phone);
  });

  const bad: [string, ConversationEvent, string][] = [
    ["a short number", text("0711 223 34"), INVALID],
    ["a long number", text("07112233445"), INVALID],
    ["a landline", text("020 123 4567"), INVALID],
    ["a number starting 08", text("0811223344"), INVALID],
    ["a Tanzanian number", text("+255 711 223 344"), INVALID],
    ["a US number", text("+1 202 555 0100"), INVALID],
    ["words", text("my number is mine"), INVALID],
    ["a product name", text("Milk 1L"), INVALID],
    ["a greeting", text("hi"), INVALID],
    ["a number beyond the menu", text("7"), INVALID],
    ["an empty text", text(""), INVALID],
    ["a foreign own contact", contact("+255711223344", true), INVALID],
    ["someone else's contact", contact("+254711223344", false), FOREIGN_CONTACT],
    ["a photo", media(), "Please type the number, like 0712 345 678."],
    ["a PDF", media(pdf), "Please type the number, like 0712 345 678."],
    ["a sticker", unsupported("sticker"), "Sorry, I can't read stickers."],
    ["a voice note", unsupported("voice"), "Sorry, I can't read voice messages."],
    ["an unknown command", command("mpesa"), "I don't know /mpesa."],
    ["garbage choice data", choice("zzz"), STALE],
    ["a Use button not offered", choice("phone:use"), STALE],
    ["a payment button of the older summary", choice("pay:manual"), STALE],
    ["a retry button", choice("retry"), STALE],
    ["a pay-another-way button", choice("other"), STALE],
    ["phone: data", choice("phone:0711223344"), STALE],
  ];

  it.each(bad)("%s: a note and the same prompt, nothing placed or remembered", (_what, event, note) => {
    const outcome = step(enteringPhone, event, context);
    const reply = lastReply(outcome);
    expect(reply.text).toContain(note);
    expect(reply.text).toContain(ASK);
    expect(reply.choices).toEqual([[{ label: "⬅️ Back", data: "checkout" }]]);
    expect(reply.requestContact).toBe("📱 Share my number");
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.payer?.phone).toBeUndefined();
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(enteringPhone));
  });

  it("the invalid-number note is exactly the one promised", () => {
    expect(lastReply(step(enteringPhone, text("12345"), context)).text).toBe(`${INVALID}\n\n${ASK}`);
  });

  it("product buttons of an earlier catalog still work (no order exists yet)", () => {
    const outcome = step(enteringPhone, choice("p:SUKUMA"), context);
    expect(outcome.state.step).toEqual({ name: "choosing_quantity", sku: "SUKUMA" });
  });

  it.each([
    ["the Back button", choice("checkout")],
    ["its label typed", text("back")],
  ])("%s returns to the summary and its options", (_what, event) => {
    const outcome = step(enteringPhone, event, context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:card", "pay:manual", "cart"]);
  });

  it("/cancel empties the cart (there is no order yet)", () => {
    const outcome = step(enteringPhone, command("cancel"), context);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
  });

  it("a number sent twice places one order", () => {
    const { outcomes } = play([text("0711223344"), text("0711223344")], enteringPhone);
    expect(outcomes[0]!.actions).toHaveLength(1);
    expect(outcomes[1]!.actions).toEqual([]);
  });

  it("a product that left the catalog meanwhile: no order, the summary again, the number kept", () => {
    const smaller = { ...context, catalog: { ...catalog, products: catalog.products.slice(0, 1) } };
    const outcome = step(enteringPhone, text("0711223344"), smaller);
    expect(outcome.actions).toEqual([]);
    expect(allText(outcome)).toContain("no longer available");
    expect(outcome.state.payer?.phone).toBe(PHONE);
  });

  it("M-Pesa switched off meanwhile: no order, the options again", () => {
    const outcome = step(enteringPhone, text("0711223344"), {
      ...context,
      paymentOptions: [{ method: "manual", label: "Bank transfer / manual" }],
    });
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
  });
});

describe('step "entering_phone" (an existing order)', () => {
  it("asks for the order's number and offers Back to its ways to pay", () => {
    const outcome = step(payingOrder, choice("pay:mobile_money"), context);
    expect(outcome.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "phone",
      orderRef: REF,
    });
    expect(lastReply(outcome)).toEqual({
      text: ASK_FOR_ORDER,
      choices: [[{ label: `📱 Use ${MASKED}`, data: "phone:use" }], [{ label: "⬅️ Back", data: "other" }]],
      requestContact: "📱 Share my number",
    });
  });

  it.each([
    ["a typed number", text("0798765432"), OTHER_PHONE],
    ["the Use button", choice("phone:use"), PHONE],
    ["the own contact", contact("+254798765432"), OTHER_PHONE],
  ])("%s pays the order again, with no reply", (_what, event, phone) => {
    const outcome = step(enteringForOrder, event, context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${enteringForOrder.seq + 1}`,
        orderRef: REF,
        method: "mobile_money",
        payer: { phone },
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" });
    expect(outcome.state.payer?.phone).toBe(phone);
  });

  it("Back shows the order's ways to pay", () => {
    const outcome = step(enteringForOrder, choice("other"), context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" });
    expect(lastReply(outcome).choices).toEqual(everyWayToPay);
  });

  it.each([
    ["text", text("nope"), INVALID],
    ["a photo", media(), "Please type the number"],
    ["someone else's contact", contact("0798765432", false), FOREIGN_CONTACT],
    ["a stale browsing button", choice("shop"), STALE],
  ])("%s: a note and the order's number prompt", (_what, event, note) => {
    const outcome = step(enteringForOrder, event, context);
    expect(lastReply(outcome).text).toContain(note);
    expect(lastReply(outcome).text).toContain(ASK_FOR_ORDER);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "phone",
      orderRef: REF,
    });
  });

  it.each([
    ["/cancel", command("cancel")],
    ["the word cancel", text("cancel")],
  ])("%s cancels that order", (_what, event) => {
    const outcome = step(enteringForOrder, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${enteringForOrder.seq + 1}`, orderRef: REF },
    ]);
  });
});

describe("order_placed with M-Pesa", () => {
  const placing = step(enteringPhone, text("0711 223 344"), context).state;

  it("clears the cart, says where the request went (masked) and waits for the PIN", () => {
    const outcome = step(placing, result(placedMpesa(kes(60))), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.payer?.phone).toBe(PHONE);
    expect(outcome.replies).toEqual([
      {
        text: `📲 Check your phone: we sent an M-Pesa request for *KES 60.00* to ${MASKED} (order *${REF}*). Enter your M-Pesa PIN to pay.`,
        choices: [cancelRow],
      },
    ]);
    expect(outcome.actions).toEqual([]);
  });

  it("with a provider's payment page (Flutterwave), gives its link instead of a phone to check", () => {
    const link = { label: "Pay KES 60.00", url: "https://checkout.example/pay/1" };
    const outcome = step(placing, result({ ...placedMpesa(kes(60)), link }), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
    expect(outcome.replies).toEqual([
      {
        text: `📲 Tap the button to pay *KES 60.00* for order *${REF}* with M-Pesa: the page sends the request to your phone. I'll message you here when it's paid.`,
        link,
        choices: [cancelRow],
      },
    ]);
  });

  it("without a known number says 'your phone'", () => {
    const outcome = step(reach(scripts.payment), result(placedMpesa()), context);
    expect(lastReply(outcome).text).toContain("to your phone (order");
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
  });

  it("for an order paid again, the new cart is kept", () => {
    const paying = { ...step(enteringForOrder, choice("phone:use"), context).state, cart: eggs };
    const outcome = step(paying, result(placedMpesa()), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
    expect(outcome.state.cart).toEqual(eggs);
  });

  it("arriving while the shopper is elsewhere, it still waits for that PIN", () => {
    const outcome = step(reach(scripts.quantityEggs), result(placedMpesa()), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
    expect(dataOf(outcome)).toEqual(["cancel"]);
  });
});

describe("order_failed while paying", () => {
  const reason = "M-Pesa is down";

  it.each([
    ["paying an order another way", payingOrder],
    ["entering the order's number", enteringForOrder],
    ["after its payment failed", failed],
    ["while the retry is under way", step(failed, choice("retry"), context).state],
  ])("%s: the reason and that order's ways to pay", (_what, state) => {
    const outcome = step(state, result({ kind: "order_failed", reason }), context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" });
    expect(lastReply(outcome).text).toBe(
      `Sorry, we couldn't place your order: M-Pesa is down. You can try again or pick another way to pay.\n\nHow would you like to pay for *${REF}*?`,
    );
    expect(lastReply(outcome).choices).toEqual(everyWayToPay);
  });

  it("for the cart's order: the checkout summary, as before", () => {
    const placing = step(enteringPhone, text("0711223344"), context).state;
    const outcome = step(placing, result({ kind: "order_failed", reason }), context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(outcome.state.cart).toEqual(eggs);
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:card", "pay:manual", "cart"]);
  });

  it("masks a number the reason quotes", () => {
    const placing = step(enteringPhone, text("0711223344"), context).state;
    const outcome = step(
      placing,
      result({ kind: "order_failed", reason: "0711 223 344 is barred" }),
      context,
    );
    expect(lastReply(outcome).text).toContain(`${MASKED} is barred.`);
  });
});

describe('step "awaiting_push"', () => {
  it.each([["I paid"], ["hello"], ["0711223344"], ["500"], ["NLJ7RT61SV"], ["dk-7f3k2"], ["Milk 1L"]])(
    "text %j: the wait explained, with the Cancel button",
    (typed) => {
      const outcome = step(awaitingPush, text(typed), context);
      expect(outcome.replies).toEqual([{ text: WAITING, choices: [cancelRow] }]);
      expect(outcome.actions).toEqual([]);
      expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(awaitingPush));
    },
  );

  it.each([
    ["a photo", media()],
    ["a PDF", media(pdf)],
    ["a photo captioned as a receipt", media(undefined, "receipt")],
  ])("%s is never taken as a receipt", (_what, event) => {
    const outcome = step(awaitingPush, event, context);
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toBe(`${NO_RECEIPT}\n\n${WAITING}`);
    expect(outcome.state.step).toEqual(awaitingPush.step);
  });

  it.each([
    ["the cancel button", choice("cancel")],
    ["/cancel", command("cancel")],
    ["the cancel label typed", text("cancel order")],
    ["the word cancel", text("Cancel")],
    ["its number", text("1")],
  ])("%s asks the runtime to cancel that order", (_what, event) => {
    const outcome = step(awaitingPush, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${awaitingPush.seq + 1}`, orderRef: REF },
    ]);
    expect(outcome.replies).toEqual([]);
    expect(outcome.state.step).toEqual(awaitingPush.step);
  });

  it.each([
    ["a product button of an earlier catalog", choice("p:EGGS12"), STALE],
    ["the catalog button of an earlier message", choice("shop"), STALE],
    ["the cart button of an earlier message", choice("cart"), STALE],
    ["a retry button not offered", choice("retry"), STALE],
    ["a Use button not offered", choice("phone:use"), STALE],
    ["garbage", choice("zzz"), STALE],
    ["a contact", contact(), "I don't need a contact card"],
    ["a sticker", unsupported("sticker"), "I can't read stickers"],
    ["an unknown command", command("xyz"), "I don't know /xyz."],
  ])("%s: a note and the wait explained; the order stays in focus", (_what, event, note) => {
    const outcome = step(awaitingPush, event, context);
    expect(lastReply(outcome).text).toBe(`${lastReply(outcome).text.split("\n\n")[0]}\n\n${WAITING}`);
    expect(lastReply(outcome).text).toContain(note);
    expect(outcome.actions).toEqual([]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(awaitingPush));
  });

  it("/start greets, reminds of the PIN and keeps waiting for it", () => {
    const outcome = step(awaitingPush, command("start"), context);
    expect(lastReply(outcome).text).toContain(
      `📲 Order *${REF}* is waiting for your M-Pesa PIN: check your phone, or /cancel.`,
    );
    expect(outcome.state.step).toEqual(awaitingPush.step);
  });

  it("/help mentions the order", () => {
    expect(lastReply(step(awaitingPush, command("help"), context)).text).toContain(`*${REF}*`);
  });
});

describe("payment_confirmed", () => {
  it.each([
    [
      "with the M-Pesa receipt",
      "NLJ7RT61SV",
      `✅ Payment for *${REF}* confirmed (M-Pesa receipt *NLJ7RT61SV*). Thank you!`,
    ],
    ["without a receipt", undefined, `✅ Payment for *${REF}* confirmed. Thank you!`],
    ["with a blank receipt", "  ", `✅ Payment for *${REF}* confirmed. Thank you!`],
    [
      "with asterisks in the receipt",
      "*X1*",
      `✅ Payment for *${REF}* confirmed (M-Pesa receipt *X1*). Thank you!`,
    ],
  ])("%s", (_what, receipt, expected) => {
    const event: ResultEvent =
      receipt === undefined
        ? { kind: "payment_confirmed", orderRef: REF, method: "mobile_money" }
        : { kind: "payment_confirmed", orderRef: REF, method: "mobile_money", receipt };
    const outcome = step(awaitingPush, result(event), context);
    expect(outcome.replies).toEqual([
      { text: expected, choices: [[{ label: "🛍 See the catalog", data: "shop" }]] },
    ]);
  });

  it.each([
    ["awaiting_push of that order", awaitingPush, { name: "browsing" }],
    ["payment_failed of that order", failed, { name: "browsing" }],
    ["paying that order another way", payingOrder, { name: "browsing" }],
    ["entering that order's number", enteringForOrder, { name: "browsing" }],
    [
      "awaiting_push of another order",
      stateAt({ name: "awaiting_payment", method: "mobile_money", orderRef: OTHER_REF }),
      { name: "awaiting_payment", method: "mobile_money", orderRef: OTHER_REF },
    ],
    [
      "entering a number for the cart",
      enteringPhone,
      { name: "entering_payer", method: "mobile_money", field: "phone" },
    ],
    ["browsing with a cart", reach(scripts.addedEggs), { name: "browsing" }],
  ] as [string, ConversationState, unknown][])(
    "in %s: confirms; the step moves on only if it is about the order",
    (_what, state, next) => {
      const outcome = step(
        state,
        result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money", receipt: "NLJ7RT61SV" }),
        context,
      );
      expect(outcome.state.step).toEqual(next);
      expect(outcome.state.cart).toEqual(state.cart);
      expect(lastReply(outcome).text).toContain("NLJ7RT61SV");
    },
  );
});

describe("payment_failed and payment_expired results", () => {
  const elsewhere: [string, ConversationState][] = [
    ["awaiting_push", awaitingPush],
    ["browsing with a cart", reach(scripts.addedEggs)],
    ["choosing a quantity", reach(scripts.quantityEggs)],
    ["entering a number for the cart", enteringPhone],
    ["awaiting a receipt for another order", stateAt({ name: "awaiting_proof", orderRef: OTHER_REF })],
    ["already in payment_failed", failed],
  ];

  it.each(elsewhere)("payment_failed in %s: the reason and three ways on, for that order", (_what, state) => {
    const outcome = step(state, result(paymentFailed("You cancelled the request")), context);
    expect(outcome.replies).toEqual([
      {
        text: `❌ The M-Pesa payment for *${REF}* did not go through: You cancelled the request.`,
        choices: failedChoices,
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "payment_failed", orderRef: REF, method: "mobile_money" });
    expect(outcome.state.cart).toEqual(state.cart);
    expect(outcome.actions).toEqual([]);
  });

  it.each(elsewhere)("payment_expired in %s: says so, offers the same three", (_what, state) => {
    const outcome = step(state, result(expired), context);
    expect(outcome.replies).toEqual([
      {
        text: `⌛ M-Pesa did not confirm *${REF}* in time. If you did not pay, send the request again.`,
        choices: failedChoices,
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "payment_failed", orderRef: REF, method: "mobile_money" });
    expect(outcome.state.cart).toEqual(state.cart);
  });

  it.each([
    ["", "it was not completed."],
    ["Insufficient balance.", "Insufficient balance."],
    ["The request to 0711223344 timed out", `The request to ${MASKED} timed out.`],
    ["Wrong PIN for +254 711 223 344!", `Wrong PIN for ${MASKED}!`],
  ])("reason %j is shown as %j", (reason, shown) => {
    const outcome = step(awaitingPush, result(paymentFailed(reason)), context);
    expect(lastReply(outcome).text).toBe(`❌ The M-Pesa payment for *${REF}* did not go through: ${shown}`);
  });
});

describe('step "payment_failed"', () => {
  it.each([
    ["the retry button", choice("retry")],
    ["its number", text("1")],
    ["its label", text("send the request again")],
  ])("%s with a number known sends the request again to it", (_what, event) => {
    const outcome = step(failed, event, context);
    expect(failed.payer?.phone).toBe(PHONE);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${failed.seq + 1}`,
        orderRef: REF,
        method: "mobile_money",
        payer: { phone: PHONE },
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" });
    expect(outcome.state.menu).toEqual([]);
  });

  it("retry without a number known asks for one, for that order", () => {
    const outcome = step(failedNoPhone, choice("retry"), context);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "phone",
      orderRef: REF,
    });
    expect(lastReply(outcome)).toEqual({
      text: ASK_FOR_ORDER,
      choices: [[{ label: "⬅️ Back", data: "other" }]],
      requestContact: "📱 Share my number",
    });
  });

  it("retry without a remembered number offers the channel's, but does not charge it unasked", () => {
    const ctx = { ...context, customerPhone: OTHER_PHONE };
    const outcome = step(failedNoPhone, choice("retry"), ctx);
    expect(outcome.actions).toEqual([]);
    expect(dataOf(outcome)).toEqual(["phone:use", "other"]);
    const used = step(outcome.state, choice("phone:use"), ctx);
    expect(used.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${outcome.state.seq + 1}`,
        orderRef: REF,
        method: "mobile_money",
        payer: { phone: OTHER_PHONE },
      },
    ]);
  });

  it("retry when M-Pesa is switched off: says so and shows the order's ways to pay", () => {
    const outcome = step(failed, choice("retry"), {
      ...context,
      paymentOptions: [{ method: "manual", label: "Bank transfer / manual" }],
    });
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(dataOf(outcome)).toEqual(["pay:manual", "cancel"]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" });
  });

  it("a double tap on retry sends one request", () => {
    const { outcomes } = play([choice("retry"), choice("retry")], failed);
    expect(outcomes[0]!.actions).toHaveLength(1);
    expect(outcomes[1]!.actions).toEqual([]);
    expect(lastReply(outcomes[1]!).text).toContain(STALE);
  });

  it.each([
    ["the button", choice("other")],
    ["its label", text("pay another way")],
  ])("pay another way (%s) lists every option and Cancel, for that order", (_what, event) => {
    const outcome = step(failed, event, context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" });
    expect(outcome.replies).toEqual([
      { text: `How would you like to pay for *${REF}*?`, choices: everyWayToPay },
    ]);
    expect(outcome.actions).toEqual([]);
  });

  it.each([
    ["the cancel button", choice("cancel")],
    ["/cancel", command("cancel")],
    ["its number", text("3")],
  ])("%s cancels that order", (_what, event) => {
    const outcome = step(failed, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${failed.seq + 1}`, orderRef: REF },
    ]);
  });

  const prompt = `💳 Order *${REF}* is not paid yet. Send the M-Pesa request again, pay another way, or cancel the order.`;

  it.each([["hello"], ["I paid"], ["Milk 1L"]])("text %j shows the step's prompt again", (typed) => {
    const outcome = step(failed, text(typed), context);
    expect(outcome.replies).toEqual([{ text: prompt, choices: failedChoices }]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(failed));
  });

  it.each([
    ["a photo", media(), "I don't need a file for this order now"],
    ["a stale product button", choice("p:EGGS12"), STALE],
    ["a stale payment button", choice("pay:manual"), STALE],
    ["garbage", choice("phone:nope"), STALE],
    ["a contact", contact(), "I don't need a contact card"],
    ["an unknown command", command("retry"), "I don't know /retry."],
  ])("%s: a note and the prompt, nothing done", (_what, event, note) => {
    const outcome = step(failed, event, context);
    expect(lastReply(outcome).text).toBe(`${lastReply(outcome).text.split("\n\n")[0]}\n\n${prompt}`);
    expect(lastReply(outcome).text).toContain(note);
    expect(outcome.actions).toEqual([]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(failed));
  });

  it("/start reminds of the unpaid order and keeps it in focus", () => {
    const outcome = step(failed, command("start"), context);
    expect(lastReply(outcome).text).toContain(
      `💳 Order *${REF}* is not paid yet: send me any message to see how to pay it, or /cancel.`,
    );
    expect(outcome.state.step).toEqual(failed.step);
    expect(lastReply(step(outcome.state, text("ok"), context)).text).toBe(prompt);
  });
});

describe('step "choosing_payment" for an existing order', () => {
  it("manual pays the order by transfer; its order_placed waits for the receipt", () => {
    const { outcomes, state } = play(
      [
        choice("pay:manual"),
        result({
          kind: "order_placed",
          orderRef: REF,
          method: "manual",
          total: kes(901),
          instructions: "Till 123456",
        }),
      ],
      payingOrder,
    );
    expect(outcomes[0]!.replies).toEqual([]);
    expect(outcomes[0]!.actions).toEqual([
      { kind: "pay_order", key: `pay:${payingOrder.seq + 1}`, orderRef: REF, method: "manual", payer: {} },
    ]);
    expect(outcomes[0]!.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "manual" });
    expect(state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
    expect(lastReply(outcomes[1]!).text).toContain("Till 123456");
    expect(lastReply(outcomes[1]!).text).toContain(`*${REF}*`);
  });

  it("card pays the order too (with the e-mail address known; card.test.ts asks for one)", () => {
    const outcome = step({ ...payingOrder, payer: { email: EMAIL } }, choice("pay:card"), context);
    expect(outcome.actions).toEqual([
      {
        kind: "pay_order",
        key: `pay:${payingOrder.seq + 1}`,
        orderRef: REF,
        method: "card",
        payer: { email: EMAIL },
      },
    ]);
  });

  it("M-Pesa asks for the number for that order", () => {
    const outcome = step(payingOrder, text("1"), context);
    expect(outcome.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "phone",
      orderRef: REF,
    });
    expect(outcome.actions).toEqual([]);
  });

  it("a method switched off meanwhile is refused, with the remaining ways", () => {
    const outcome = step(payingOrder, choice("pay:card"), {
      ...context,
      paymentOptions: [{ method: "mobile_money", label: "M-Pesa" }],
    });
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "cancel"]);
  });

  it("without any way to pay says so and offers only Cancel", () => {
    const outcome = step(failed, choice("other"), { ...context, paymentOptions: [] });
    expect(lastReply(outcome).text).toContain(`we can't take payments for *${REF}* right now`);
    expect(dataOf(outcome)).toEqual(["cancel"]);
  });

  it.each([
    ["the cancel button", choice("cancel")],
    ["/cancel", command("cancel")],
  ])("%s cancels that order, not the cart", (_what, event) => {
    const state = { ...payingOrder, cart: eggs };
    const outcome = step(state, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${state.seq + 1}`, orderRef: REF },
    ]);
    expect(outcome.state.cart).toEqual(eggs);
  });

  it.each([
    ["text", text("lipa"), "Sorry, I didn't get that."],
    ["a photo", media(), "I don't need a file for this order now"],
    ["a stale retry button", choice("retry"), STALE],
    ["the cart's checkout button", choice("checkout"), STALE],
  ])("%s: the order's ways to pay again", (_what, event, note) => {
    const outcome = step(payingOrder, event, context);
    expect(lastReply(outcome).text).toContain(note);
    expect(lastReply(outcome).text).toContain(`How would you like to pay for *${REF}*?`);
    expect(lastReply(outcome).choices).toEqual(everyWayToPay);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(payingOrder));
  });

  it("/start while paying an order again leaves it waiting in payment_failed", () => {
    for (const state of [payingOrder, enteringForOrder]) {
      const outcome = step(state, command("start"), context);
      expect(outcome.state.step).toEqual({ name: "payment_failed", orderRef: REF, method: "mobile_money" });
      expect(lastReply(outcome).text).toContain(`Order *${REF}* is not paid yet`);
    }
  });
});

describe("a number is shown only masked", () => {
  it("in every reply of a failing and retried M-Pesa payment", () => {
    const ctx = { ...context, customerPhone: OTHER_PHONE };
    const { outcomes } = play(
      [
        ...scripts.enteringPhone,
        contact("+254711223344"),
        result(placedMpesa()),
        text("what now?"),
        result(paymentFailed("0711223344 did not answer")),
        choice("retry"),
        result(placedMpesa()),
        command("start"),
        command("help"),
        result(expired),
        choice("other"),
        choice("pay:mobile_money"),
      ],
      undefined,
      ctx,
    );
    const shown = outcomes.flatMap((o) =>
      o.replies.flatMap((r) => [r.text, ...choicesOf(r).map((c) => c.label)]),
    );
    expect(shown.join("\n")).toContain(MASKED);
    expect(shown.join("\n")).toContain(OTHER_MASKED);
    for (const line of shown) {
      expect(line).not.toMatch(/711\s?223\s?344/);
      expect(line).not.toMatch(/798\s?765\s?432/);
    }
  });
});
