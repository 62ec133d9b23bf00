import { describe, expect, it } from "vitest";
import { initialState, step } from "../../src/conversations/machine.js";
import type { ConversationEvent, StepContext } from "../../src/conversations/types.js";
import {
  allText,
  catalog,
  choice,
  choicesOf,
  command,
  contact,
  context,
  dataOf,
  lastReply,
  media,
  pdf,
  play,
  REF,
  reach,
  scripts,
  stateAt,
  text,
  underReviewScript,
  unsupported,
  withoutSeqAndMenu,
} from "./fixtures.js";

const productData = ["p:SUKUMA", "p:EGGS12", "p:MILK-1L"];

describe('step "new": any input greets and shows the catalog', () => {
  const inputs: [string, ConversationEvent][] = [
    ["/start", command("start")],
    ["hi", text("hi")],
    ["gibberish", text("asdf qwer")],
    ["/help", command("help")],
    ["/cart", command("cart")],
    ["/cancel", command("cancel")],
    ["an unknown command", command("xyz")],
    ["a photo", media()],
    ["a stale button", choice("p:EGGS12")],
    ["garbage choice data", choice("zzz")],
    ["a contact", contact()],
    ["a sticker", unsupported("sticker")],
  ];

  it.each(inputs)("%s → browsing with a greeting and the products", (_what, event) => {
    const outcome = step(initialState(), event, context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(outcome.state.seq).toBe(1);
    expect(outcome.actions).toEqual([]);
    expect(outcome.replies).toHaveLength(1);
    expect(allText(outcome)).toContain("*Mama Mboga*");
    expect(allText(outcome)).toContain("Hi Amina");
    expect(dataOf(outcome)).toEqual(productData);
    expect(outcome.state.menu).toEqual(choicesOf(lastReply(outcome)));
  });

  it("greets without a name when the channel has none", () => {
    const outcome = step(initialState(), text("hi"), { ...context, customerName: undefined });
    expect(lastReply(outcome).text).toMatch(/^👋 Welcome to \*Mama Mboga\*!/);
  });

  it("labels each product with its name and price", () => {
    const outcome = step(initialState(), text("hi"), context);
    expect(choicesOf(lastReply(outcome)).map((c) => c.label)).toEqual([
      "Sukuma wiki (bunch) — KES 30.00",
      "Eggs, tray of 12 — KES 450.50",
      "Milk 1L — KES 65.00",
    ]);
  });

  it("keeps a cart it somehow already has and offers it", () => {
    const outcome = step(
      stateAt({ name: "new" }, { cart: [{ sku: "SUKUMA", quantity: 3 }] }),
      text("hi"),
      context,
    );
    expect(outcome.state.cart).toEqual([{ sku: "SUKUMA", quantity: 3 }]);
    expect(choicesOf(lastReply(outcome)).at(-1)).toEqual({ label: "🛒 View cart (3)", data: "cart" });
  });
});

describe('step "browsing"', () => {
  const browsing = reach(scripts.browsing);

  it.each([
    ["a product button", choice("p:EGGS12")],
    ["the product's number", text("2")],
    ["the product's label", text("Eggs, tray of 12 — KES 450.50")],
    ["the product's name", text("eggs, tray of 12")],
  ])("%s opens the quantity prompt", (_what, event) => {
    const outcome = step(browsing, event, context);
    expect(outcome.state.step).toEqual({ name: "choosing_quantity", sku: "EGGS12" });
    const reply = lastReply(outcome);
    expect(reply.text).toContain("*Eggs, tray of 12*");
    expect(reply.text).toContain("Kienyeji");
    expect(reply.text).toContain("*KES 450.50*");
    expect(reply.text).toContain("How many");
    expect(dataOf(outcome)).toEqual([
      "q:EGGS12:1",
      "q:EGGS12:2",
      "q:EGGS12:3",
      "q:EGGS12:4",
      "q:EGGS12:5",
      "shop",
    ]);
    expect(choicesOf(reply).at(-1)?.label).toBe("⬅️ Back to catalog");
  });

  it("a product without a description shows no empty line for it", () => {
    const outcome = step(browsing, choice("p:SUKUMA"), context);
    expect(lastReply(outcome).text.split("\n").slice(0, 2)).toEqual([
      "*Sukuma wiki (bunch)*",
      "Price: *KES 30.00* each",
    ]);
  });

  it("shows the cart button with the item count when the cart is not empty", () => {
    const outcome = step(reach(scripts.addedEggs), choice("shop"), context);
    expect(dataOf(outcome)).toEqual([...productData, "cart"]);
    expect(choicesOf(lastReply(outcome)).at(-1)).toEqual({ label: "🛒 View cart (2)", data: "cart" });
  });

  const badInputs: [string, ConversationEvent, string][] = [
    ["garbage data", choice("zzz"), "That button is from an older message."],
    ["overlong data", choice(`p:${"E".repeat(80)}`), "That button is from an older message."],
    ["an unknown SKU", choice("p:NOPE"), "Sorry, that product is no longer available."],
    ["a button of an older prompt", choice("q:EGGS12:2"), "That button is from an older message."],
    ["a checkout button not on screen", choice("checkout"), "That button is from an older message."],
    ["a photo", media(), "I can only take a receipt after you check out"],
    ["a document", media(pdf), "I can only take a receipt after you check out"],
    ["a contact", contact(), "I don't need a contact card"],
    ["a sticker", unsupported("sticker"), "I can't read stickers"],
    ["a voice note", unsupported("voice"), "I can't read voice messages"],
    ["something unknown", unsupported("dice"), "I can't read that kind of message"],
    ["text it does not understand", text("asdf qwer"), "Sorry, I didn't get that."],
    ["a number beyond the menu", text("9"), "There is no option 9. Reply with a number from 1 to 3."],
  ];

  it.each(badInputs)("%s: a helpful note, the catalog again, nothing else changes", (_what, event, note) => {
    const outcome = step(browsing, event, context);
    expect(lastReply(outcome).text).toContain(note);
    expect(dataOf(outcome)).toEqual(productData);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(browsing));
    expect(outcome.state.seq).toBe(browsing.seq + 1);
    expect(outcome.actions).toEqual([]);
  });

  it("a product that left the catalog since the prompt is said to be gone", () => {
    const smaller: StepContext = {
      ...context,
      catalog: { ...catalog, products: catalog.products.slice(0, 1) },
    };
    const outcome = step(browsing, choice("p:EGGS12"), smaller);
    expect(lastReply(outcome).text).toContain("no longer available");
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(dataOf(outcome)).toEqual(["p:SUKUMA"]);
  });

  it("an empty catalog says so and offers no product", () => {
    const empty: StepContext = { ...context, catalog: { ...catalog, products: [] } };
    const outcome = step(initialState(), text("hi"), empty);
    expect(lastReply(outcome).text).toContain("nothing for sale");
    expect(outcome.state.menu).toEqual([]);
  });

  it.each([
    ["menu", "What would you like?"],
    ["hello", "Hi Amina"],
  ])("the word %j shows the catalog", (word, expected) => {
    const state = reach(scripts.cart);
    const outcome = step(state, text(word), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain(expected);
  });

  it("a typed order reference asks for the orders", () => {
    const outcome = step(browsing, text("dk-7f3k2"), context);
    expect(outcome.actions).toEqual([{ kind: "list_orders", key: `orders:${browsing.seq + 1}` }]);
  });
});

describe('step "choosing_quantity"', () => {
  const choosing = reach(scripts.quantityEggs);

  it.each([
    ["button 1", choice("q:EGGS12:1"), 1, "KES 450.50"],
    ["button 5", choice("q:EGGS12:5"), 5, "KES 2,252.50"],
    ["typed 2", text("2"), 2, "KES 901.00"],
    ["typed 12", text("12"), 12, "KES 5,406.00"],
    ["typed 99", text(" 99 "), 99, "KES 44,599.50"],
    ["typed x3", text("x3"), 3, "KES 1,351.50"],
  ])("%s adds to the cart and goes back to browsing", (_what, event, quantity, total) => {
    const outcome = step(choosing, event, context);
    expect(outcome.state.cart).toEqual([{ sku: "EGGS12", quantity }]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    const reply = lastReply(outcome);
    expect(reply.text).toBe(`Added ${quantity} × Eggs, tray of 12. Cart total: *${total}*`);
    expect(reply.choices).toEqual([
      [{ label: "🛍 Keep shopping", data: "shop" }],
      [{ label: "🛒 View cart", data: "cart" }],
      [{ label: "✅ Checkout", data: "checkout" }],
    ]);
    expect(outcome.state.menu.map((c) => c.data)).toEqual(["shop", "cart", "checkout"]);
  });

  it("adds to a line already in the cart", () => {
    const state = reach([...scripts.addedEggs, choice("shop"), choice("p:EGGS12")]);
    expect(lastReply(step(reach(scripts.addedEggs), choice("shop"), context)).text).toContain(
      "Choose a product",
    );
    const outcome = step(state, text("3"), context);
    expect(outcome.state.cart).toEqual([{ sku: "EGGS12", quantity: 5 }]);
    expect(lastReply(outcome).text).toContain("Added 3 × Eggs");
  });

  it("the quantity prompt says how many are already in the cart", () => {
    const { outcomes } = play([choice("shop"), choice("p:EGGS12")], reach(scripts.addedEggs));
    expect(lastReply(outcomes[1]!).text).toContain("You have 2 in your cart.");
  });

  it("caps a line at 99 and says so", () => {
    const state = { ...choosing, cart: [{ sku: "EGGS12", quantity: 97 }] };
    const outcome = step(state, text("5"), context);
    expect(outcome.state.cart).toEqual([{ sku: "EGGS12", quantity: 99 }]);
    expect(lastReply(outcome).text).toContain("at most 99");
    expect(lastReply(outcome).text).toContain("Added 2 × Eggs");
  });

  it.each([
    ["0", "0 is not a quantity"],
    ["-3", "can't be negative"],
    ["100", "up to 99"],
    ["5000", "up to 99"],
    ["1.5", "whole number"],
    ["abc", "Please send a number from 1 to 99"],
    ["two please", "Please send a number from 1 to 99"],
  ])("typed %j gets a clear note and the same prompt", (typed, note) => {
    const outcome = step(choosing, text(typed), context);
    const reply = lastReply(outcome);
    expect(reply.text).toContain(note);
    expect(reply.text).toContain("How many");
    expect(reply.choices).toEqual(
      lastReply(step(reach(scripts.browsing), choice("p:EGGS12"), context)).choices,
    );
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(choosing));
  });

  it.each([
    ["the back button", choice("shop")],
    ["the back label typed", text("back to catalog")],
  ])("%s returns to the catalog with the cart unchanged", (_what, event) => {
    const outcome = step(choosing, event, context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(dataOf(outcome)).toEqual(productData);
  });

  it.each([
    ["a quantity button of another product", choice("q:MILK-1L:2")],
    ["a quantity beyond the buttons", choice("q:EGGS12:6")],
  ])("%s is stale", (_what, event) => {
    const outcome = step(choosing, event, context);
    expect(lastReply(outcome).text).toContain("That button is from an older message.");
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual(choosing.step);
  });

  it("a product button from the earlier catalog message still picks that product", () => {
    const outcome = step(choosing, choice("p:SUKUMA"), context);
    expect(outcome.state.step).toEqual({ name: "choosing_quantity", sku: "SUKUMA" });
    expect(outcome.state.cart).toEqual([]);
  });

  it("a photo gets the receipt note and the quantity prompt again", () => {
    const outcome = step(choosing, media(), context);
    expect(lastReply(outcome).text).toContain("I can only take a receipt after you check out");
    expect(lastReply(outcome).text).toContain("How many");
    expect(outcome.actions).toEqual([]);
  });

  it("a product removed from the catalog meanwhile sends the shopper back to the catalog", () => {
    const smaller: StepContext = {
      ...context,
      catalog: { ...catalog, products: catalog.products.slice(0, 1) },
    };
    const outcome = step(choosing, text("2"), smaller);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("no longer available");
  });
});

describe('step "viewing_cart"', () => {
  const twoLines = reach([
    ...scripts.addedEggs,
    choice("shop"),
    choice("p:SUKUMA"),
    choice("q:SUKUMA:1"),
    choice("cart"),
  ]);

  it("lists each line with its total, the cart total, and edit buttons", () => {
    const outcome = step(
      reach([...scripts.addedEggs, choice("shop"), choice("p:SUKUMA"), choice("q:SUKUMA:1")]),
      choice("cart"),
      context,
    );
    const reply = lastReply(outcome);
    expect(outcome.state.step).toEqual({ name: "viewing_cart" });
    expect(reply.text).toContain("2 × Eggs, tray of 12 = KES 901.00");
    expect(reply.text).toContain("1 × Sukuma wiki (bunch) = KES 30.00");
    expect(reply.text).toContain("Total: *KES 931.00*");
    expect(reply.choices).toEqual([
      [
        { label: "➕ Eggs, tray of 12", data: "inc:EGGS12" },
        { label: "➖ Eggs, tray of 12", data: "dec:EGGS12" },
      ],
      [
        { label: "➕ Sukuma wiki (bunch)", data: "inc:SUKUMA" },
        { label: "➖ Sukuma wiki (bunch)", data: "dec:SUKUMA" },
      ],
      [{ label: "🗑 Empty cart", data: "clear" }],
      [{ label: "🛍 Keep shopping", data: "shop" }],
      [{ label: "✅ Checkout", data: "checkout" }],
    ]);
  });

  it.each([
    [
      "inc:EGGS12",
      [
        { sku: "EGGS12", quantity: 3 },
        { sku: "SUKUMA", quantity: 1 },
      ],
      "3 × Eggs",
    ],
    [
      "dec:EGGS12",
      [
        { sku: "EGGS12", quantity: 1 },
        { sku: "SUKUMA", quantity: 1 },
      ],
      "1 × Eggs",
    ],
    ["dec:SUKUMA", [{ sku: "EGGS12", quantity: 2 }], "2 × Eggs"],
  ])("%s edits the cart and shows it again", (data, cart, line) => {
    const outcome = step(twoLines, choice(data), context);
    expect(outcome.state.cart).toEqual(cart);
    expect(outcome.state.step).toEqual({ name: "viewing_cart" });
    expect(lastReply(outcome).text).toContain(line);
  });

  it("typing a line's number works like the button (WhatsApp)", () => {
    const outcome = step(twoLines, text("1"), context);
    expect(outcome.state.cart[0]).toEqual({ sku: "EGGS12", quantity: 3 });
  });

  it("a typed label that two buttons share is not guessed", () => {
    const outcome = step(twoLines, text("Eggs, tray of 12"), context);
    expect(outcome.state.cart).toEqual(twoLines.cart);
  });

  it("➕ stops at 99 and says so", () => {
    const state = { ...twoLines, cart: [{ sku: "EGGS12", quantity: 99 }] };
    const outcome = step(state, choice("inc:EGGS12"), context);
    expect(outcome.state.cart).toEqual([{ sku: "EGGS12", quantity: 99 }]);
    expect(lastReply(outcome).text).toContain("at most 99");
  });

  it("➖ on the last item empties the cart and offers the catalog", () => {
    const one = reach([text("hi"), choice("p:MILK-1L"), choice("q:MILK-1L:1"), choice("cart")]);
    const outcome = step(one, choice("dec:MILK-1L"), context);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("Your cart is empty.");
    expect(dataOf(outcome)).toEqual(productData);
  });

  it("🗑 empties the cart", () => {
    const outcome = step(twoLines, choice("clear"), context);
    expect(outcome.state.cart).toEqual([]);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(lastReply(outcome).text).toContain("Your cart is now empty.");
  });

  it("keep shopping shows the catalog with the cart count", () => {
    const outcome = step(twoLines, choice("shop"), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(choicesOf(lastReply(outcome)).at(-1)).toEqual({ label: "🛒 View cart (3)", data: "cart" });
  });

  it("drops products that left the catalog, with a note", () => {
    const noEggs: StepContext = {
      ...context,
      catalog: { ...catalog, products: catalog.products.filter((p) => p.sku !== "EGGS12") },
    };
    const outcome = step(reach(scripts.browsing), command("cart"), noEggs);
    expect(outcome.state.cart).toEqual([]);
    const withCart = { ...reach(scripts.browsing), cart: twoLines.cart };
    const dropped = step(withCart, command("cart"), noEggs);
    expect(dropped.state.cart).toEqual([{ sku: "SUKUMA", quantity: 1 }]);
    expect(lastReply(dropped).text).toContain("no longer available and were removed");
    expect(lastReply(dropped).text).toContain("Total: *KES 30.00*");
  });

  it("an empty cart says so and shows the catalog", () => {
    const outcome = step(reach(scripts.browsing), command("cart"), context);
    expect(lastReply(outcome).text).toContain("Your cart is empty.");
    expect(dataOf(outcome)).toEqual(productData);
    expect(outcome.state.step).toEqual({ name: "browsing" });
  });

  it.each([
    ["stale", choice("pay:manual"), "That button is from an older message."],
    ["garbage", choice("inc:"), "That button is from an older message."],
    ["a photo", media(), "I can only take a receipt"],
    ["text", text("blah"), "Sorry, I didn't get that."],
  ])("%s input re-shows the cart unchanged", (_what, event, note) => {
    const outcome = step(twoLines, event, context);
    expect(lastReply(outcome).text).toContain(note);
    expect(lastReply(outcome).text).toContain("Total: *KES 931.00*");
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(twoLines));
  });
});

describe("checkout", () => {
  const cart = reach(scripts.cart);

  it("shows the summary and the payment options", () => {
    const outcome = step(cart, choice("checkout"), context);
    const reply = lastReply(outcome);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(reply.text).toContain("2 × Eggs, tray of 12 = KES 901.00");
    expect(reply.text).toContain("Total: *KES 901.00*");
    expect(reply.choices).toEqual([
      [{ label: "M-Pesa", data: "pay:mobile_money" }],
      [{ label: "Card (Paystack)", data: "pay:card" }],
      [{ label: "Bank transfer / manual", data: "pay:manual" }],
      [{ label: "⬅️ Back to cart", data: "cart" }],
    ]);
  });

  it("from the Added message too", () => {
    expect(step(reach(scripts.addedEggs), choice("checkout"), context).state.step).toEqual({
      name: "choosing_payment",
    });
  });

  it("with an empty cart says so and shows the catalog", () => {
    const state = { ...cart, cart: [] };
    const outcome = step(state, choice("checkout"), context);
    expect(lastReply(outcome).text).toContain("Your cart is empty.");
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(dataOf(outcome)).toEqual(productData);
  });

  it("without any way to pay apologises and stays in the cart", () => {
    const outcome = step(cart, choice("checkout"), { ...context, paymentOptions: [] });
    expect(lastReply(outcome).text).toContain("Sorry, we can't take payments right now.");
    expect(outcome.state.step).toEqual({ name: "viewing_cart" });
    expect(dataOf(outcome)).toContain("checkout");
    expect(outcome.actions).toEqual([]);
  });

  it("offers one button per method even if the registry repeats one", () => {
    const outcome = step(cart, choice("checkout"), {
      ...context,
      paymentOptions: [
        { method: "manual", label: "Bank transfer / manual" },
        { method: "manual", label: "Other manual" },
      ],
    });
    expect(dataOf(outcome)).toEqual(["pay:manual", "cart"]);
  });
});

describe('step "choosing_payment"', () => {
  const paying = reach(scripts.payment);

  it.each([
    ["the manual button", choice("pay:manual"), "manual", undefined],
    ["the card's number, its e-mail address known", text("2"), "card", "amina.w@duka.test"],
    ["the manual label", text("bank transfer / manual"), "manual", undefined],
  ])("%s asks the runtime to place the order and says nothing yet", (_what, event, method, email) => {
    const state = email ? { ...paying, payer: { email } } : paying;
    const outcome = step(state, event, context);
    expect(outcome.replies).toEqual([]);
    expect(outcome.actions).toEqual([
      {
        kind: "place_order",
        key: `place:${paying.seq + 1}`,
        lines: [{ sku: "EGGS12", quantity: 2 }],
        method,
        payer: email ? { email } : {},
      },
    ]);
    expect(outcome.state.step).toEqual({ name: "choosing_payment" });
    expect(outcome.state.cart).toEqual(paying.cart);
    expect(outcome.state.menu).toEqual([]);
  });

  it("a double tap cannot place a second order", () => {
    const { outcomes } = play([choice("pay:manual"), choice("pay:manual")], paying);
    expect(outcomes[0]!.actions).toHaveLength(1);
    expect(outcomes[1]!.actions).toEqual([]);
    expect(lastReply(outcomes[1]!).text).toContain("That button is from an older message.");
  });

  it("a method switched off since the prompt is refused with the options again", () => {
    const outcome = step(paying, choice("pay:manual"), {
      ...context,
      paymentOptions: [{ method: "mobile_money", label: "M-Pesa" }],
    });
    expect(outcome.actions).toEqual([]);
    expect(lastReply(outcome).text).toContain("not available right now");
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "cart"]);
  });

  it("a product that left the catalog is removed and the summary shown again, no order placed", () => {
    const smaller: StepContext = {
      ...context,
      catalog: { ...catalog, products: catalog.products.filter((p) => p.sku !== "EGGS12") },
    };
    const state = { ...paying, cart: [...paying.cart, { sku: "SUKUMA", quantity: 1 }] };
    const outcome = step(state, choice("pay:manual"), smaller);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.cart).toEqual([{ sku: "SUKUMA", quantity: 1 }]);
    expect(lastReply(outcome).text).toContain("no longer available");
  });

  it("back to cart shows the cart", () => {
    const outcome = step(paying, choice("cart"), context);
    expect(outcome.state.step).toEqual({ name: "viewing_cart" });
  });

  it.each([
    ["garbage", choice("pay:bitcoin")],
    ["stale", choice("q:EGGS12:2")],
    ["text", text("lipa")],
    ["a photo", media()],
  ])("%s re-shows the payment options", (_what, event) => {
    const outcome = step(paying, event, context);
    expect(outcome.actions).toEqual([]);
    expect(dataOf(outcome)).toEqual(["pay:mobile_money", "pay:card", "pay:manual", "cart"]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(paying));
  });
});

