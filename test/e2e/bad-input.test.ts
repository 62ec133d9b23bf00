/**
 * Bad input through the real bot: each gets a clear reply and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyJpeg } from "../../sandbox/sample-files.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { button, orderByTransfer, startTestShop, type TestShop } from "../helpers/shop.js";

let shop: TestShop;

beforeAll(async () => {
  shop = await startTestShop({ env: { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent" } });
});

afterAll(async () => {
  await shop.stop();
});

async function orderAwaitingReceipt(shopper: TelegramUser): Promise<string> {
  return (await orderByTransfer(shopper, "avocado", 4)).ref;
}

async function paymentStatus(ref: string) {
  const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
  return (await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!))?.status;
}

describe("receipts that are not acceptable", () => {
  it("refuses a 20 MB photo before downloading it, and nothing changes", async () => {
    const shopper = shop.shopper(3001);
    const ref = await orderAwaitingReceipt(shopper);
    const getFileCalls = shop.emulator.calls("getFile").length;
    shopper.sendPhoto(tinyJpeg(), { fileSize: 20 * 1024 * 1024 });
    expect((await shopper.nextMessage(/too large/)).text).toContain("5 MB");
    expect(shop.emulator.calls("getFile")).toHaveLength(getFileCalls);
    expect(await paymentStatus(ref)).toBe("awaiting_proof");
    expect(await shop.duka.store.proofs.listPending(shop.config.tenantId, 50)).toEqual([]);
  });

  it("refuses a text file sent as a receipt, whatever its name claims", async () => {
    const shopper = shop.shopper(3002);
    const ref = await orderAwaitingReceipt(shopper);
    shopper.sendDocument(Buffer.from("I paid, promise"), { fileName: "receipt.jpg", mimeType: "image/jpeg" });
    expect((await shopper.nextMessage(/not a photo or a PDF/)).text).toBeTruthy();
    expect(await paymentStatus(ref)).toBe("awaiting_proof");
    expect(shop.merchant.messages().some((message) => message.text?.includes(ref))).toBe(false);
  });

  it("takes a photo sent before checkout as a mistake, not a receipt", async () => {
    const shopper = shop.shopper(3003);
    shopper.sendText("/start");
    await shopper.nextMessage(/Choose a product/);
    shopper.sendPhoto(tinyJpeg());
    expect((await shopper.nextMessage(/receipt/)).text).toMatch(/after you check out/);
    expect(await shop.duka.store.proofs.listPending(shop.config.tenantId, 50)).toEqual([]);
  });
});

describe("unknown commands and garbage buttons", () => {
  it("answers an unknown command at every step and keeps the step", async () => {
    const shopper = shop.shopper(3101);
    const chat = { channel: "telegram" as const, chatId: "3101" };
    const stepName = async () =>
      (await shop.duka.store.conversations.load(shop.config.tenantId, chat))?.state.step.name;
    const tryUnknown = async (expectedStep: string) => {
      expect(await stepName()).toBe(expectedStep);
      shopper.sendText("/frobnicate");
      expect((await shopper.nextMessage(/frobnicate/)).text).toMatch(/don't know[\s\S]*\/help/i);
      expect(await stepName()).toBe(expectedStep);
    };
    shopper.sendText("/start");
    const catalog = await shopper.nextMessage(/Choose a product/);
    await tryUnknown("browsing");
    shopper.pressButton(catalog, button(catalog, "Tomatoes"));
    const quantity = await shopper.nextMessage(/How many/);
    await tryUnknown("choosing_quantity");
    shopper.pressButton(quantity, button(quantity, "1"));
    const added = await shopper.nextMessage(/Added/);
    shopper.pressButton(added, button(added, "View cart"));
    const cart = await shopper.nextMessage(/Your cart/);
    await tryUnknown("viewing_cart");
    shopper.pressButton(cart, button(cart, "Checkout"));
    const checkout = await shopper.nextMessage(/How would you like to pay/);
    await tryUnknown("choosing_payment");
    shopper.pressButton(checkout, button(checkout, "Bank transfer"));
    await shopper.nextMessage(/DK-/);
    await tryUnknown("awaiting_proof");
    shopper.sendPhoto(tinyJpeg());
    await shopper.nextMessage(/with the merchant/);
    await tryUnknown("proof_under_review");
  });

  it("answers a garbage button press, answers the callback, and changes nothing", async () => {
    const shopper = shop.shopper(3102);
    shopper.sendText("/start");
    const catalog = await shopper.nextMessage(/Choose a product/);
    const before = await shop.duka.store.conversations.load(shop.config.tenantId, {
      channel: "telegram",
      chatId: "3102",
    });
    const updateId = shopper.pressButton(catalog, "\u0000💥garbage", { force: true });
    expect((await shopper.nextMessage(/older message/)).text).toBeTruthy();
    await shopper.waitForCallbackAnswer(updateId);
    const after = await shop.duka.store.conversations.load(shop.config.tenantId, {
      channel: "telegram",
      chatId: "3102",
    });
    expect(after?.state.cart).toEqual(before?.state.cart);
    expect(after?.state.step).toEqual(before?.state.step);
  });
});
