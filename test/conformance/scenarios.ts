/**
 * The channel conformance scenarios, written once against the channel-neutral drivers: every
 * chat channel must pass all of them. Each scenario has its own shoppers (distinct ids), so most
 * run at the same time on one shop; the merchant's chat is shared, and a scenario only reads the
 * merchant messages about its own order (or the replies to commands only it sends). The restart
 * stops the whole service, so it runs alone, after them.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyJpeg, tinyPdf } from "../../sandbox/sample-files.js";
import type { Step } from "../../src/domain/conversation.js";
import type { BotMessage, ChatDriver, ConformanceShop, ConformanceShopFactory } from "./drivers.js";

const REFERENCE = /DK-[2-9A-HJ-NP-Z]{5}/;

/** The order reference a message mentions. */
function referenceIn(message: BotMessage): string {
  const match = REFERENCE.exec(message.text);
  if (!match) throw new Error(`No order reference in: ${message.text}`);
  return match[0];
}

/** A real JPEG (or PDF) unique to `tag`, so no two orders share a receipt (that is flagged). */
function photoReceipt(tag: string): Buffer {
  return Buffer.concat([tinyJpeg(), Buffer.from(`\n${tag}`)]);
}

function pdfReceipt(tag: string): Buffer {
  return Buffer.concat([tinyPdf(), Buffer.from(`% ${tag}\n`)]);
}

// --- the shop's state, read from its store -----------------------------------------------------

async function conversation(shop: ConformanceShop, person: ChatDriver) {
  const stored = await shop.store.conversations.load(shop.tenantId, person.chat);
  if (!stored) throw new Error(`No conversation stored for ${JSON.stringify(person.chat)}`);
  return { step: stored.state.step, cart: stored.state.cart };
}

async function stepOf(shop: ConformanceShop, person: ChatDriver): Promise<Step> {
  return (await conversation(shop, person)).step;
}

async function orderStatus(shop: ConformanceShop, ref: string) {
  const order = await shop.store.orders.findByRef(shop.tenantId, ref);
  if (!order?.paymentId) throw new Error(`No order ${ref} with a payment`);
  const payment = await shop.store.payments.findById(shop.tenantId, order.paymentId);
  return { order: order.status, payment: payment?.status };
}

async function pendingProofsFor(shop: ConformanceShop, ref: string) {
  return (await shop.store.proofs.listPending(shop.tenantId, 200)).filter((proof) => proof.orderRef === ref);
}

/**
 * How a merchant message lets the merchant act: these choices (among others: /pending lists every
 * order) where the channel shows them as buttons, else its text names the command to type
 * (WhatsApp: a typed number could not be told apart from the merchant's own shopping).
 */
function expectChoicesOrCommand(message: BotMessage, choices: readonly string[], command: string): void {
  if (message.choices.length > 0) expect(message.choices).toEqual(expect.arrayContaining([...choices]));
  else expect(message.text).toContain(command);
}

// --- the shopper's usual moves -----------------------------------------------------------------

async function openCatalog(person: ChatDriver): Promise<BotMessage> {
  await person.sendText("/start");
  return person.nextMessage(/Choose a product/);
}

/** From a message offering the product: the product, then a quantity. Returns "Added …". */
async function addToCart(person: ChatDriver, product: string, quantity: number): Promise<BotMessage> {
  await person.choose(product);
  await person.nextMessage(/How many/);
  await person.choose(String(quantity));
  return person.nextMessage(/Added|Cart total/);
}

/** /start, a product, a quantity, checkout, transfer: the order placed, waiting for its receipt. */
async function orderByTransfer(person: ChatDriver, product: string, quantity: number) {
  await openCatalog(person);
  await addToCart(person, product, quantity);
  await person.choose("Checkout");
  await person.nextMessage(/How would you like to pay/);
  await person.choose("Bank transfer");
  const placed = await person.nextMessage(REFERENCE);
  return { ref: referenceIn(placed), placed };
}

/** Sends a receipt the shop accepts: the shopper's thanks, and the merchant's notification with it. */
async function submitReceipt(
  shop: ConformanceShop,
  person: ChatDriver,
  ref: string,
  bytes: Buffer,
  kind: "photo" | "document" = "photo",
): Promise<{ thanks: BotMessage; notification: BotMessage }> {
  await person.sendReceipt(bytes, kind);
  const thanks = await person.nextMessage(/with the merchant/);
  expect(thanks.text).toContain(ref);
  const notification = await shop.merchant.nextMessage(
    (message) => message.hasMedia && message.text.includes(`New receipt for ${ref}`),
  );
  return { thanks, notification };
}

