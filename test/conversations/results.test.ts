import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import type { OrderSummary, ResultEvent } from "../../src/domain/conversation.js";
import {
  allText,
  choice,
  context,
  dataOf,
  kes,
  lastReply,
  OTHER_REF,
  play,
  REF,
  reach,
  result,
  scripts,
  stateAt,
  underReviewScript,
} from "./fixtures.js";

const placed = (instructions = "Pay to Till 123456."): ResultEvent => ({
  kind: "order_placed",
  orderRef: REF,
  method: "manual",
  total: kes(901),
  instructions,
});

describe("order_placed", () => {
  const waiting = step(reach(scripts.payment), choice("pay:manual"), context).state;

  it("manual: clears the cart, gives reference, total and instructions, waits for the receipt", () => {
    const outcome = step(waiting, result(placed()), context);
    const reply = lastReply(outcome);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
    expect(reply.text).toContain(`*${REF}*`);
    expect(reply.text).toContain("*KES 901.00*");
    expect(reply.text).toContain("Pay to Till 123456.");
    expect(reply.text).toContain(
      "Then send a photo (or PDF) of the receipt here, or paste the M-Pesa confirmation SMS.",
    );
    expect(reply.choices).toEqual([[{ label: "❌ Cancel order", data: "cancel" }]]);
    expect(outcome.actions).toEqual([]);
  });

  it("manual without instructions falls back to the catalog's", () => {
    const outcome = step(waiting, result(placed("  ")), context);
    expect(lastReply(outcome).text).toContain("Pay to Till 123456, then send a photo of the receipt.");
  });

  it("follows the method on the event (M-Pesa: waits for the PIN, no receipt asked)", () => {
    const event: ResultEvent = {
      kind: "order_placed",
      orderRef: REF,
      method: "mobile_money",
      total: kes(901),
      instructions: "Check your phone and enter your M-Pesa PIN.",
    };
    const outcome = step(waiting, result(event), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "mobile_money", orderRef: REF });
    expect(outcome.state.cart).toEqual([]);
    expect(lastReply(outcome).text).toContain("Check your phone");
    expect(lastReply(outcome).text).toContain(`*${REF}*`);
    expect(lastReply(outcome).text).not.toContain("receipt");
  });

  it("card: says how to pay and waits for the card payment (new link, another way, cancel)", () => {
    const event: ResultEvent = {
      kind: "order_placed",
      orderRef: REF,
      method: "card",
      total: kes(901),
      instructions: "Pay on the page we sent.",
    };
    const outcome = step(waiting, result(event), context);
    expect(outcome.state.step).toEqual({ name: "awaiting_payment", method: "card", orderRef: REF });
    expect(outcome.state.cart).toEqual([]);
    expect(lastReply(outcome).text).toContain("Pay on the page we sent.");
    expect(dataOf(outcome)).toEqual(["retry", "other", "cancel"]);
  });
});

describe("order_failed", () => {
  const waiting = step(reach(scripts.payment), choice("pay:manual"), context).state;

  it("apologises with the reason and shows the payment options again", () => {
    const outcome = step(waiting, result({ kind: "order_failed", reason: "M-Pesa is down" }), context);
    expect(lastReply(outcome).text).toContain("Sorry, we couldn't place your order: M-Pesa is down.");
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(outcome.state.cart).toEqual(waiting.cart);
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:card", "pay:manual", "cart"]);
  });

  it("returns to choosing_payment from another step", () => {
    const state = { ...reach(scripts.cart) };
    const outcome = step(state, result({ kind: "order_failed", reason: "" }), context);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(lastReply(outcome).text).toContain("something went wrong");
  });

  it("with an empty cart shows the catalog", () => {
    const outcome = step(
      reach(scripts.browsing),
      result({ kind: "order_failed", reason: "Out of stock." }),
      context,
    );
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("Out of stock.");
    expect(lastReply(outcome).text).not.toContain("Out of stock..");
  });
});

