/** Whole conversations, scripted, as a shopper would have them. */
import { describe, expect, it } from "vitest";
import { initialState, migrateState, step } from "../../src/conversations/machine.js";
import type { ConversationEvent, StepOutcome } from "../../src/conversations/types.js";
import type { ConversationState } from "../../src/domain/conversation.js";
import {
  choice,
  contact,
  context,
  EMAIL,
  EMAIL_TYPED,
  kes,
  LINK,
  lastReply,
  MASKED,
  media,
  PHONE,
  photo,
  REF,
  result,
  text,
} from "./fixtures.js";

/** Plays a script, storing the state as JSON between steps like the runtime does. */
function converse(script: readonly [ConversationEvent, (outcome: StepOutcome) => void][]): ConversationState {
  let stored: unknown = null;
  for (const [event, check] of script) {
    const outcome = step(migrateState(stored), event, context);
    check(outcome);
    stored = JSON.parse(JSON.stringify(outcome.state));
  }
  return migrateState(stored);
}

describe("a Telegram shopper, buttons all the way", () => {
  it("new → browse → add → cart → inc/dec → checkout → manual → receipt → confirmed", () => {
    const final = converse([
      [
        text("hi"),
        (o) => {
          expect(o.state.step).toEqual({ name: "browsing" });
          expect(lastReply(o).text).toContain("Welcome to *Mama Mboga*");
        },
      ],
      [choice("p:EGGS12"), (o) => expect(o.state.step).toEqual({ name: "choosing_quantity", sku: "EGGS12" })],
      [
        choice("q:EGGS12:2"),
        (o) => {
          expect(o.state.cart).toEqual([{ sku: "EGGS12", quantity: 2 }]);
          expect(lastReply(o).text).toBe("Added 2 × Eggs, tray of 12. Cart total: *KES 901.00*");
        },
      ],
      [choice("shop"), (o) => expect(o.state.step).toEqual({ name: "browsing" })],
      [choice("p:SUKUMA"), (o) => expect(o.state.step).toEqual({ name: "choosing_quantity", sku: "SUKUMA" })],
      [choice("q:SUKUMA:1"), (o) => expect(lastReply(o).text).toContain("Cart total: *KES 931.00*")],
      [
        choice("cart"),
        (o) => {
          expect(o.state.step).toEqual({ name: "viewing_cart" });
          expect(lastReply(o).text).toContain("Total: *KES 931.00*");
        },
      ],
      [choice("inc:SUKUMA"), (o) => expect(lastReply(o).text).toContain("Total: *KES 961.00*")],
      [choice("dec:EGGS12"), (o) => expect(lastReply(o).text).toContain("Total: *KES 510.50*")],
      [
        choice("checkout"),
        (o) => {
          expect(o.state.step).toEqual({ name: "choosing_payment" });
          expect(lastReply(o).text).toContain("Total: *KES 510.50*");
        },
      ],
      [
        choice("pay:manual"),
        (o) => {
          expect(o.replies).toEqual([]);
          expect(o.actions).toEqual([
            {
              kind: "place_order",
              key: `place:${o.state.seq}`,
              lines: [
                { sku: "EGGS12", quantity: 1 },
                { sku: "SUKUMA", quantity: 2 },
              ],
              method: "manual",
              payer: {},
            },
          ]);
        },
      ],
      [
        result({
          kind: "order_placed",
          orderRef: REF,
          method: "manual",
          total: kes(510.5),
          instructions: "Pay to Till 123456.",
        }),
        (o) => {
          expect(o.state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
          expect(o.state.cart).toEqual([]);
          expect(lastReply(o).text).toContain(`*${REF}*`);
          expect(lastReply(o).text).toContain("*KES 510.50*");
        },
      ],
      [
        media(),
        (o) =>
          expect(o.actions).toEqual([
            { kind: "submit_proof", key: `proof:${o.state.seq}`, orderRef: REF, media: photo },
          ]),
      ],
      [
        result({ kind: "proof_received", orderRef: REF }),
        (o) => expect(o.state.step).toEqual({ name: "proof_under_review", orderRef: REF }),
      ],
      [
        result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money" }),
        (o) => {
          expect(o.state.step).toEqual({ name: "browsing" });
          expect(lastReply(o).text).toBe(`✅ Payment for *${REF}* confirmed. Thank you!`);
        },
      ],
      [choice("shop"), (o) => expect(o.state.step).toEqual({ name: "browsing" })],
    ]);
    expect(final.seq).toBe(16);
    expect(final.cart).toEqual([]);
  });
});

describe("a WhatsApp shopper, typing numbers and labels", () => {
  it("orders, has a receipt rejected, sends a new one and gets confirmed", () => {
    converse([
      [text("Habari"), (o) => expect(o.state.step).toEqual({ name: "browsing" })],
      [text("3"), (o) => expect(o.state.step).toEqual({ name: "choosing_quantity", sku: "MILK-1L" })],
      [text("4"), (o) => expect(o.state.cart).toEqual([{ sku: "MILK-1L", quantity: 4 }])],
      [text("Checkout"), (o) => expect(o.state.step).toEqual({ name: "choosing_payment" })],
      [text("3"), (o) => expect(o.actions[0]).toMatchObject({ kind: "place_order", method: "manual" })],
      [
        result({
          kind: "order_placed",
          orderRef: REF,
          method: "manual",
          total: kes(260),
          instructions: "Till 123456",
        }),
        (o) => expect(o.state.step).toEqual({ name: "awaiting_proof", orderRef: REF }),
      ],
      [text("nimelipa"), (o) => expect(lastReply(o).text).toContain("photo (or PDF) of the receipt")],
      [media(), (o) => expect(o.actions[0]?.kind).toBe("submit_proof")],
      [
        result({ kind: "proof_received", orderRef: REF }),
        (o) => expect(o.state.step.name).toBe("proof_under_review"),
      ],
      [
        result({ kind: "proof_rejected", orderRef: REF, reason: "The amount is not visible" }),
        (o) => {
          expect(o.state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
          expect(lastReply(o).text).toContain("The amount is not visible.");
        },
      ],
      [media(), (o) => expect(o.actions[0]).toMatchObject({ kind: "submit_proof", orderRef: REF })],
      [
        result({ kind: "proof_received", orderRef: REF }),
        (o) => expect(o.state.step.name).toBe("proof_under_review"),
      ],
      [
        result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money" }),
        (o) => expect(o.state.step.name).toBe("browsing"),
      ],
    ]);
  });

  it("changes their mind: cancels the order waiting for a receipt", () => {
    const state = converse([
      [text("hi"), () => {}],
      [text("1"), () => {}],
      [text("2"), () => {}],
      [text("checkout"), () => {}],
      [text("bank transfer / manual"), (o) => expect(o.actions).toHaveLength(1)],
      [
        result({
          kind: "order_placed",
          orderRef: REF,
          method: "manual",
          total: kes(60),
          instructions: "Till",
        }),
        () => {},
      ],
      [
        text("1"),
        (o) =>
          expect(o.actions).toEqual([{ kind: "cancel_order", key: `cancel:${o.state.seq}`, orderRef: REF }]),
      ],
      [
        result({ kind: "order_cancelled", orderRef: REF }),
        (o) => expect(lastReply(o).text).toBe(`Order *${REF}* cancelled.`),
      ],
    ]);
    expect(state.step).toEqual({ name: "browsing" });
    expect(state.seq).toBe(8);
  });
});

describe("an M-Pesa shopper", () => {
  const placed = result({
    kind: "order_placed",
    orderRef: REF,
    method: "mobile_money",
    total: kes(60),
    instructions: "",
  });
  const pushSent = `📲 Check your phone: we sent an M-Pesa request for *KES 60.00* to ${MASKED} (order *${REF}*). Enter your M-Pesa PIN to pay.`;

  it("browse → add → checkout → M-Pesa → number → push → failed → retry → push → confirmed", () => {
    const final = converse([
      [text("hi"), (o) => expect(o.state.step).toEqual({ name: "browsing" })],
      [choice("p:SUKUMA"), (o) => expect(o.state.step).toEqual({ name: "choosing_quantity", sku: "SUKUMA" })],
      [choice("q:SUKUMA:2"), (o) => expect(lastReply(o).text).toContain("Cart total: *KES 60.00*")],
      [choice("checkout"), (o) => expect(o.state.step).toEqual({ name: "choosing_payment" })],
      [
        choice("pay:mobile_money"),
        (o) => {
          expect(o.state.step).toEqual({ name: "entering_payer", method: "mobile_money", field: "phone" });
          expect(lastReply(o).text).toBe("Which M-Pesa number should get the payment request?");
          expect(lastReply(o).requestContact).toBe("📱 Share my number");
          expect(o.actions).toEqual([]);
        },
      ],
      [
        text("0711 22 33 4"),
        (o) => {
          expect(lastReply(o).text).toContain("That is not an M-Pesa number I can use.");
          expect(o.actions).toEqual([]);
        },
      ],
      [
        text("0711 223 344"),
        (o) => {
          expect(o.replies).toEqual([]);
          expect(o.actions).toEqual([
            {
              kind: "place_order",
              key: `place:${o.state.seq}`,
              lines: [{ sku: "SUKUMA", quantity: 2 }],
              method: "mobile_money",
              payer: { phone: PHONE },
            },
          ]);
        },
      ],
      [
        placed,
        (o) => {
          expect(o.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
          expect(o.state.cart).toEqual([]);
          expect(lastReply(o).text).toBe(pushSent);
        },
      ],
      [
        media(),
        (o) => {
          expect(o.actions).toEqual([]);
          expect(lastReply(o).text).toContain("No receipt is needed for M-Pesa");
        },
      ],
      [
        result({
          kind: "payment_failed",
          orderRef: REF,
          reason: "The request was cancelled by the user",
          method: "mobile_money",
        }),
        (o) => {
          expect(o.state.step).toEqual({ name: "payment_failed", orderRef: REF, method: "mobile_money" });
          expect(lastReply(o).text).toBe(
            `❌ The M-Pesa payment for *${REF}* did not go through: The request was cancelled by the user.`,
          );
        },
      ],
      [
        choice("retry"),
        (o) => {
          expect(o.replies).toEqual([]);
          expect(o.actions).toEqual([
            {
              kind: "pay_order",
              key: `pay:${o.state.seq}`,
              orderRef: REF,
              method: "mobile_money",
              payer: { phone: PHONE },
            },
          ]);
        },
      ],
      [
        placed,
        (o) => {
          expect(o.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
          expect(lastReply(o).text).toBe(pushSent);
        },
      ],
      [
        result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money", receipt: "NLJ7RT61SV" }),
        (o) => {
          expect(o.state.step).toEqual({ name: "browsing" });
          expect(lastReply(o).text).toBe(
            `✅ Payment for *${REF}* confirmed (M-Pesa receipt *NLJ7RT61SV*). Thank you!`,
          );
          expect(lastReply(o).choices).toEqual([[{ label: "🛍 See the catalog", data: "shop" }]]);
        },
      ],
    ]);
    expect(final.seq).toBe(13);
    expect(final.payer?.phone).toBe(PHONE);
    expect(final.cart).toEqual([]);
  });

  it("next time the number is offered; an expired request is paid by transfer instead", () => {
    converse([
      [text("hi"), () => {}],
      [text("1"), () => {}],
      [text("2"), () => {}],
      [text("checkout"), () => {}],
      [
        text("1"),
        (o) =>
          expect(o.state.step).toEqual({ name: "entering_payer", method: "mobile_money", field: "phone" }),
      ],
      [
        contact("+254711223344", true),
        (o) => expect(o.actions[0]).toMatchObject({ payer: { phone: PHONE } }),
      ],
      [
        placed,
        (o) =>
          expect(o.state.step).toEqual({ name: "awaiting_payment", orderRef: REF, method: "mobile_money" }),
      ],
      [
        result({ kind: "payment_expired", orderRef: REF, method: "mobile_money" }),
        (o) => expect(lastReply(o).text).toContain(`M-Pesa did not confirm *${REF}* in time`),
      ],
      [
        text("pay another way"),
        (o) =>
          expect(o.state.step).toEqual({ name: "choosing_payment", orderRef: REF, method: "mobile_money" }),
      ],
      [
        text("bank transfer / manual"),
        (o) =>
          expect(o.actions).toEqual([
            { kind: "pay_order", key: `pay:${o.state.seq}`, orderRef: REF, method: "manual", payer: {} },
          ]),
      ],
      [
        result({
          kind: "order_placed",
          orderRef: REF,
          method: "manual",
          total: kes(60),
          instructions: "Till 1",
        }),
        (o) => expect(o.state.step).toEqual({ name: "awaiting_proof", orderRef: REF }),
      ],
      [
        media(),
        (o) =>
          expect(o.actions).toEqual([
            { kind: "submit_proof", key: `proof:${o.state.seq}`, orderRef: REF, media: photo },
          ]),
      ],
      [
        result({ kind: "proof_received", orderRef: REF }),
        (o) => expect(o.state.step.name).toBe("proof_under_review"),
      ],
      [
        result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money" }),
        (o) => expect(o.state.step.name).toBe("browsing"),
      ],
      [text("milk 1l"), () => {}],
      [text("1"), () => {}],
      [text("checkout"), () => {}],
      [
        text("m-pesa"),
        (o) =>
          expect(lastReply(o).choices).toEqual([
            [{ label: `📱 Use ${MASKED}`, data: "phone:use" }],
            [{ label: "⬅️ Back", data: "checkout" }],
          ]),
      ],
      [
        text("1"),
        (o) =>
          expect(o.actions).toEqual([
            {
              kind: "place_order",
              key: `place:${o.state.seq}`,
              lines: [{ sku: "MILK-1L", quantity: 1 }],
              method: "mobile_money",
              payer: { phone: PHONE },
            },
          ]),
      ],
    ]);
  });
});

describe("a card shopper", () => {
  const placed = result({
    kind: "order_placed",
    orderRef: REF,
    method: "card",
    total: kes(60),
    instructions: "",
    link: LINK,
  });
  const linkSent = `💳 Tap the button to pay *KES 60.00* for order *${REF}* by card. I'll message you here when it's paid.`;
  const cardChoices = [
    [{ label: "🔁 New link", data: "retry" }],
    [{ label: "💳 Pay another way", data: "other" }],
    [{ label: "❌ Cancel order", data: "cancel" }],
  ];

  it("browse → add → checkout → card → e-mail → link → failed → New link → link → confirmed", () => {
    const final = converse([
      [text("hi"), (o) => expect(o.state.step).toEqual({ name: "browsing" })],
      [choice("p:SUKUMA"), (o) => expect(o.state.step).toEqual({ name: "choosing_quantity", sku: "SUKUMA" })],
      [choice("q:SUKUMA:2"), (o) => expect(lastReply(o).text).toContain("Cart total: *KES 60.00*")],
      [choice("checkout"), (o) => expect(o.state.step).toEqual({ name: "choosing_payment" })],
      [
        choice("pay:card"),
        (o) => {
          expect(o.state.step).toEqual({ name: "entering_payer", method: "card", field: "email" });
          expect(lastReply(o)).toEqual({
            text: "Paying by card needs an e-mail address for the receipt. What is yours?",
            choices: [[{ label: "⬅️ Back", data: "checkout" }]],
          });
          expect(o.actions).toEqual([]);
        },
      ],
      [
        text("wanjiku at gmail"),
        (o) => {
          expect(lastReply(o).text).toContain("That does not look like an e-mail address.");
          expect(o.actions).toEqual([]);
        },
      ],
      [
        text(EMAIL_TYPED),
        (o) => {
          expect(o.replies).toEqual([]);
          expect(o.actions).toEqual([
            {
              kind: "place_order",
              key: `place:${o.state.seq}`,
              lines: [{ sku: "SUKUMA", quantity: 2 }],
              method: "card",
              payer: { email: EMAIL },
            },
          ]);
        },
      ],
      [
        placed,
        (o) => {
          expect(o.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
          expect(o.state.cart).toEqual([]);
          expect(o.replies).toEqual([{ text: linkSent, link: LINK, choices: cardChoices }]);
        },
      ],
      [
        media(),
        (o) => {
          expect(o.actions).toEqual([]);
          expect(lastReply(o).text).toContain("No receipt is needed for card payments.");
        },
      ],
      [
        result({ kind: "payment_failed", orderRef: REF, reason: "Insufficient funds", method: "card" }),
        (o) => {
          expect(o.state.step).toEqual({ name: "payment_failed", orderRef: REF, method: "card" });
          expect(o.replies).toEqual([
            {
              text: `❌ The card payment for *${REF}* did not go through: Insufficient funds.`,
              choices: cardChoices,
            },
          ]);
        },
      ],
      [
        choice("retry"),
        (o) => {
          expect(o.replies).toEqual([]);
          expect(o.actions).toEqual([
            {
              kind: "pay_order",
              key: `pay:${o.state.seq}`,
              orderRef: REF,
              method: "card",
              payer: { email: EMAIL },
            },
          ]);
        },
      ],
      [
        placed,
        (o) => {
          expect(o.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
          expect(lastReply(o).link).toEqual(LINK);
        },
      ],
      [
        result({ kind: "payment_confirmed", orderRef: REF, receipt: "T685312", method: "card" }),
        (o) => {
          expect(o.state.step).toEqual({ name: "browsing" });
          expect(lastReply(o).text).toBe(
            `✅ Payment for *${REF}* confirmed (reference *T685312*). Thank you!`,
          );
          expect(lastReply(o).choices).toEqual([[{ label: "🛍 See the catalog", data: "shop" }]]);
        },
      ],
    ]);
    expect(final.seq).toBe(13);
    expect(final.payer?.email).toBe(EMAIL);
    expect(final.cart).toEqual([]);
  });

  it("next time the address is not asked again; a refund is announced", () => {
    converse([
      [text("hi"), () => {}],
      [text("1"), () => {}],
      [text("2"), () => {}],
      [text("checkout"), () => {}],
      [
        text("card (paystack)"),
        (o) => expect(o.state.step).toEqual({ name: "entering_payer", method: "card", field: "email" }),
      ],
      [text(EMAIL), (o) => expect(o.actions[0]).toMatchObject({ method: "card", payer: { email: EMAIL } })],
      [
        placed,
        (o) => expect(o.state.step).toEqual({ name: "awaiting_payment", orderRef: REF, method: "card" }),
      ],
      [
        result({ kind: "payment_confirmed", orderRef: REF, method: "card" }),
        (o) => expect(o.state.step.name).toBe("browsing"),
      ],
      [text("milk 1l"), () => {}],
      [text("1"), () => {}],
      [text("checkout"), () => {}],
      [
        text("2"),
        (o) => {
          expect(o.replies).toEqual([]);
          expect(o.actions).toEqual([
            {
              kind: "place_order",
              key: `place:${o.state.seq}`,
              lines: [{ sku: "MILK-1L", quantity: 1 }],
              method: "card",
              payer: { email: EMAIL },
            },
          ]);
        },
      ],
      [
        result({ kind: "payment_refunded", orderRef: REF, amount: kes(60) }),
        (o) =>
          expect(lastReply(o).text).toBe(`↩️ *${REF}* was refunded: *KES 60.00* is on its way back to you.`),
      ],
    ]);
  });
});

it("initialState is where a stored nothing starts", () => {
  expect(migrateState(null)).toEqual(initialState());
});
