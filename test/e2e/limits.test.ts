/**
 * Limits against abuse, end to end on the real bot and Redis: new orders per chat (ORDER_LIMIT)
 * and shoppers' messages per chat (MESSAGE_LIMIT). Payment prompts per phone are in mpesa.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { button, orderByTransfer, startTestShop, type TestShop } from "../helpers/shop.js";

let shop: TestShop;

beforeAll(async () => {
  shop = await startTestShop({ env: { ORDER_LIMIT: "1", MESSAGE_LIMIT: "11" } });
});

afterAll(async () => {
  await shop.stop();
});

describe("limits per chat", () => {
  it("places one order, pauses the next politely, then answers a flood once", async () => {
    const shopper = shop.shopper(7701);
    await orderByTransfer(shopper, "Sukuma"); // messages 1–5

    shopper.sendText("/start"); // 6
    const catalog = await shopper.nextMessage(/Choose a product/);
    shopper.pressButton(catalog, button(catalog, "Tomatoes")); // 7
    const prompt = await shopper.nextMessage(/How many/);
    shopper.pressButton(prompt, button(prompt, "1")); // 8
    const added = await shopper.nextMessage(/Added/);
    shopper.pressButton(added, button(added, "Checkout")); // 9
    const checkout = await shopper.nextMessage(/How would you like to pay/);
    shopper.pressButton(checkout, button(checkout, "Bank transfer / manual")); // 10
    const paused = await shopper.nextMessage(/pausing/);
    expect(paused.text).toContain(
      "Sorry, you have placed several orders in a short time, so we are pausing new ones. Please try again in 10 minutes.",
    );
    const orders = await shop.duka.store.orders.listByCustomer(
      shop.config.tenantId,
      { channel: "telegram", chatId: "7701" },
      10,
    );
    expect(orders).toHaveLength(1);

    shopper.sendText("/help"); // 11: the last one answered
    await shopper.nextMessage(/\/orders/);
    shopper.sendText("/cart"); // 12: over the limit
    expect((await shopper.nextMessage(/faster than we can answer/)).text).toBe(
      "You are sending messages faster than we can answer. Please wait a few minutes before sending more.",
    );
  });
});
