import { describe, expect, it } from "vitest";
import { toCommandName } from "../../src/conversations/commands.js";
import { step } from "../../src/conversations/machine.js";
import type { ConversationState } from "../../src/domain/conversation.js";
import {
  choice,
  command,
  context,
  dataOf,
  lastReply,
  REF,
  reach,
  scripts,
  text,
  underReviewScript,
  withoutSeqAndMenu,
} from "./fixtures.js";

const everyStep: [string, ConversationState][] = [
  ["browsing", reach(scripts.browsing)],
  ["choosing_quantity", reach(scripts.quantityEggs)],
  ["browsing with a cart", reach(scripts.addedEggs)],
  ["viewing_cart", reach(scripts.cart)],
  ["choosing_payment", reach(scripts.payment)],
  ["awaiting_proof", reach(scripts.awaitingProof)],
  ["proof_under_review", reach(underReviewScript)],
];

describe("/help", () => {
  it.each(everyStep)("in %s lists what the bot does and every command", (_name, state) => {
    const outcome = step(state, command("help"), context);
    const reply = lastReply(outcome);
    for (const name of ["/start", "/cart", "/orders", "/cancel", "/help"]) expect(reply.text).toContain(name);
    expect(reply.text).toContain("*Mama Mboga*");
    expect(dataOf(outcome)[0]).toBe("shop");
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(state));
  });

  it("mentions the order waiting for a receipt", () => {
    expect(lastReply(step(reach(scripts.awaitingProof), command("help"), context)).text).toContain(REF);
  });

  it("offers the cart when it has items", () => {
    expect(dataOf(step(reach(scripts.addedEggs), command("help"), context))).toEqual(["shop", "cart"]);
  });
});

describe("/start", () => {
  it.each(everyStep.slice(0, 5))("in %s greets, shows the catalog and keeps the cart", (_name, state) => {
    const outcome = step(state, command("start"), context);
    expect(lastReply(outcome).text).toContain("Welcome to *Mama Mboga*");
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(outcome.state.cart).toEqual(state.cart);
    expect(dataOf(outcome).slice(0, 3)).toEqual(["p:SUKUMA", "p:EGGS12", "p:MILK-1L"]);
  });

  it.each(everyStep.slice(5))("in %s also reminds of the order and keeps its step", (_name, state) => {
    const outcome = step(state, command("start"), context);
    expect(lastReply(outcome).text).toContain("Welcome to *Mama Mboga*");
    expect(lastReply(outcome).text).toContain(`*${REF}*`);
    expect(outcome.state.step).toEqual(state.step);
    expect(dataOf(outcome)).toEqual(["p:SUKUMA", "p:EGGS12", "p:MILK-1L"]);
  });
});

describe("/cart", () => {
  it.each(everyStep)("in %s shows the cart (or says it is empty)", (_name, state) => {
    const outcome = step(state, command("cart"), context);
    if (state.cart.length > 0) {
      expect(outcome.state.step).toEqual({ name: "viewing_cart" });
      expect(lastReply(outcome).text).toContain("Total:");
    } else {
      expect(lastReply(outcome).text).toContain("Your cart is empty.");
      expect(outcome.state.step).toEqual({ name: "browsing" });
    }
  });
});

describe("/orders", () => {
  it.each(everyStep)("in %s asks the runtime for the orders, keyed by seq", (_name, state) => {
    const outcome = step(state, command("orders"), context);
    expect(outcome.actions).toEqual([{ kind: "list_orders", key: `orders:${state.seq + 1}` }]);
    expect(outcome.replies).toEqual([]);
    expect(outcome.state.step).toEqual(state.step);
    expect(outcome.state.cart).toEqual(state.cart);
  });

  it("the typed word works too", () => {
    expect(step(reach(scripts.cart), text("my orders"), context).actions[0]?.kind).toBe("list_orders");
  });
});

describe("/cancel", () => {
  it.each([
    ["awaiting_proof", reach(scripts.awaitingProof)],
    ["proof_under_review", reach(underReviewScript)],
  ])("in %s cancels the order", (_name, state) => {
    const outcome = step(state, command("cancel"), context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${state.seq + 1}`, orderRef: REF },
    ]);
  });

  it.each([
    ["browsing", reach(scripts.addedEggs)],
    ["viewing_cart", reach(scripts.cart)],
    ["choosing_payment", reach(scripts.payment)],
  ])("in %s empties the cart and says so", (_name, state) => {
    const outcome = step(state, command("cancel"), context);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("Your cart is now empty.");
    expect(outcome.actions).toEqual([]);
  });

  it("with nothing to cancel says so and leaves everything", () => {
    const state = reach(scripts.quantityEggs);
    const outcome = step(state, command("cancel"), context);
    expect(lastReply(outcome).text).toContain("Nothing to cancel.");
    expect(lastReply(outcome).text).toContain("How many");
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(state));
  });

  it("names an order to cancel from any step", () => {
    const state = reach(scripts.cart);
    const outcome = step(state, command("cancel", "dk-9qw4p"), context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${state.seq + 1}`, orderRef: "DK-9QW4P" },
    ]);
    expect(outcome.state.cart).toEqual(state.cart);
  });

  it("the cancel button does the same as /cancel", () => {
    const state = reach(scripts.awaitingProof);
    expect(step(state, choice("cancel"), context)).toEqual(step(state, command("cancel"), context));
  });
});

