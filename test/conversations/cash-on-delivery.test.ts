/** Cash on delivery in the dialogue: placed at once, then waits for the merchant's word; only cancel is offered. */
import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import type { StepContext } from "../../src/conversations/types.js";
import { cashOnDeliveryPlugin } from "../../src/payments/cash-on-delivery/index.js";
import { SMS } from "../fixtures/mpesa-sms.js";
import {
  allText,
  choice,
  choicesOf,
  command,
  context,
  kes,
  lastReply,
  optionOf,
  REF,
  reach,
  result,
  text,
} from "./fixtures.js";

const withDelivery: StepContext = {
  ...context,
  paymentOptions: [...context.paymentOptions, optionOf(cashOnDeliveryPlugin)],
};

const atCheckout = [text("hi"), choice("p:EGGS12"), choice("q:EGGS12:2"), choice("checkout")];
const placed = result({
  kind: "order_placed",
  orderRef: REF,
  method: "cash_on_delivery",
  total: kes(901),
  instructions: "Pay the rider in cash or by M-Pesa when your order arrives.",
});
const awaitingDelivery = () => reach([...atCheckout, choice("pay:cash_on_delivery"), placed], withDelivery);

describe("cash on delivery", () => {
  it("is offered at checkout and places the order at once, asking nothing", () => {
    const checkout = reach(atCheckout, withDelivery);
    expect(checkout.menu.map((c) => c.label)).toContain("Cash on delivery");
    const outcome = step(checkout, choice("pay:cash_on_delivery"), withDelivery);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      expect.objectContaining({ kind: "place_order", method: "cash_on_delivery", payer: {} }),
    ]);
  });

  it("says the order is placed, how to pay on delivery and that the shop confirms; only cancel is offered", () => {
    const before = reach([...atCheckout, choice("pay:cash_on_delivery")], withDelivery);
    const outcome = step(before, placed, withDelivery);
    expect(lastReply(outcome).text).toBe(
      [
        `🚚 Order *${REF}* placed for delivery. Total: *KES 901.00*`,
        "",
        "Pay the rider in cash or by M-Pesa when your order arrives.",
        "",
        "The shop will confirm here when you have paid.",
      ].join("\n"),
    );
    expect(choicesOf(lastReply(outcome)).map((c) => c.data)).toEqual(["cancel"]);
    expect(outcome.state.step).toEqual({
      name: "awaiting_payment",
      orderRef: REF,
      method: "cash_on_delivery",
    });
    expect(outcome.state.cart).toEqual([]);
  });

  it("reminds the shopper on /start and answers anything else with what happens next", () => {
    const state = awaitingDelivery();
    expect(allText(step(state, command("start"), withDelivery))).toContain(
      `🚚 Order *${REF}* will be paid on delivery; the shop confirms here when you have paid. Or /cancel.`,
    );
    const chat = step(state, text("when will it come?"), withDelivery);
    expect(lastReply(chat).text).toBe(
      `Order *${REF}* is on its way: pay on delivery, and the shop will confirm here.`,
    );
    expect(chat.actions).toEqual([]);
  });

  it("does not take a pasted M-Pesa SMS as a receipt: the shop confirms on delivery", () => {
    const outcome = step(awaitingDelivery(), text(SMS.paybill), withDelivery);
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toBe(
      `Order *${REF}* is on its way: pay on delivery, and the shop will confirm here.`,
    );
    expect(outcome.state.step).toEqual({
      name: "awaiting_payment",
      orderRef: REF,
      method: "cash_on_delivery",
    });
  });

  it("cancels on request", () => {
    const outcome = step(awaitingDelivery(), command("cancel"), withDelivery);
    expect(outcome.actions).toEqual([expect.objectContaining({ kind: "cancel_order", orderRef: REF })]);
  });

  it("confirms the payment when the merchant marks it paid, and the shopper browses again", () => {
    const outcome = step(
      awaitingDelivery(),
      result({ kind: "payment_confirmed", orderRef: REF, method: "cash_on_delivery" }),
      withDelivery,
    );
    expect(lastReply(outcome).text).toBe(`✅ Payment for *${REF}* confirmed. Thank you!`);
    expect(outcome.state.step).toEqual({ name: "browsing" });
  });

  it("lists an order placed for delivery as to pay on delivery in /orders", () => {
    const outcome = step(
      awaitingDelivery(),
      result({
        kind: "orders_listed",
        orders: [
          {
            ref: REF,
            total: kes(901),
            status: "awaiting_delivery",
            paymentStatus: "awaiting_delivery",
            createdAt: new Date(Date.UTC(2025, 0, 1)),
          },
        ],
      }),
      withDelivery,
    );
    expect(lastReply(outcome).text).toBe(`📦 *Your orders*\n*${REF}* — KES 901.00 — to pay on delivery`);
  });

  it("an order over the shop's limit is refused with its reason and the other ways to pay", () => {
    const before = reach([...atCheckout, choice("pay:cash_on_delivery")], withDelivery);
    const reason = "Cash on delivery is only for orders up to KES 500.00. Please choose another way to pay.";
    const outcome = step(before, result({ kind: "order_failed", reason }), withDelivery);
    expect(allText(outcome)).toContain(reason);
    expect(outcome.state.menu.map((c) => c.data)).toEqual(
      expect.arrayContaining(["pay:mobile_money", "pay:manual"]),
    );
  });
});
