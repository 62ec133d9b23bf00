/**
 * What merchants are told without asking: a reminder for a receipt nobody reviewed, and a warning
 * when the same receipt is offered for a second order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyJpeg, tinyPng } from "../../sandbox/sample-files.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { button, orderByTransfer, startTestShop, type TestShop } from "../helpers/shop.js";

let shop: TestShop;

beforeAll(async () => {
  shop = await startTestShop({ reminderDelayMs: 500 });
});

afterAll(async () => {
  await shop.stop();
});

async function orderAndReceipt(shopper: TelegramUser, receipt: Buffer): Promise<string> {
  const { ref } = await orderByTransfer(shopper, "milk");
  shopper.sendPhoto(receipt);
  await shopper.nextMessage(/with the merchant/);
  return ref;
}

describe("merchant alerts", () => {
  it("reminds the merchant of a receipt still waiting after the delay, with the review buttons", async () => {
    const ref = await orderAndReceipt(shop.shopper(5001), tinyJpeg());
    await shop.merchant.nextMessage((message) => message.media !== undefined && message.text!.includes(ref));
    const reminder = await shop.merchant.nextMessage(/has waited/);
    expect(reminder.text).toContain(ref);
    expect(reminder.buttons.map((b) => b.callback_data)).toEqual([`m:ok:${ref}`, `m:no:${ref}`]);
  });

  it("warns when the same receipt is sent for a second order", async () => {
    const receipt = tinyPng();
    const first = await orderAndReceipt(shop.shopper(5002), receipt);
    const second = await orderAndReceipt(shop.shopper(5003), receipt);
    const notification = await shop.merchant.nextMessage(
      (message) => message.media !== undefined && message.text!.includes(second),
    );
    expect(notification.text).toContain(`same receipt was already sent for order ${first}`);
    const audit = await shop.duka.store.audit.list(
      shop.config.tenantId,
      { orderRef: second, action: "proof.submitted" },
      5,
    );
    expect(audit[0]?.detail).toEqual({ reusedFromOrderRef: first });

    // A plain confirm of the reused receipt credits nothing; only the explicit override does.
    shop.merchant.sendText(`/confirm ${second}`);
    const refusal = await shop.merchant.nextMessage(/Nothing changed/);
    expect(refusal.text).toContain(`already sent for order ${first}`);
    const { tenantId } = shop.config;
    expect((await shop.duka.store.orders.findByRef(tenantId, second))?.status).toBe("awaiting_payment");
    shop.merchant.pressButton(refusal, button(refusal, "Confirm anyway"));
    expect((await shop.merchant.nextMessage(/confirmed\. The shopper/)).text).toContain(second);
    expect((await shop.duka.store.orders.findByRef(tenantId, second))?.status).toBe("paid");
    const confirmed = await shop.duka.store.audit.list(
      tenantId,
      { orderRef: second, action: "payment.confirmed" },
      5,
    );
    expect(confirmed[0]?.detail).toEqual({ override: true, reusedFromOrderRef: first });
  });
});