describe("unknown commands", () => {
  it.each(everyStep)(
    "in %s: 'I don't know /xyz', a pointer to /help, the current prompt again",
    (_name, state) => {
      const outcome = step(state, command("xyz"), context);
      expect(lastReply(outcome).text).toMatch(/^I don't know \/xyz\. Send \/help to see what I can do\./);
      expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(state));
      expect(outcome.actions).toEqual([]);
    },
  );

  it("keeps the current prompt's buttons usable", () => {
    const choosing = reach(scripts.quantityEggs);
    const outcome = step(choosing, command("xyz"), context);
    expect(outcome.state.menu).toEqual(choosing.menu);
  });

  it("does not echo markup or huge names", () => {
    const outcome = step(reach(scripts.browsing), command(`*bold*${"a".repeat(100)}`), context);
    expect(lastReply(outcome).text.split("\n")[0]).toMatch(
      new RegExp(`^I don't know /bold${"a".repeat(28)}\\. `),
    );
  });
});

describe("toCommandName", () => {
  it.each([
    ["start", "start"],
    ["/start", "start"],
    ["Start@DukaBot", "start"],
    ["CANCEL", "cancel"],
    ["orders", "orders"],
    ["pending", null],
    ["", null],
  ])("%j → %s", (input, name) => {
    expect(toCommandName(input)).toBe(name);
  });
});

describe("commands in the M-Pesa steps", () => {
  const orderSteps: [string, ConversationState, string][] = [
    ["awaiting_push", reach(scripts.awaitingPush), `📲 Order *${REF}* is waiting for your M-Pesa PIN`],
    ["payment_failed", reach(scripts.paymentFailed), `💳 Order *${REF}* is not paid yet`],
    [
      "choosing_payment for an order",
      reach([...scripts.paymentFailed, choice("other")]),
      `💳 Order *${REF}* is not paid yet`,
    ],
    [
      "entering_phone for an order",
      reach([...scripts.paymentFailed, choice("other"), choice("pay:mobile_money")]),
      `💳 Order *${REF}* is not paid yet`,
    ],
  ];

  it.each(orderSteps)("/cancel in %s cancels that order", (_name, state) => {
    const outcome = step(state, command("cancel"), context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${state.seq + 1}`, orderRef: REF },
    ]);
    expect(outcome.replies).toEqual([]);
  });

  it.each(orderSteps)("/start in %s greets and reminds of the order", (_name, state, reminder) => {
    const outcome = step(state, command("start"), context);
    expect(lastReply(outcome).text).toContain("Welcome to *Mama Mboga*");
    expect(lastReply(outcome).text).toContain(reminder);
    expect(outcome.state.step).toMatchObject({ orderRef: REF });
    expect(dataOf(outcome)).toEqual(["p:SUKUMA", "p:EGGS12", "p:MILK-1L"]);
  });

  it.each(orderSteps)("/help in %s reminds of the order and keeps the step", (_name, state, reminder) => {
    const outcome = step(state, command("help"), context);
    expect(lastReply(outcome).text).toContain(reminder);
    expect(outcome.state.step).toEqual(state.step);
  });

  const withCartPhone: [string, ConversationState, string][] = [
    ...orderSteps,
    ["entering_phone for the cart", reach(scripts.enteringPhone), ""],
  ];

  it.each(withCartPhone)("/orders in %s asks for the orders and keeps the step", (_name, state) => {
    const outcome = step(state, command("orders"), context);
    expect(outcome.actions).toEqual([{ kind: "list_orders", key: `orders:${state.seq + 1}` }]);
    expect(outcome.state.step).toEqual(state.step);
  });

  it("/start in entering_phone for the cart shows the catalog, with no reminder", () => {
    const outcome = step(reach(scripts.enteringPhone), command("start"), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).not.toContain("not paid");
    expect(outcome.state.cart).toEqual([{ sku: "EGGS12", quantity: 2 }]);
  });
});
