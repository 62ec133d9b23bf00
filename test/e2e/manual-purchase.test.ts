/**
 * A whole purchase through Telegram: real grammY bot, Bot API emulator, BullMQ on the test
 * Redis, embedded store. Shopper pays by transfer and sends a receipt; the merchant decides.
 */

import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tinyJpeg, tinyPng } from "../../sandbox/sample-files.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { button, MERCHANT_ID, orderByTransfer, startTestShop, type TestShop } from "../helpers/shop.js";

let shop: TestShop;

beforeEach(async () => {
  shop = await startTestShop();
});

afterEach(async () => {
  await shop.stop();
});

/** /start → 2 × Sukuma → checkout → transfer: returns the order reference. */
async function placeManualOrder(shopper: TelegramUser): Promise<string> {
  const { ref, placed } = await orderByTransfer(shopper, "Sukuma", 2);
  expect(placed.text).toContain("KES 60.00");
  expect(placed.text).toContain("Till 123456");
  return ref;
}

async function sendReceipt(shopper: TelegramUser, ref: string, bytes = tinyJpeg()) {
  shopper.sendPhoto(bytes);
  await shopper.nextMessage(new RegExp(`${ref}[\\s\\S]*merchant|merchant[\\s\\S]*${ref}`));
}

describe("a manual-payment purchase on Telegram", () => {
  it("runs from /start to the shopper's confirmation after the merchant's /confirm", async () => {
    const shopper = shop.shopper(2001, "Amina");
    const ref = await placeManualOrder(shopper);
    const receipt = tinyJpeg();
    await sendReceipt(shopper, ref, receipt);

    const notification = await shop.merchant.nextMessage((message) => message.media !== undefined);
    expect(notification.text).toContain(ref);
    expect(notification.text).toContain("KES 60.00");
    expect(notification.text).toContain("Amina");
    // The merchant gets the photo as re-encoded for storage (no metadata), still the same picture.
    const forwarded = await sharp(Buffer.from(notification.media!.bytes)).metadata();
    expect(forwarded).toMatchObject({ format: "jpeg", width: 1, height: 1 });
    expect(forwarded.exif).toBeUndefined();
    expect(notification.buttons.map((b) => b.text)).toEqual(["✅ Confirm", "❌ Reject"]);

    shop.merchant.sendText("/pending");
    expect((await shop.merchant.nextMessage(/waiting/)).text).toContain(ref);

    shop.merchant.sendText(`/confirm ${ref}`);
    expect((await shop.merchant.nextMessage(/confirmed/)).text).toContain(ref);
    const confirmation = await shopper.nextMessage(/confirmed/);
    expect(confirmation.text).toContain(ref);

    const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
    expect(order?.status).toBe("paid");
    const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
    expect(payment?.status).toBe("succeeded");
    const audit = await shop.duka.store.audit.list(
      shop.config.tenantId,
      { orderRef: ref, action: "payment.confirmed" },
      5,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: `telegram:${MERCHANT_ID}`, subjectId: payment!._id });

    shopper.sendText("/orders");
    expect((await shopper.nextMessage(new RegExp(ref))).text).toMatch(/paid/i);

    // A transfer cannot be refunded through a provider: the merchant is told, nothing changes.
    shop.merchant.sendText(`/refund ${ref}`);
    expect((await shop.merchant.nextMessage(/Nothing changed/)).text).toContain(
      "send the money back yourself",
    );
    expect((await shop.duka.store.orders.findByRef(shop.config.tenantId, ref))?.status).toBe("paid");
  });

  it("confirming twice, or by the button after the command, changes nothing the second time", async () => {
    const shopper = shop.shopper(2002);
    const ref = await placeManualOrder(shopper);
    await sendReceipt(shopper, ref);
    const notification = await shop.merchant.nextMessage((message) => message.media !== undefined);

    shop.merchant.sendText(`/confirm ${ref}`);
    await shop.merchant.nextMessage(/confirmed\. The shopper/);
    shop.merchant.pressButton(notification, button(notification, "Confirm"));
    expect((await shop.merchant.nextMessage(/already confirmed/)).text).toContain(ref);

    await shopper.nextMessage(/confirmed/);
    shopper.sendText("/help");
    await shopper.nextMessage(/\/orders/);
    const confirmations = shopper
      .messages()
      .filter((message) => /Payment for .* confirmed/.test(message.text ?? ""));
    expect(confirmations).toHaveLength(1);
  });

  it("tells the shopper a rejection's reason; a new receipt can then be confirmed", async () => {
    const shopper = shop.shopper(2003);
    const ref = await placeManualOrder(shopper);
    await sendReceipt(shopper, ref);
    await shop.merchant.nextMessage((message) => message.media !== undefined);

    shop.merchant.sendText(`/reject ${ref} the amount is wrong`);
    expect((await shop.merchant.nextMessage(/rejected/)).text).toContain(ref);
    const rejection = await shopper.nextMessage(/not accepted/);
    expect(rejection.text).toContain("the amount is wrong");
    expect(rejection.text).toContain(ref);

    await sendReceipt(shopper, ref, tinyPng());
    const second = await shop.merchant.nextMessage((message) => message.media !== undefined);
    shop.merchant.pressButton(second, button(second, "Confirm"));
    await shop.merchant.nextMessage(/confirmed\. The shopper/);
    await shopper.nextMessage(/confirmed/);
    const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
    expect(order?.status).toBe("paid");
  });

  it("rejects with a quick reason from the Reject button", async () => {
    const shopper = shop.shopper(2004);
    const ref = await placeManualOrder(shopper);
    await sendReceipt(shopper, ref);
    const notification = await shop.merchant.nextMessage((message) => message.media !== undefined);
    shop.merchant.pressButton(notification, button(notification, "Reject"));
    const reasons = await shop.merchant.nextMessage(/Why reject/);
    shop.merchant.pressButton(reasons, button(reasons, "No payment arrived"));
    await shop.merchant.nextMessage(/rejected/);
    expect((await shopper.nextMessage(/not accepted/)).text).toContain("No payment arrived");
  });

  it("refuses /confirm from someone who is not a merchant and changes nothing", async () => {
    const shopper = shop.shopper(2005);
    const ref = await placeManualOrder(shopper);
    await sendReceipt(shopper, ref);

    const intruder = shop.shopper(6666, "Mallory");
    intruder.sendText(`/confirm ${ref}`);
    expect((await intruder.nextMessage()).text).toContain("Only the shop's staff");
    intruder.pressButton(0, `m:ok:${ref}`, { force: true });
    expect((await intruder.nextMessage()).text).toContain("Only the shop's staff");
    shopper.sendText(`/confirm ${ref}`);
    expect((await shopper.nextMessage()).text).toContain("Only the shop's staff");

    const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
    expect(order?.status).toBe("awaiting_payment");
    const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
    expect(payment?.status).toBe("under_review");
  });

  it("answers a confirm for a cancelled order sensibly and changes nothing", async () => {
    const shopper = shop.shopper(2006);
    const ref = await placeManualOrder(shopper);
    shopper.sendText("/cancel");
    await shopper.nextMessage(/cancelled/);
    shop.merchant.sendText(`/confirm ${ref}`);
    expect((await shop.merchant.nextMessage(new RegExp(ref))).text).toMatch(/cancelled.*Nothing changed/);
    const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
    expect(order?.status).toBe("cancelled");
  });
});