// --- the suite -----------------------------------------------------------------------------------

/**
 * Registers every scenario for one channel. `shop()` is the running shop; each channel gets its
 * own, so the same shopper ids serve both.
 */
export function conformanceScenarios(shop: () => ConformanceShop): void {
  describe.concurrent("browsing and the cart", () => {
    it("shows the catalog, a product's details, and goes back; a typed product name works too", async () => {
      const person = shop().shopper(4101);
      const catalog = await openCatalog(person);
      expect(catalog.text).toContain("Mama Mboga");
      expect(catalog.choices).toHaveLength(8);
      expect(catalog.choices).toContain("Sukuma wiki (bunch) — KES 30.00");
      expect(catalog.choices).toContain("Kienyeji eggs (12) — KES 450.50");

      await person.choose("Kienyeji eggs");
      const details = await person.nextMessage(/How many/);
      expect(details.text).toContain("Free-range eggs from Kiambu");
      expect(details.text).toContain("KES 450.50 each");
      expect(details.choices).toEqual(["1", "2", "3", "4", "5", "⬅️ Back to catalog"]);
      expect(await stepOf(shop(), person)).toEqual({ name: "choosing_quantity", sku: "EGGS12" });

      await person.choose("Back to catalog");
      const back = await person.nextMessage();
      expect(back.text).toContain("Choose a product");
      expect(back.choices).toEqual(catalog.choices);
      expect(await stepOf(shop(), person)).toEqual({ name: "browsing" });

      await person.chooseByTyping("Hass avocado");
      expect((await person.nextMessage(/How many/)).text).toContain("Hass avocado");
      expect(await conversation(shop(), person)).toEqual({
        step: { name: "choosing_quantity", sku: "AVOCADO" },
        cart: [],
      });
    });

    it("adds to the cart, changes it with + and −, empties it, and checks out", async () => {
      const person = shop().shopper(4102);
      await openCatalog(person);
      const added = await addToCart(person, "Sukuma", 2);
      expect(added.text).toContain("Added 2 × Sukuma wiki (bunch)");
      expect(added.text).toContain("KES 60.00");
      expect(added.choices).toEqual(["🛍 Keep shopping", "🛒 View cart", "✅ Checkout"]);

      await person.choose("Keep shopping");
      const catalog = await person.nextMessage(/Choose a product/);
      expect(catalog.choices).toContain("🛒 View cart (2)");
      await person.chooseByTyping("Tomatoes (1 kg)");
      await person.nextMessage(/How many/);
      await person.sendText("3");
      expect((await person.nextMessage(/Added 3 × Tomatoes/)).text).toContain("KES 420.00");

      await person.choose("View cart");
      const cart = await person.nextMessage(/Your cart/);
      expect(cart.text).toContain("2 × Sukuma wiki (bunch) = KES 60.00");
      expect(cart.text).toContain("3 × Tomatoes (1 kg) = KES 360.00");
      expect(cart.text).toContain("Total: KES 420.00");
      expect(cart.choices).toEqual([
        "➕ Sukuma wiki (bunch)",
        "➖ Sukuma wiki (bunch)",
        "➕ Tomatoes (1 kg)",
        "➖ Tomatoes (1 kg)",
        "🗑 Empty cart",
        "🛍 Keep shopping",
        "✅ Checkout",
      ]);

      await person.choose("➕ Sukuma");
      expect((await person.nextMessage(/Your cart/)).text).toContain("3 × Sukuma wiki (bunch) = KES 90.00");
      await person.choose("➖ Tomatoes");
      const edited = await person.nextMessage(/Your cart/);
      expect(edited.text).toContain("2 × Tomatoes (1 kg) = KES 240.00");
      expect(edited.text).toContain("Total: KES 330.00");
      expect(await conversation(shop(), person)).toEqual({
        step: { name: "viewing_cart" },
        cart: [
          { sku: "SUKUMA", quantity: 3 },
          { sku: "TOMATO1KG", quantity: 2 },
        ],
      });

      await person.chooseByTyping("Checkout");
      const checkout = await person.nextMessage(/How would you like to pay/);
      expect(checkout.text).toContain("Total: KES 330.00");
      expect(checkout.choices).toEqual(["Bank transfer / manual", "⬅️ Back to cart"]);
      expect(await stepOf(shop(), person)).toEqual({ name: "choosing_payment" });

      await person.choose("Back to cart");
      await person.nextMessage(/Your cart/);
      await person.choose("Empty cart");
      expect((await person.nextMessage(/Choose a product/)).text).toContain("Your cart is now empty.");
      expect(await conversation(shop(), person)).toEqual({ step: { name: "browsing" }, cart: [] });
    });
  });

  describe.concurrent("paying by transfer, the merchant decides", () => {
    it("takes a receipt, notifies the merchant with it, and confirms on the merchant's /confirm", async () => {
      const person = shop().shopper(4201);
      const { ref, placed } = await orderByTransfer(person, "Sukuma", 2);
      expect(placed.text).toContain("KES 60.00");
      expect(placed.text).toContain("Till 123456");
      expect(placed.choices).toEqual(["❌ Cancel order"]);
      expect(await conversation(shop(), person)).toEqual({
        step: { name: "awaiting_proof", orderRef: ref },
        cart: [],
      });

      const receipt = photoReceipt(ref);
      const { notification } = await submitReceipt(shop(), person, ref, receipt);
      expect(notification.text).toContain("KES 60.00");
      expect(notification.text).toContain("Amina");
      expect(notification.text).toContain("2 × Sukuma wiki (bunch)");
      // The photo as re-encoded for storage: still a JPEG, without what was appended after it.
      expect((await sharp(notification.media!).metadata()).format).toBe("jpeg");
      expect(receipt.includes(Buffer.from(ref))).toBe(true);
      expect(notification.media!.includes(Buffer.from(ref))).toBe(false);
      expectChoicesOrCommand(notification, ["✅ Confirm", "❌ Reject"], `/confirm ${ref}`);
      expect(await orderStatus(shop(), ref)).toEqual({ order: "awaiting_payment", payment: "under_review" });

      await shop().merchant.sendText(`/confirm ${ref}`);
      await shop().merchant.nextMessage(new RegExp(`${ref} confirmed\\. The shopper`));
      expect((await person.nextMessage(/confirmed/)).text).toContain(`Payment for ${ref} confirmed`);
      expect(await orderStatus(shop(), ref)).toEqual({ order: "paid", payment: "succeeded" });
      const audit = await shop().store.audit.list(
        shop().tenantId,
        { orderRef: ref, action: "payment.confirmed" },
        5,
      );
      expect(audit.map((entry) => entry.actor)).toEqual([
        `${shop().merchant.chat.channel}:${shop().merchant.chat.chatId}`,
      ]);

      await person.sendText("/orders");
      expect((await person.nextMessage(/Your orders/)).text).toMatch(
        new RegExp(`${ref} — KES 60\\.00 — paid`),
      );
    });

    it("tells the shopper the reason of a /reject; a new receipt is then confirmed", async () => {
      const person = shop().shopper(4202);
      const { ref } = await orderByTransfer(person, "Tomatoes", 1);
      await submitReceipt(shop(), person, ref, photoReceipt(ref));

      await shop().merchant.sendText(`/reject ${ref} the amount is wrong`);
      await shop().merchant.nextMessage(new RegExp(`Receipt for ${ref} rejected`));
      const rejection = await person.nextMessage(/not accepted/);
      expect(rejection.text).toContain(ref);
      expect(rejection.text).toContain("the amount is wrong.");
      expect(rejection.choices).toEqual(["❌ Cancel order"]);
      expect(await orderStatus(shop(), ref)).toEqual({ order: "awaiting_payment", payment: "rejected" });
      expect(await stepOf(shop(), person)).toEqual({ name: "awaiting_proof", orderRef: ref });

      const second = pdfReceipt(ref);
      const { notification } = await submitReceipt(shop(), person, ref, second, "document");
      expect(notification.media).toEqual(second);
      await shop().merchant.sendText(`/confirm ${ref}`);
      await shop().merchant.nextMessage(new RegExp(`${ref} confirmed\\. The shopper`));
      expect((await person.nextMessage(/confirmed/)).text).toContain(ref);
      expect(await orderStatus(shop(), ref)).toEqual({ order: "paid", payment: "succeeded" });
    });

    it("answers every merchant command from the merchant's chat", async () => {
      const person = shop().shopper(4203);
      const merchant = shop().merchant;
      const { ref } = await orderByTransfer(person, "Red onions", 1);
      await submitReceipt(shop(), person, ref, photoReceipt(ref));

      await merchant.sendText("/help");
      const help = await merchant.nextMessage(/Merchant commands/);
      for (const command of ["/pending", "/confirm", "/reject", "/orders", "/refund"]) {
        expect(help.text).toContain(command);
      }

      await merchant.sendText("/pending");
      const pending = await merchant.nextMessage(/receipt\(s\) waiting/);
      expect(pending.text).toMatch(new RegExp(`${ref} KES 140\\.00 from Amina`));
      expectChoicesOrCommand(pending, [`✅ ${ref}`, `❌ ${ref}`], "/confirm");

      await merchant.sendText("/orders");
      expect((await merchant.nextMessage(/^Recent orders:/)).text).toMatch(
        new RegExp(`${ref} KES 140\\.00, awaiting payment`),
      );
      await merchant.sendText("/orders awaiting_payment");
      expect((await merchant.nextMessage(/^Recent orders \(awaiting payment\)/)).text).toContain(ref);
      await merchant.sendText("/orders shipped");
      expect((await merchant.nextMessage(/Unknown status "shipped"/)).text).toContain("awaiting_payment");

      await merchant.sendText("/confirm");
      expect((await merchant.nextMessage(/Which order\?/)).text).toContain("/confirm DK-");
      await merchant.sendText("/confirm DK-ZZZZZ");
      await merchant.nextMessage(/There is no order DK-ZZZZZ/);
      await merchant.sendText(`/reject ${ref}`);
      expectChoicesOrCommand(
        await merchant.nextMessage(new RegExp(`Why reject ${ref}`)),
        ["The amount does not match the order", "No payment arrived", "The receipt is unreadable"],
        `/reject ${ref} followed by your own words`,
      );
      await merchant.sendText(`/refund ${ref}`);
      await merchant.nextMessage(new RegExp(`${ref} is not paid, so there is nothing to refund`));
      // Asking is not deciding: the receipt still waits.
      expect(await orderStatus(shop(), ref)).toEqual({ order: "awaiting_payment", payment: "under_review" });
      expect(await pendingProofsFor(shop(), ref)).toHaveLength(1);
    });

    it("refuses merchant commands from anyone else, and nothing changes", async () => {
      const person = shop().shopper(4204);
      const { ref } = await orderByTransfer(person, "Maize flour", 1);
      await submitReceipt(shop(), person, ref, photoReceipt(ref));

      const outsider = shop().outsider(6601);
      await openCatalog(outsider);
      for (const command of [`/confirm ${ref}`, `/reject ${ref} fake`, "/pending", `/refund ${ref}`]) {
        await outsider.sendText(command);
        const name = command.split(" ")[0]!;
        expect((await outsider.nextMessage(/Only the shop's staff/)).text).toContain(`can use ${name}.`);
      }
      // `/orders` is also a shopper's command: an outsider sees their own orders, not the shop's.
      await outsider.sendText("/orders");
      expect((await outsider.nextMessage(/orders/)).text).toContain("You have no orders yet.");
      await person.sendText(`/confirm ${ref}`);
      expect((await person.nextMessage(/Only the shop's staff/)).text).toContain("/confirm");

      expect(await orderStatus(shop(), ref)).toEqual({ order: "awaiting_payment", payment: "under_review" });
      expect(await pendingProofsFor(shop(), ref)).toHaveLength(1);
      expect(
        await shop().store.audit.list(shop().tenantId, { orderRef: ref, action: "payment.confirmed" }, 5),
      ).toEqual([]);
      expect(outsider.messages().some((message) => message.text.includes(`${ref} confirmed`))).toBe(false);
      expect(person.messages().some((message) => /Payment for .* confirmed/.test(message.text))).toBe(false);
    });
  });

  describe.concurrent("bad input is answered clearly and changes nothing", () => {
    it("answers an unknown command at every step and keeps the step and the cart", async () => {
      const person = shop().shopper(4301);
      const tryUnknown = async (prompt: BotMessage, expected: Step["name"]) => {
        const before = await conversation(shop(), person);
        expect(before.step.name).toBe(expected);
        await person.sendText("/frobnicate");
        const answer = await person.nextMessage(/frobnicate/);
        expect(answer.text).toMatch(/I don't know \/frobnicate\. Send \/help/);
        expect(answer.choices).toEqual(prompt.choices);
        expect(await conversation(shop(), person)).toEqual(before);
      };
      const catalog = await openCatalog(person);
      await tryUnknown(catalog, "browsing");
      await person.choose("Tomatoes");
      await tryUnknown(await person.nextMessage(/How many/), "choosing_quantity");
      await person.choose("1");
      await person.nextMessage(/Added/);
      await person.choose("View cart");
      await tryUnknown(await person.nextMessage(/Your cart/), "viewing_cart");
      await person.choose("Checkout");
      await tryUnknown(await person.nextMessage(/How would you like to pay/), "choosing_payment");
      await person.choose("Bank transfer");
      const placed = await person.nextMessage(REFERENCE);
      await tryUnknown(placed, "awaiting_proof");
      const ref = referenceIn(placed);
      const { thanks } = await submitReceipt(shop(), person, ref, photoReceipt(ref));
      await tryUnknown(thanks, "proof_under_review");
    });

    it("answers a sticker, a receipt before checkout and numbers out of range", async () => {
      const person = shop().shopper(4302);
      const catalog = await openCatalog(person);
      const browsing = await conversation(shop(), person);

      await person.sendSticker();
      const sticker = await person.nextMessage(/can't read stickers/);
      expect(sticker.choices).toEqual(catalog.choices);
      expect(await conversation(shop(), person)).toEqual(browsing);

      await person.sendReceipt(photoReceipt("too early"), "photo");
      expect((await person.nextMessage(/receipt/)).text).toContain("only take a receipt after you check out");
      expect(await shop().store.orders.listByCustomer(shop().tenantId, person.chat, 5)).toEqual([]);
      expect(await conversation(shop(), person)).toEqual(browsing);

      await person.sendText("42");
      expect((await person.nextMessage(/no option 42/)).text).toContain("Reply with a number from 1 to 8.");
      expect(await conversation(shop(), person)).toEqual(browsing);

      await person.choose("Rosecoco beans");
      await person.nextMessage(/How many/);
      const choosing = await conversation(shop(), person);
      for (const [typed, notice] of [
        ["0", "0 is not a quantity"],
        ["100", "That's too many"],
        ["1.5", "Please use a whole number"],
      ] as const) {
        await person.sendText(typed);
        expect((await person.nextMessage(notice)).text).toContain("How many would you like?");
        expect(await conversation(shop(), person)).toEqual(choosing);
      }

      await person.choose("2");
      await person.nextMessage(/Added 2 × Rosecoco beans/);
      await person.choose("View cart");
      await person.nextMessage(/Your cart/);
      const viewing = await conversation(shop(), person);
      await person.sendText("9");
      expect((await person.nextMessage(/no option 9/)).text).toContain("Reply with a number from 1 to 5.");
      expect(await conversation(shop(), person)).toEqual(viewing);
      expect(viewing.cart).toEqual([{ sku: "BEANS1KG", quantity: 2 }]);
    });

    it("refuses a text file sent as a receipt and a sticker, then takes a real receipt", async () => {
      const person = shop().shopper(4303);
      const { ref } = await orderByTransfer(person, "Fresh milk", 2);
      const waiting = await conversation(shop(), person);

      await person.sendReceipt(Buffer.from("I paid, promise"), "document", "image/jpeg", "receipt.jpg");
      const refused = await person.nextMessage(/not a photo or a PDF/);
      expect(refused.text).toContain(ref);
      expect(await orderStatus(shop(), ref)).toEqual({
        order: "awaiting_payment",
        payment: "awaiting_proof",
      });
      expect(await pendingProofsFor(shop(), ref)).toEqual([]);
      expect(await conversation(shop(), person)).toEqual(waiting);

      await person.sendSticker();
      await person.nextMessage(/can't read stickers/);
      expect(await conversation(shop(), person)).toEqual(waiting);

      // No receipt reached the merchant (another scenario's /orders may list the order).
      const receipts = shop()
        .merchant.messages()
        .filter((message) => message.text.includes(`New receipt for ${ref}`));
      expect(receipts).toEqual([]);
      const { notification } = await submitReceipt(shop(), person, ref, pdfReceipt(ref), "document");
      expect(notification.text).toContain("KES 130.00");
      expect(await orderStatus(shop(), ref)).toEqual({ order: "awaiting_payment", payment: "under_review" });
    });
  });

  describe("alone on the shop", () => {
    it("keeps the conversation: the cart and the latest choices work after it", async () => {
      const person = shop().shopper(4401);
      await openCatalog(person);
      expect((await addToCart(person, "Kienyeji eggs", 3)).text).toContain("KES 1,351.50");

      await shop().restart();
      expect(await conversation(shop(), person)).toEqual({
        step: { name: "browsing" },
        cart: [{ sku: "EGGS12", quantity: 3 }],
      });
      // The choices of the message sent before the restart.
      await person.choose("View cart");
      const cart = await person.nextMessage(/Your cart/);
      expect(cart.text).toContain("3 × Kienyeji eggs (12) = KES 1,351.50");
      await person.choose("Checkout");
      expect((await person.nextMessage(/How would you like to pay/)).text).toContain("KES 1,351.50");
      await person.choose("Bank transfer");
      const ref = referenceIn(await person.nextMessage(REFERENCE));

      await shop().restart();
      expect(await stepOf(shop(), person)).toEqual({ name: "awaiting_proof", orderRef: ref });
      await submitReceipt(shop(), person, ref, photoReceipt(ref));
      await shop().merchant.sendText(`/confirm ${ref}`);
      await shop().merchant.nextMessage(new RegExp(`${ref} confirmed`));
      await person.nextMessage(new RegExp(`Payment for ${ref} confirmed`));
      expect(await orderStatus(shop(), ref)).toEqual({ order: "paid", payment: "succeeded" });
    });

    // Alone, so the notification is the merchant's latest message.
    it("lets the merchant decide from the notification alone: its choices, or the commands it names", async () => {
      const person = shop().shopper(4402);
      const merchant = shop().merchant;
      const { ref } = await orderByTransfer(person, "Hass avocado", 4);
      const { notification: first } = await submitReceipt(shop(), person, ref, photoReceipt(ref));
      if (first.choices.length > 0) {
        await merchant.choose("Reject", { on: first });
        const reasons = await merchant.nextMessage();
        expect(reasons.text).toContain(`Why reject ${ref}?`);
        await merchant.choose("No payment arrived", { on: reasons });
      } else {
        expect(first.text).toContain(`/reject ${ref}`);
        await merchant.sendText(`/reject ${ref} No payment arrived`);
      }
      await merchant.nextMessage(new RegExp(`Receipt for ${ref} rejected`));
      expect((await person.nextMessage(/not accepted/)).text).toContain("No payment arrived.");

      const { notification: second } = await submitReceipt(shop(), person, ref, pdfReceipt(ref), "document");
      if (second.choices.length > 0) {
        await merchant.choose("Confirm", { on: second });
      } else {
        expect(second.text).toContain(`/confirm ${ref}`);
        await merchant.sendText(`/confirm ${ref}`);
      }
      expect((await merchant.nextMessage()).text).toContain(`${ref} confirmed. The shopper`);
      await person.nextMessage(new RegExp(`Payment for ${ref} confirmed`));
      expect(await orderStatus(shop(), ref)).toEqual({ order: "paid", payment: "succeeded" });
    });
  });
}

/** The whole suite for one channel: a shop started before the scenarios and stopped after them. */
export function runConformance(name: string, startShop: ConformanceShopFactory): void {
  // Replies are paced per chat (about one a second) and every scenario's merchant messages share
  // one chat, so a scenario takes seconds, not milliseconds.
  describe(`channel conformance: ${name}`, { timeout: 90_000 }, () => {
    let running: ConformanceShop | undefined;
    beforeAll(async () => {
      running = await startShop();
    });
    afterAll(async () => {
      await running?.stop();
    });
    conformanceScenarios(() => {
      if (!running) throw new Error("The shop did not start");
      return running;
    });
  });
}
