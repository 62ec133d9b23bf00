/**
 * Properties that hold for every step and every input, checked over the cross product of the
 * reachable states and a broad set of events (good, bad and garbage).
 */
import { describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/types.js";
import { normalizeEmail } from "../../src/conversations/email.js";
import { initialState, step } from "../../src/conversations/machine.js";
import { CHOICE_DATA_MAX_BYTES, parseChoiceData, utf8Length } from "../../src/conversations/tokens.js";
import type { ConversationEvent, StepContext } from "../../src/conversations/types.js";
import type { ConversationState } from "../../src/domain/conversation.js";
import { normalizeMsisdn } from "../../src/domain/phone.js";
import {
  catalog,
  choice,
  command,
  contact,
  context,
  EMAIL,
  kes,
  LINK,
  media,
  OTHER_EMAIL,
  OTHER_PHONE,
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
  UNMASKED_FORMS,
  underReviewScript,
  unsupported,
} from "./fixtures.js";

const states: [string, ConversationState][] = [
  ["new", initialState()],
  ...Object.entries(scripts).map(([name, script]) => [name, reach(script)] as [string, ConversationState]),
  ["under review", reach(underReviewScript)],
  ["choosing a product that is gone", stateAt({ name: "choosing_quantity", sku: "GONE" })],
  [
    "a cart with a product that is gone",
    stateAt({ name: "viewing_cart" }, { cart: [{ sku: "GONE", quantity: 2 }] }),
  ],
  ["paying with an empty cart", stateAt({ name: "choosing_payment" })],
  ["paying an existing order another way", reach([...scripts.paymentFailed, choice("other")])],
  [
    "entering the number for an existing order",
    reach([...scripts.paymentFailed, choice("other"), choice("pay:mobile_money")]),
  ],
  [
    "a payment that expired, no number known",
    reach([...scripts.browsing, result({ kind: "payment_expired", orderRef: REF, method: "mobile_money" })]),
  ],
  [
    "entering a number with an empty cart",
    stateAt(
      { name: "entering_payer", method: "mobile_money", field: "phone" },
      { payer: { phone: OTHER_PHONE } },
    ),
  ],
  [
    "entering the address for an existing order",
    reach([...scripts.paymentFailed, choice("other"), choice("pay:card")]),
  ],
  [
    "entering an address with an empty cart",
    stateAt({ name: "entering_payer", method: "card", field: "email" }),
  ],
  ["a card link out, no address known", stateAt({ name: "awaiting_payment", method: "card", orderRef: REF })],
  [
    "a card link that expired while browsing",
    reach([...scripts.browsing, result({ kind: "payment_expired", orderRef: REF, method: "card" })]),
  ],
  ["paying a card order another way", reach([...scripts.cardFailed, choice("other")])],
];

const events: [string, ConversationEvent][] = [
  ["text", text("hello there")],
  ["number 1", text("1")],
  ["number 3", text("3")],
  ["number 42", text("42")],
  ["empty text", text("")],
  ["long text", text("x".repeat(5000))],
  ["/start", command("start")],
  ["/help", command("help")],
  ["/cart", command("cart")],
  ["/orders", command("orders")],
  ["/cancel", command("cancel")],
  ["/xyz", command("xyz")],
  ...[
    "shop",
    "cart",
    "checkout",
    "clear",
    "cancel",
    "p:EGGS12",
    "q:EGGS12:2",
    "inc:EGGS12",
    "dec:EGGS12",
  ].map((data) => [`choice ${data}`, choice(data)] as [string, ConversationEvent]),
  ["pay:manual", choice("pay:manual")],
  ["pay:mobile_money", choice("pay:mobile_money")],
  ["pay:card", choice("pay:card")],
  ["phone:use", choice("phone:use")],
  ["retry", choice("retry")],
  ["retry", choice("retry")],
  ["other", choice("other")],
  ["a phone number", text("0711 223 344")],
  ["another phone number", text("+254798765432")],
  ["a foreign number", text("+255712345678")],
  ["an e-mail address", text(" Wanjiku.K@Gmail.COM ")],
  ["another e-mail address", text(OTHER_EMAIL)],
  ["an address that is not one", text("wanjiku@gmail")],
  ["own contact", contact(`+${PHONE}`)],
  ["someone else's contact", contact("0798765432", false)],
  ["garbage choice", choice("zzz")],
  ["overlong choice", choice("p:".padEnd(300, "A"))],
  ["unknown SKU", choice("p:NOPE")],
  ["photo", media()],
  ["pdf", media(pdf)],
  ["contact", contact()],
  ["sticker", unsupported("sticker")],
  ["unknown content", { type: "input", content: { kind: "hologram" } } as never],
  [
    "result placed",
    result({ kind: "order_placed", orderRef: REF, method: "manual", total: kes(901), instructions: "Pay" }),
  ],
  [
    "result placed (M-Pesa)",
    result({
      kind: "order_placed",
      orderRef: REF,
      method: "mobile_money",
      total: kes(901),
      instructions: "",
    }),
  ],
  [
    "result placed (card, link)",
    result({
      kind: "order_placed",
      orderRef: REF,
      method: "card",
      total: kes(901),
      instructions: "",
      link: LINK,
    }),
  ],
  [
    "result placed (card, instructions quoting the address)",
    result({
      kind: "order_placed",
      orderRef: REF,
      method: "card",
      total: kes(901),
      instructions: `Pay on the page we sent to ${EMAIL}.`,
    }),
  ],
  ["result confirmed", result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money" })],
  [
    "result confirmed (card)",
    result({ kind: "payment_confirmed", orderRef: REF, receipt: "T685312", method: "card" }),
  ],
  [
    "result card payment failed (reason quoting the address)",
    result({ kind: "payment_failed", orderRef: REF, reason: `Declined for ${EMAIL}`, method: "card" }),
  ],
  ["result card payment expired", result({ kind: "payment_expired", orderRef: REF, method: "card" })],
  ["result refunded", result({ kind: "payment_refunded", orderRef: REF, amount: kes(60) })],
  [
    "result confirmed with receipt",
    result({ kind: "payment_confirmed", orderRef: REF, receipt: "NLJ7RT61SV", method: "mobile_money" }),
  ],
  [
    "result payment failed (reason quoting the number)",
    result({
      kind: "payment_failed",
      orderRef: REF,
      reason: "Request to 0711223344 was cancelled",
      method: "mobile_money",
    }),
  ],
  ["result payment expired", result({ kind: "payment_expired", orderRef: REF, method: "mobile_money" })],
  ["result order failed", result({ kind: "order_failed", reason: "M-Pesa refused +254 798 765 432" })],
  ["result order failed (quoting an address)", result({ kind: "order_failed", reason: `No ${OTHER_EMAIL}` })],
  ["result rejected", result({ kind: "proof_rejected", orderRef: REF, reason: "blurry" })],
];

const contexts: [string, StepContext][] = [
  ["Telegram", context],
  ["WhatsApp (number known)", { ...context, customerPhone: OTHER_PHONE }],
  [
    "a card that needs no e-mail address",
    {
      ...context,
      paymentOptions: context.paymentOptions.map((option) =>
        option.method === "card" ? { method: option.method, label: option.label } : option,
      ),
    },
  ],
];

describe.each(contexts)("on %s", (_channel, ctx) => {
  describe.each(states)("from %s", (_stateName, state) => {
    it.each(events)("%s keeps every rule of the contract", (_eventName, event) => {
      const outcome = step(state, event, ctx);
      const { state: next, replies, actions } = outcome;

      expect(next.seq).toBe(state.seq + 1);
      // Never drops input silently.
      if (event.type === "input") expect(replies.length + actions.length).toBeGreaterThan(0);
      for (const reply of replies) expect(reply.text.trim().length).toBeGreaterThan(0);

      // The menu is exactly the last reply's choices; an action without a reply clears it.
      const last = replies.at(-1);
      if (last) expect(next.menu).toEqual((last.choices ?? []).flat());
      else if (actions.length > 0) expect(next.menu).toEqual([]);

      // Every choice is a token this machine understands, within Telegram's limit.
      for (const data of replies.flatMap((reply) => (reply.choices ?? []).flat().map((c) => c.data))) {
        expect(utf8Length(data)).toBeLessThanOrEqual(CHOICE_DATA_MAX_BYTES);
        expect(parseChoiceData(data)).not.toBeNull();
      }
      for (const action of actions) expect(action.key.endsWith(`:${next.seq}`)).toBe(true);

      // The result is a valid stored state.
      expect(JSON.parse(JSON.stringify(next))).toEqual(next);

      // Phone numbers and e-mail addresses are only ever shown masked, in texts and in button labels.
      const shown = replies.flatMap((reply) => [
        reply.text,
        ...(reply.choices ?? []).flat().map((c) => c.label),
        reply.requestContact ?? "",
        reply.link?.label ?? "",
      ]);
      for (const form of UNMASKED_FORMS) for (const words of shown) expect(words).not.toContain(form);
      for (const form of UNMASKED_EMAIL_FORMS) {
        for (const words of shown) expect(words.toLowerCase()).not.toContain(form);
      }
      // A link button only ever opens a web page.
      for (const reply of replies) if (reply.link) expect(reply.link.url).toMatch(/^https?:\/\/\S+$/);

      // A receipt is only taken by the steps that wait for one; an M-Pesa payment never takes one.
      for (const action of actions) {
        if (action.kind === "submit_proof") {
          expect(["awaiting_proof", "proof_under_review"]).toContain(state.step.name);
        }
        // Mobile money is charged to a usable number, which is then the one remembered.
        if (
          (action.kind === "place_order" || action.kind === "pay_order") &&
          action.method === "mobile_money"
        ) {
          expect(action.payer.phone).toBeDefined();
          expect(normalizeMsisdn(action.payer.phone!)).toBe(action.payer.phone);
          expect(next.payer?.phone).toBe(action.payer.phone);
        }
        // A card carries a usable address (always, when the option requires one), then the one remembered.
        if ((action.kind === "place_order" || action.kind === "pay_order") && action.method === "card") {
          const card = ctx.paymentOptions.find((o) => o.method === "card");
          if (card?.payer?.field === "email" && !card.payer.optional)
            expect(action.payer.email).toBeDefined();
          if (action.payer.email !== undefined) {
            expect(normalizeEmail(action.payer.email)).toBe(action.payer.email);
            expect(next.payer?.email).toBe(action.payer.email);
          }
        }
        if (action.kind !== "place_order" && action.kind !== "pay_order") continue;
        if (action.method !== "card") expect(action.payer.email).toBeUndefined();
      }
      if (next.payer?.phone !== undefined) expect(normalizeMsisdn(next.payer.phone)).toBe(next.payer.phone);
      if (next.payer?.email !== undefined) expect(normalizeEmail(next.payer.email)).toBe(next.payer.email);
    });
  });
});

describe("choice data stays within 64 bytes for any catalog", () => {
  const wide: Catalog = {
    ...catalog,
    products: [
      { sku: "S".repeat(32), name: "Ndizi 🍌 ".repeat(20), price: kes(10) },
      { sku: "a-b_C-9".padEnd(32, "_"), name: "Maziwa mala (lita moja) — fresh", price: kes(99_999.99) },
      { sku: "X".repeat(33), name: "Not sellable: SKU too long", price: kes(1) },
      { sku: "ÜBER", name: "Not sellable: SKU not ASCII", price: kes(1) },
    ],
  };
  const wideContext: StepContext = { ...context, catalog: wide };

  it("on every prompt of a walk through the widest SKUs", () => {
    const sku = "S".repeat(32);
    const { outcomes } = play(
      [
        text("hi"),
        choice(`p:${sku}`),
        choice(`q:${sku}:5`),
        choice("cart"),
        choice(`inc:${sku}`),
        choice("checkout"),
        choice("pay:mobile_money"),
        text("0711 223 344"),
        result({
          kind: "orders_listed",
          orders: [
            {
              ref: REF,
              total: kes(1),
              status: "awaiting_payment",
              paymentStatus: "rejected",
              createdAt: new Date(0),
            },
          ],
        }),
      ],
      initialState(),
      wideContext,
    );
    const data = outcomes.flatMap((o) =>
      o.replies.flatMap((r) => (r.choices ?? []).flat().map((c) => c.data)),
    );
    expect(data).toContain(`q:${sku}:5`);
    expect(data).toContain(`receipt:${REF}`);
    for (const value of data) expect(utf8Length(value)).toBeLessThanOrEqual(CHOICE_DATA_MAX_BYTES);
    expect(outcomes[6]!.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "phone",
    });
    expect(outcomes[7]!.actions[0]).toMatchObject({
      kind: "place_order",
      lines: [{ sku, quantity: 6 }],
      method: "mobile_money",
      payer: { phone: PHONE },
    });
  });

  it("does not offer products whose SKU cannot fit a button", () => {
    const outcome = step(initialState(), text("hi"), wideContext);
    const data = outcome.replies.flatMap((r) => (r.choices ?? []).flat().map((c) => c.data));
    expect(data).toEqual([`p:${"S".repeat(32)}`, `p:${"a-b_C-9".padEnd(32, "_")}`]);
  });
});