describe("receipt results", () => {
  const awaiting = reach(scripts.awaitingProof);
  const reviewing = reach(underReviewScript);

  it("proof_received thanks and moves to proof_under_review", () => {
    const outcome = step(awaiting, result({ kind: "proof_received", orderRef: REF }), context);
    expect(outcome.state.step).toEqual({ name: "proof_under_review", orderRef: REF });
    expect(lastReply(outcome).text).toContain(`Thanks! Your receipt for *${REF}* is with the merchant`);
  });

  it("proof_received while M-Pesa is asked about a pasted code says so, not that the merchant has it", () => {
    const outcome = step(
      awaiting,
      result({ kind: "proof_received", orderRef: REF, checking: true }),
      context,
    );
    expect(outcome.state.step).toEqual({ name: "proof_under_review", orderRef: REF });
    expect(lastReply(outcome).text).toContain(`checking that M-Pesa payment for *${REF}* with M-Pesa`);
  });

  it("proof_received about another order keeps the step", () => {
    const state = reach(scripts.cart);
    const outcome = step(state, result({ kind: "proof_received", orderRef: OTHER_REF }), context);
    expect(outcome.state.step).toEqual({ name: "viewing_cart" });
    expect(outcome.state.cart).toEqual(state.cart);
    expect(lastReply(outcome).text).toContain(OTHER_REF);
  });

  it("proof_refused gives the reason and asks again, staying in awaiting_proof", () => {
    const outcome = step(
      awaiting,
      result({ kind: "proof_refused", orderRef: REF, reason: "The file is not an image or a PDF" }),
      context,
    );
    expect(outcome.state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
    expect(lastReply(outcome).text).toContain("The file is not an image or a PDF.");
    expect(lastReply(outcome).text).toContain("photo (or PDF)");
    expect(lastReply(outcome).text).toContain(REF);
  });

  it("proof_refused for a second receipt leaves the first under review", () => {
    const outcome = step(
      reviewing,
      result({ kind: "proof_refused", orderRef: REF, reason: "Too large" }),
      context,
    );
    expect(outcome.state.step).toEqual({ name: "proof_under_review", orderRef: REF });
  });

  it.each([
    ["proof_under_review", reviewing],
    ["awaiting_proof", awaiting],
    ["browsing", reach(scripts.browsing)],
  ])("proof_rejected in %s asks for a new receipt and waits for it", (_name, state) => {
    const outcome = step(
      state,
      result({ kind: "proof_rejected", orderRef: REF, reason: "Amount is wrong" }),
      context,
    );
    expect(lastReply(outcome).text).toBe(
      `❌ The receipt for *${REF}* was not accepted: Amount is wrong. Send a new receipt or /cancel.`,
    );
    expect(outcome.state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
    expect(outcome.state.cart).toEqual(state.cart);
  });
});

describe("payment_confirmed", () => {
  it.each([
    [
      "awaiting_proof of that order",
      stateAt({ name: "awaiting_proof", orderRef: REF }),
      { name: "browsing" },
    ],
    [
      "proof_under_review of that order",
      stateAt({ name: "proof_under_review", orderRef: REF }),
      { name: "browsing" },
    ],
    [
      "awaiting_proof of another order",
      stateAt({ name: "awaiting_proof", orderRef: OTHER_REF }),
      { name: "awaiting_proof", orderRef: OTHER_REF },
    ],
    [
      "choosing_quantity",
      stateAt({ name: "choosing_quantity", sku: "EGGS12" }),
      { name: "choosing_quantity", sku: "EGGS12" },
    ],
    [
      "viewing_cart",
      stateAt({ name: "viewing_cart" }, { cart: [{ sku: "SUKUMA", quantity: 1 }] }),
      { name: "viewing_cart" },
    ],
  ])("in %s: confirms, with a catalog button", (_what, state, next) => {
    const outcome = step(
      state,
      result({ kind: "payment_confirmed", orderRef: REF, method: "mobile_money" }),
      context,
    );
    const reply = lastReply(outcome);
    expect(reply.text).toBe(`✅ Payment for *${REF}* confirmed. Thank you!`);
    expect(reply.choices).toEqual([[{ label: "🛍 See the catalog", data: "shop" }]]);
    expect(outcome.state.step).toEqual(next);
    expect(outcome.state.cart).toEqual(state.cart);
    expect(outcome.state.menu).toEqual([{ label: "🛍 See the catalog", data: "shop" }]);
  });
});

describe("orders_listed", () => {
  const order = (ref: string, day: number, extra: Partial<OrderSummary> = {}): OrderSummary => ({
    ref,
    total: kes(100 + day),
    status: "awaiting_payment",
    createdAt: new Date(Date.UTC(2025, 0, day)),
    ...extra,
  });

  it("lists newest first with reference, total and a human status", () => {
    const orders = [
      order("DK-22222", 1, { status: "paid", paymentStatus: "succeeded" }),
      order("DK-33333", 3, { paymentStatus: "under_review" }),
      order("DK-44444", 2, { status: "cancelled", paymentStatus: "cancelled" }),
      order("DK-55555", 4, { paymentStatus: "awaiting_proof" }),
      order("DK-66666", 5, { paymentStatus: "rejected" }),
      order("DK-77777", 6, { status: "fulfilled" }),
      order("DK-88888", 7, { status: "expired", paymentStatus: "expired" }),
      order("DK-99999", 8, { paymentStatus: "pending" }),
    ];
    const outcome = step(reach(scripts.browsing), result({ kind: "orders_listed", orders }), context);
    const lines = lastReply(outcome).text.split("\n");
    expect(lines).toEqual([
      "📦 *Your orders*",
      "*DK-99999* — KES 108.00 — waiting for payment",
      "*DK-88888* — KES 107.00 — expired",
      "*DK-77777* — KES 106.00 — completed",
      "*DK-66666* — KES 105.00 — receipt not accepted, send a new one",
      "*DK-55555* — KES 104.00 — waiting for payment",
      "*DK-33333* — KES 103.00 — receipt being checked",
      "*DK-44444* — KES 102.00 — cancelled",
      "*DK-22222* — KES 101.00 — paid",
    ]);
    expect(dataOf(outcome)).toEqual(["receipt:DK-66666", "receipt:DK-55555", "shop"]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
  });

  it("shows at most 10", () => {
    const orders = Array.from({ length: 12 }, (_, i) => order(`DK-2222${"23456789AB"[i % 10]}`, i + 1));
    const outcome = step(reach(scripts.browsing), result({ kind: "orders_listed", orders }), context);
    const lines = lastReply(outcome).text.split("\n");
    expect(lines[0]).toBe("📦 *Your latest 10 orders*");
    expect(lines).toHaveLength(11);
    expect(lines[1]).toContain("KES 112.00");
  });

  it("says when there are none", () => {
    const outcome = step(reach(scripts.cart), result({ kind: "orders_listed", orders: [] }), context);
    expect(lastReply(outcome).text).toBe("You have no orders yet.");
    expect(outcome.state.step).toEqual({ name: "viewing_cart" });
  });

  it("a receipt button reopens the wait for that order's receipt", () => {
    const orders = [order(REF, 1, { paymentStatus: "rejected" })];
    const { state, outcomes } = play(
      [result({ kind: "orders_listed", orders }), choice(`receipt:${REF}`)],
      reach(scripts.browsing),
    );
    expect(state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
    expect(lastReply(outcomes[1]!).text).toContain(`receipt for *${REF}*`);
  });
});

describe("cancel results", () => {
  const awaiting = reach(scripts.awaitingProof);

  it("order_cancelled says so and goes back to browsing", () => {
    const outcome = step(awaiting, result({ kind: "order_cancelled", orderRef: REF }), context);
    expect(lastReply(outcome).text).toBe(`Order *${REF}* cancelled.`);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(dataOf(outcome)).toEqual(["shop"]);
  });

  it("order_cancelled for an order the step is not about keeps the step", () => {
    const outcome = step(awaiting, result({ kind: "order_cancelled", orderRef: OTHER_REF }), context);
    expect(outcome.state.step).toEqual(awaiting.step);
  });

  it("cancel_refused gives the reason and leaves the step", () => {
    const outcome = step(
      awaiting,
      result({ kind: "cancel_refused", orderRef: REF, reason: "It is already paid" }),
      context,
    );
    expect(lastReply(outcome).text).toContain(`Sorry, I couldn't cancel *${REF}*: It is already paid.`);
    expect(outcome.state.step).toEqual(awaiting.step);
    expect(outcome.state.cart).toEqual(awaiting.cart);
  });
});

describe("every result event", () => {
  const events: ResultEvent[] = [
    placed(),
    { kind: "order_failed", reason: "x" },
    { kind: "proof_received", orderRef: REF },
    { kind: "proof_refused", orderRef: REF, reason: "x" },
    { kind: "orders_listed", orders: [] },
    { kind: "order_cancelled", orderRef: REF },
    { kind: "cancel_refused", orderRef: REF, reason: "x" },
    { kind: "payment_confirmed", orderRef: REF, method: "mobile_money" },
    { kind: "proof_rejected", orderRef: REF, reason: "x" },
  ];

  it.each(events.map((event) => [event.kind, event] as const))(
    "%s is answered, never silently",
    (_k, event) => {
      for (const state of [reach(scripts.browsing), reach(scripts.awaitingProof), reach(underReviewScript)]) {
        const outcome = step(state, result(event), context);
        expect(outcome.replies.length).toBeGreaterThan(0);
        expect(outcome.actions).toEqual([]);
        expect(outcome.state.seq).toBe(state.seq + 1);
        if ("orderRef" in event) expect(allText(outcome)).toContain(event.orderRef);
      }
    },
  );

  it("an unknown result kind changes nothing but seq", () => {
    const state = reach(scripts.cart);
    const outcome = step(state, result({ kind: "mystery" } as never), context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.state).toEqual({ ...state, seq: state.seq + 1 });
  });
});
