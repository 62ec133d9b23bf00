/**
 * Cash on delivery through Telegram: real grammY bot, Bot API emulator, BullMQ on the test Redis.
 * The order is placed for delivery and is not paid until the merchant's /paid; only the merchant
 * may say so, and only for a cash on delivery order awaiting delivery.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import {
  button,
  checkoutWith,
  MERCHANT_ID,
  orderByTransfer,
  orderOf,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

let shop: TestShop;

beforeEach(async () => {
  shop = await startTestShop({
    env: {
      CASH_ON_DELIVERY: "on",
      CASH_ON_DELIVERY_INSTRUCTIONS: "Pay the rider in cash or by M-Pesa.",
      CASH_ON_DELIVERY_MAX_TOTAL: "100",
    },
  });
});

afterEach(async () => {
  await shop.stop();
});

/** /start → 2 × Sukuma → checkout → cash on delivery: the reference. */
async function orderOnDelivery(shopper: TelegramUser): Promise<string> {
  await checkoutWith(shopper, "Sukuma", 2, "Cash on delivery");
  const placed = await shopper.nextMessage(/placed for delivery/);
  expect(placed.text).toContain("KES 60.00");
  expect(placed.text).toContain("Pay the rider in cash or by M-Pesa.");
  expect(placed.text).toContain("The shop will confirm here when you have paid.");
  return referenceIn(placed);
}

describe("cash on delivery on Telegram", () => {
  it("places the order unpaid, alerts the merchant, and only /paid makes it paid; then /fulfil works", async () => {
    const shopper = shop.shopper(3001, "Amina");
    const ref = await orderOnDelivery(shopper);

    const alert = await shop.merchant.nextMessage(/cash on delivery order/);
    expect(alert.text).toContain(ref);
    expect(alert.text).toContain("Amina");
    expect(alert.text).toContain("2 × Sukuma");
    expect(alert.text).toContain(`/paid ${ref}`);
    const placed = await orderOf(shop, ref);
    expect(placed.order.status).toBe("awaiting_delivery");
    expect(placed.payment).toMatchObject({ method: "cash_on_delivery", status: "awaiting_delivery" });
    expect(placed.order.paidAt).toBeUndefined();

    shopper.sendText("/start");
    expect((await shopper.nextMessage(/paid on delivery/)).text).toContain(ref);

    shop.merchant.sendText("/orders awaiting_delivery");
    expect((await shop.merchant.nextMessage(/Recent orders \(awaiting delivery\)/)).text).toContain(ref);

    shop.merchant.sendText(`/paid ${ref}`);
    expect((await shop.merchant.nextMessage(/marked paid/)).text).toContain(ref);
    expect((await shopper.nextMessage(/confirmed/)).text).toContain(ref);
    const paid = await orderOf(shop, ref);
    expect(paid.order.status).toBe("paid");
    expect(paid.payment.status).toBe("succeeded");
    const audit = await shop.duka.store.audit.list(
      shop.config.tenantId,
      { orderRef: ref, action: "payment.settled" },
      5,
    );
    expect(audit).toEqual([expect.objectContaining({ actor: `telegram:${MERCHANT_ID}` })]);

    shop.merchant.sendText(`/paid ${ref}`);
    expect((await shop.merchant.nextMessage(/already marked paid/)).text).toContain("Nothing changed");

    shop.merchant.sendText(`/fulfil ${ref}`);
    expect((await shop.merchant.nextMessage(/fulfilled/)).text).toContain(ref);
    expect((await orderOf(shop, ref)).order.status).toBe("fulfilled");
  });

  it("refuses an order above the limit before placing it for delivery; the shopper pays another way", async () => {
    const shopper = shop.shopper(3005);
    await checkoutWith(shopper, "Sukuma", 4, "Cash on delivery");
    const refused = await shopper.nextMessage(/only for orders up to KES 100\.00/);
    shopper.pressButton(refused, button(refused, "Bank transfer"));
    const placed = await shopper.nextMessage(/DK-/);
    expect(placed.text).toContain("KES 120.00");
    const { order, payment } = await orderOf(shop, referenceIn(placed));
    expect(order.status).toBe("awaiting_payment");
    expect(payment.method).toBe("manual");
    const orders = await shop.duka.store.orders.listByStatus(shop.config.tenantId, "awaiting_delivery", 10);
    expect(orders).toEqual([]);
  });

  it("refuses /paid from a stranger and from the shopper, changing nothing", async () => {
    const shopper = shop.shopper(3002);
    const ref = await orderOnDelivery(shopper);
    const stranger = shop.shopper(6666, "Mallory");
    stranger.sendText(`/paid ${ref}`);
    expect((await stranger.nextMessage()).text).toContain("Only the shop's staff");
    shopper.sendText(`/paid ${ref}`);
    expect((await shopper.nextMessage()).text).toContain("Only the shop's staff");
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("awaiting_delivery");
    expect(payment.status).toBe("awaiting_delivery");
  });

  it("refuses /paid for an order paid by transfer, changing nothing", async () => {
    const shopper = shop.shopper(3003);
    const { ref } = await orderByTransfer(shopper, "Sukuma", 1);
    shop.merchant.sendText(`/paid ${ref}`);
    expect((await shop.merchant.nextMessage(/not a cash on delivery order/)).text).toContain(ref);
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");
  });

  it("lets the merchant cancel an order that will not be delivered; the shopper is told", async () => {
    const shopper = shop.shopper(3006);
    const ref = await orderOnDelivery(shopper);
    shop.merchant.sendText(`/cancel ${ref}`);
    expect((await shop.merchant.nextMessage(/will not be delivered/)).text).toContain(ref);
    expect((await shopper.nextMessage(/cancelled/)).text).toContain(ref);
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("cancelled");
    expect(payment.status).toBe("cancelled");
    const transfer = await orderByTransfer(shopper, "Sukuma", 1);
    shop.merchant.sendText(`/cancel ${transfer.ref}`);
    expect((await shop.merchant.nextMessage(/not a cash on delivery order/)).text).toContain(transfer.ref);
    expect((await orderOf(shop, transfer.ref)).order.status).toBe("awaiting_payment");
  });

  it("lets the shopper cancel before delivery, the merchant is told not to deliver; /paid is then refused", async () => {
    const shopper = shop.shopper(3004);
    const ref = await orderOnDelivery(shopper);
    shopper.sendText("/cancel");
    await shopper.nextMessage(/cancelled/);
    expect((await shop.merchant.nextMessage(/Do not deliver it/)).text).toContain(ref);
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("cancelled");
    expect(payment.status).toBe("cancelled");
    shop.merchant.sendText(`/paid ${ref}`);
    expect((await shop.merchant.nextMessage(/not awaiting delivery/)).text).toContain("cancelled");
  });
});