describe("conversation state", () => {
  it("survives a restart of the service in the middle of a conversation", async () => {
    const shopper = shop.shopper(2101);
    shopper.sendText("/start");
    const catalog = await shopper.nextMessage(/Mama Mboga/);
    shopper.pressButton(catalog, button(catalog, "eggs"));
    const quantity = await shopper.nextMessage(/How many/);
    shopper.pressButton(quantity, button(quantity, "3"));
    const added = await shopper.nextMessage(/Added/);

    await shop.restart();

    shopper.pressButton(added, button(added, "View cart"));
    const cart = await shopper.nextMessage(/Kienyeji eggs/);
    expect(cart.text).toContain("KES 1,351.50");
    shopper.pressButton(cart, button(cart, "Checkout"));
    const checkout = await shopper.nextMessage((message) =>
      message.buttons.some((b) => b.text.includes("Bank transfer")),
    );
    expect(checkout.text).toContain("KES 1,351.50");
  });

  it("handles two messages sent at once from one chat in order, both answered", async () => {
    const shopper = shop.shopper(2102);
    shopper.sendText("/start");
    await shopper.nextMessage(/Mama Mboga/);
    shopper.sendText("/cart");
    shopper.sendText("/help");
    const first = await shopper.nextMessage();
    const second = await shopper.nextMessage();
    expect(first.text).toMatch(/cart is empty/i);
    expect(second.text).toContain("/orders");
    const stored = await shop.duka.store.conversations.load(shop.config.tenantId, {
      channel: "telegram",
      chatId: "2102",
    });
    expect(stored?.version).toBe(3);
  });
});