describe('step "awaiting_proof"', () => {
  const awaiting = reach(scripts.awaitingProof);

  it.each([
    ["a photo", media()],
    ["a PDF", media(pdf)],
    ["a photo with a caption", media(undefined, "paid!")],
  ])("%s is submitted as the receipt, no reply yet", (_what, event) => {
    const outcome = step(awaiting, event, context);
    expect(outcome.replies).toEqual([]);
    const content =
      event.type === "input" && event.content.kind === "media" ? event.content.media : undefined;
    expect(outcome.actions).toEqual([
      { kind: "submit_proof", key: `proof:${awaiting.seq + 1}`, orderRef: REF, media: content },
    ]);
    expect(outcome.state.step).toEqual(awaiting.step);
  });

  it.each([["I have paid"], ["hello"], ["QK7F3K2ABC"], ["500"]])("text %j reminds what to send", (typed) => {
    const outcome = step(awaiting, text(typed), context);
    const reply = lastReply(outcome);
    expect(reply.text).toContain(`*${REF}*`);
    expect(reply.text).toContain("photo");
    expect(reply.text).toContain("amount");
    expect(reply.text).toContain("/cancel");
    expect(reply.choices).toEqual([[{ label: "❌ Cancel order", data: "cancel" }]]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(awaiting));
  });

  it.each([
    ["the cancel button", choice("cancel")],
    ["/cancel", command("cancel")],
    ["the cancel label typed", text("cancel order")],
    ["the word cancel", text("Cancel")],
    ["its number", text("1")],
  ])("%s asks the runtime to cancel the order", (_what, event) => {
    const outcome = step(awaiting, event, context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${awaiting.seq + 1}`, orderRef: REF },
    ]);
    expect(outcome.replies).toEqual([]);
    expect(outcome.state.step).toEqual(awaiting.step);
  });

  it.each([
    ["a contact", contact(), "contact card"],
    ["a voice note", unsupported("voice"), "voice messages"],
    ["a stale product button", choice("p:EGGS12"), "older message"],
    ["garbage", choice("zzz"), "older message"],
  ])("%s gets a note and the reminder", (_what, event, note) => {
    const outcome = step(awaiting, event, context);
    expect(lastReply(outcome).text).toContain(note);
    expect(lastReply(outcome).text).toContain(REF);
    expect(outcome.actions).toEqual([]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(awaiting));
  });
});

describe('step "proof_under_review"', () => {
  const reviewing = reach(underReviewScript);

  it("text says the receipt is being checked and offers the catalog", () => {
    const outcome = step(reviewing, text("any news?"), context);
    const reply = lastReply(outcome);
    expect(reply.text).toBe(`⏳ Your receipt for *${REF}* is being checked; we'll message you here.`);
    expect(reply.choices).toEqual([[{ label: "🛍 See the catalog", data: "shop" }]]);
    expect(withoutSeqAndMenu(outcome.state)).toEqual(withoutSeqAndMenu(reviewing));
  });

  it("a second receipt is submitted too", () => {
    const outcome = step(reviewing, media(pdf), context);
    expect(outcome.actions).toEqual([
      { kind: "submit_proof", key: `proof:${reviewing.seq + 1}`, orderRef: REF, media: pdf },
    ]);
  });

  it("shopping is still possible from here", () => {
    const { outcomes, state } = play([choice("shop"), choice("p:MILK-1L"), text("2")], reviewing);
    expect(outcomes[0]!.state.step).toEqual({ name: "browsing" });
    expect(state.cart).toEqual([{ sku: "MILK-1L", quantity: 2 }]);
  });

  it("/cancel cancels the order under review", () => {
    const outcome = step(reviewing, command("cancel"), context);
    expect(outcome.actions).toEqual([
      { kind: "cancel_order", key: `cancel:${reviewing.seq + 1}`, orderRef: REF },
    ]);
  });
});

describe("seq and menu bookkeeping", () => {
  it("seq goes up by one on every call, whatever the event", () => {
    const events = [...scripts.awaitingProof, media(), text("x"), choice("zzz"), command("nope")];
    const { outcomes } = play(events);
    expect(outcomes.map((o) => o.state.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it("a reply without choices clears the menu", () => {
    // An empty catalog and an empty cart: the catalog reply has no choices.
    const state = reach(scripts.cart);
    const outcome = step(state, text("hi"), { ...context, catalog: { ...catalog, products: [] } });
    expect(lastReply(outcome).choices).toBeUndefined();
    expect(outcome.state.menu).toEqual([]);
  });

  it("the same state and event give the same outcome (a retried step repeats its keys)", () => {
    const paying = reach(scripts.payment);
    expect(step(paying, choice("pay:manual"), context)).toEqual(step(paying, choice("pay:manual"), context));
  });

  it("a corrupt state passed to step starts over instead of throwing", () => {
    const outcome = step({ v: 9 } as never, text("hi"), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(outcome.state.seq).toBe(1);
  });

  it("an internal error (a catalog in another currency) apologises and keeps step and cart", () => {
    const broken: StepContext = {
      ...context,
      catalog: {
        ...catalog,
        products: [
          ...catalog.products,
          { sku: "USD1", name: "Dollar thing", price: { amount: 100, currency: "USD" } },
        ],
      },
    };
    const state = {
      ...reach(scripts.cart),
      cart: [
        { sku: "EGGS12", quantity: 1 },
        { sku: "USD1", quantity: 1 },
      ],
    };
    const outcome = step(state, command("cart"), broken);
    expect(lastReply(outcome).text).toContain("something went wrong");
    expect(outcome.state.cart).toEqual(state.cart);
    expect(outcome.state.step).toEqual(state.step);
    expect(outcome.state.seq).toBe(state.seq + 1);
  });
});

describe("typed numbers on the quantity prompt (WhatsApp's numbered lines)", () => {
  const choosing = reach(scripts.quantityEggs);

  it("picks the line that is not a quantity when its number is typed", () => {
    const back = choosing.menu.findIndex((choice) => choice.data === "shop") + 1;
    const outcome = step(choosing, text(String(back)), context);
    expect(outcome.state.step).toEqual({ name: "browsing" });
    expect(outcome.state.cart).toEqual([]);
  });

  it("reads any other number as a quantity", () => {
    const outcome = step(choosing, text("7"), context);
    expect(outcome.state.cart).toEqual([{ sku: "EGGS12", quantity: 7 }]);
  });
});
