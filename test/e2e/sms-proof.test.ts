/**
 * A pasted M-Pesa SMS as the receipt, through the real bot: grammY over HTTP to the Bot API
 * emulator, BullMQ on the test Redis, the embedded store. The merchant sees the fields read from
 * the SMS and confirms; the same code pasted for another shopper's order is flagged as reused; an
 * order whose M-Pesa prompt failed becomes a transfer proven by the SMS.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDarajaEmulator, type DarajaEmulator, stkPushEnv } from "../../sandbox/daraja/index.js";
import { freePort } from "../../sandbox/free-port.js";
import { kenyaWhen, paybillSms } from "../fixtures/mpesa-sms.js";
import {
  button,
  checkoutWith,
  orderByTransfer,
  orderOf,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

let shop: TestShop;

const CODE = "UL3XDEMO7Q";
/** What a shopper pastes after paying KES 60.00 for the order by Paybill just now. */
const pasted = (account: string) =>
  paybillSms({ code: CODE, shillings: 60, account, when: kenyaWhen(new Date()) });

describe("a pasted M-Pesa SMS as the receipt", () => {
  beforeEach(async () => {
    shop = await startTestShop();
  });

  afterEach(async () => {
    await shop.stop();
  });

  it("reaches the merchant as fields, is confirmed, and the same code on another order is flagged as reused", async () => {
    const amina = shop.shopper(2101, "Amina");
    const { ref, placed } = await orderByTransfer(amina, "Sukuma", 2);
    expect(placed.text).toContain("paste the M-Pesa confirmation SMS");

    amina.sendText(pasted(ref));
    expect((await amina.nextMessage(/with the merchant/)).text).toContain(ref);
    const alert = await shop.merchant.nextMessage(/M-Pesa SMS pasted/);
    expect(alert.text).toContain(`M-Pesa SMS pasted for ${ref}: KES 60.00`);
    expect(alert.text).toContain(`Code: ${CODE}`);
    expect(alert.text).toContain("Amount: KES 60.00 (Paybill)");
    expect(alert.text).toContain(`Account: ${ref}`);
    expect(alert.text).not.toContain("⚠️");
    expect(alert.text).not.toContain("New M-PESA balance");
    expect(alert.media).toBeUndefined();

    shop.merchant.pressButton(alert, button(alert, "Confirm"));
    expect((await shop.merchant.nextMessage(/confirmed\. The shopper/)).text).toContain(ref);
    expect((await amina.nextMessage(/confirmed/)).text).toContain(ref);
    expect((await orderOf(shop, ref)).order.status).toBe("paid");

    // Another shopper pastes the same SMS for their own order.
    const brian = shop.shopper(2102, "Brian");
    const second = await orderByTransfer(brian, "Sukuma", 2);
    brian.sendText(pasted(ref));
    await brian.nextMessage(/with the merchant/);
    const flagged = await shop.merchant.nextMessage(new RegExp(`M-Pesa SMS pasted for ${second.ref}`));
    expect(flagged.text).toContain(`⚠️ Code ${CODE} was already sent for order ${ref}.`);

    shop.merchant.sendText(`/confirm ${second.ref}`);
    expect((await shop.merchant.nextMessage(/Nothing changed/)).text).toContain(
      `already sent for order ${ref}`,
    );
    const { order, payment } = await orderOf(shop, second.ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.status).toBe("under_review");
  });

  it("a text that only looks like an SMS gets the receipt prompt and changes nothing", async () => {
    const shopper = shop.shopper(2103);
    const { ref } = await orderByTransfer(shopper, "Sukuma", 1);
    shopper.sendText(`${CODE} Confirmed. Ksh sent to MAMA MBOGA`);
    expect((await shopper.nextMessage(/photo \(or PDF\)/)).text).toContain(ref);
    expect(await shop.duka.store.proofs.listByTransactionCode(shop.config.tenantId, CODE, 5)).toEqual([]);
    expect((await orderOf(shop, ref)).payment.status).toBe("awaiting_proof");
  });
});

describe("a pasted M-Pesa SMS after a failed M-Pesa prompt", () => {
  let daraja: DarajaEmulator;

  beforeEach(async () => {
    daraja = await createDarajaEmulator();
    const port = await freePort();
    shop = await startTestShop({
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...stkPushEnv(daraja),
      },
    });
  });

  afterEach(async () => {
    await shop.stop();
    await daraja.close();
  });

  it("turns the order into a transfer the merchant confirms", async () => {
    const shopper = shop.shopper(2104, "Otieno");
    await checkoutWith(shopper, "Sukuma", 2, "M-Pesa");
    await shopper.nextMessage(/Which M-Pesa number/);
    shopper.sendText("0712 345 104");
    const ref = referenceIn(await shopper.nextMessage(/Check your phone/));
    const push = await daraja.nextPush({ phone: "254712345104" });
    daraja.complete(push.checkoutRequestId, { resultCode: 1037 });
    await shopper.nextMessage(/did not go through/);

    // The shopper paid by Paybill from the SIM menu instead, and pastes M-Pesa's SMS.
    shopper.sendText(pasted(ref));
    await shopper.nextMessage(/with the merchant/);
    const alert = await shop.merchant.nextMessage(new RegExp(`M-Pesa SMS pasted for ${ref}`));
    expect(alert.text).not.toContain("⚠️");
    expect((await orderOf(shop, ref)).payment).toMatchObject({ method: "manual", status: "under_review" });

    shop.merchant.sendText(`/confirm ${ref}`);
    await shop.merchant.nextMessage(/confirmed\. The shopper/);
    await shopper.nextMessage(/confirmed/);
    expect((await orderOf(shop, ref)).order.status).toBe("paid");
  });
});
