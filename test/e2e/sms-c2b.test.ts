/**
 * A pasted M-Pesa SMS whose code M-Pesa confirmed to the shop's Paybill settles by itself, end to
 * end: the real grammY bot and emulated Telegram, the mpesa-c2b plugin with Transaction Status
 * (an initiator configured), the Daraja emulator paying from the SIM menu, the code-check job on
 * the test Redis. The merchant reviews only what M-Pesa does not vouch for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  c2bEnv,
  createDarajaEmulator,
  DARAJA_PATHS,
  type DarajaEmulator,
  SANDBOX_SHORTCODE,
} from "../../sandbox/daraja/index.js";
import { freePort } from "../../sandbox/free-port.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { deterministicId } from "../../src/domain/ids.js";
import { kenyaWhen, paybillSms } from "../fixtures/mpesa-sms.js";
import {
  checkoutWith,
  confirmedAndSettled,
  orderOf,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

/** The Transaction Status result arrives by callback: the code-check job waits for it with retries. */
const CHECKED_MS = 20_000;

let daraja: DarajaEmulator;
let shop: TestShop;

beforeAll(async () => {
  daraja = await createDarajaEmulator({ shortcodes: [{ shortcode: SANDBOX_SHORTCODE, passkey: "unused" }] });
  const port = await freePort();
  shop = await startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...c2bEnv(daraja),
      MPESA_C2B_INITIATOR_NAME: "testapi",
      MPESA_C2B_SECURITY_CREDENTIAL: "c2VjdXJpdHlDcmVkZW50aWFs",
    },
    // No Paybill payment expires while these tests pay.
    reconcileDelaysMs: [120_000],
  });
});

afterAll(async () => {
  await shop?.stop();
  await daraja?.close();
});

/** Sukuma × 2 (KES 60) to be paid by "M-Pesa Paybill": the order's reference. */
async function orderByPaybill(shopper: TelegramUser): Promise<string> {
  await checkoutWith(shopper, "Sukuma", 2, "M-Pesa Paybill");
  return referenceIn(await shopper.nextMessage(/Pay Bill/));
}

/** What the shopper pastes: M-Pesa's SMS for a Paybill payment of `shillings` just now. */
const smsFor = (code: string, account: string, shillings = 60) =>
  paybillSms({ code, shillings, account, when: kenyaWhen(new Date()) });

/** Whether the merchant was shown a pasted SMS for the order to review. */
const askedToReview = (ref: string) =>
  shop.merchant.messages().some((message) => message.text?.includes(`M-Pesa SMS pasted for ${ref}`));

describe("a pasted M-Pesa SMS with a Paybill (C2B) instance", () => {
  it("settles the order with an orphan the code names, without the merchant", async () => {
    const shopper = shop.shopper(8801, "Wanjiku");
    const ref = await orderByPaybill(shopper);
    // A typo in the account: M-Pesa confirms it, and it matches no order.
    const paid = await daraja.payBill({ account: "DK-TYPO1", amount: 60, phone: "0712345801" });
    await shop.merchant.nextMessage(new RegExp(`matches no order[\\s\\S]*${paid.transId}`), {
      timeoutMs: CHECKED_MS,
    });
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");

    shopper.sendText(smsFor(paid.transId, "DK-TYPO1"));
    await shopper.nextMessage(/checking that M-Pesa payment/);
    const confirmed = await shopper.nextMessage(/confirmed/, { timeoutMs: CHECKED_MS });
    expect(confirmed.text).toContain(ref);
    expect(confirmed.text).toContain(paid.transId);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));

    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("paid");
    expect(payment).toMatchObject({ method: "paybill", status: "succeeded", receipt: paid.transId });
    const received = await shop.duka.store.receivedPayments.findByTransId(shop.config.tenantId, paid.transId);
    expect(received).toMatchObject({ status: "matched", matchedBy: "code", orderRef: ref });
    const [proof] = await shop.duka.store.proofs.listByTransactionCode(shop.config.tenantId, paid.transId, 5);
    expect(proof).toMatchObject({ status: "confirmed", reviewedBy: "provider:mpesa-c2b" });
    expect(askedToReview(ref)).toBe(false);
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("asks M-Pesa about a code whose confirmation never came, settles once, and a late confirmation adds nothing", async () => {
    const shopper = shop.shopper(8802, "Otieno");
    const ref = await orderByPaybill(shopper);
    const paid = await daraja.payBill({ account: ref, amount: 60, phone: "0712345802", delivery: "drop" });
    expect(paid.deliveries).toEqual([]);

    shopper.sendText(smsFor(paid.transId, ref));
    await shopper.nextMessage(/checking that M-Pesa payment/);
    const confirmed = await shopper.nextMessage(/confirmed/, { timeoutMs: CHECKED_MS });
    expect(confirmed.text).toContain(paid.transId);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    const asked = daraja
      .calls(DARAJA_PATHS.transactionStatus)
      .map((call) => (call.body as { TransactionID: string }).TransactionID);
    expect(asked).toContain(paid.transId);
    const received = await shop.duka.store.receivedPayments.findByTransId(shop.config.tenantId, paid.transId);
    expect(received).toMatchObject({
      status: "matched",
      matchedBy: "code",
      orderRef: ref,
      amount: { amount: 6_000, currency: "KES" },
    });
    expect(askedToReview(ref)).toBe(false);

    // M-Pesa sends the confirmation after all: the same money, counted once.
    const late = await daraja.redeliverConfirmation(paid.transId);
    expect(late.deliveries.at(-1)?.status).toBe(200);
    const inboxId = deterministicId("ibx", "mpesa-c2b", `c2b:${paid.transId}`);
    // The settle job verifies it (the cached Transaction Status result) and finds it recorded.
    await expect
      .poll(async () => (await shop.duka.store.inbox.findById(inboxId))?.status, { timeout: CHECKED_MS })
      .toBe("processed");
    expect(
      await shop.duka.store.receivedPayments.listByPayment(shop.config.tenantId, received!.paymentId!),
    ).toHaveLength(1);
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
    expect((await orderOf(shop, ref)).payment.flag).toBeUndefined();
  });

  it("does not settle an order with a code whose money paid another order: the merchant sees it flagged", async () => {
    const first = shop.shopper(8803, "Amina");
    const firstRef = await orderByPaybill(first);
    const paid = await daraja.payBill({ account: firstRef, amount: 60, phone: "0712345803" });
    await first.nextMessage(/confirmed/, { timeoutMs: CHECKED_MS });

    const second = shop.shopper(8804, "Brian");
    const ref = await orderByPaybill(second);
    second.sendText(smsFor(paid.transId, firstRef));
    await second.nextMessage(/checking that M-Pesa payment/);
    const alert = await shop.merchant.nextMessage(new RegExp(`M-Pesa SMS pasted for ${ref}`), {
      timeoutMs: CHECKED_MS,
    });
    expect(alert.text).toContain(
      `⚠️ M-Pesa confirmed code ${paid.transId} to your Paybill or Till, and that money already paid order ${firstRef}.`,
    );

    shop.merchant.sendText(`/confirm ${ref}`);
    expect((await shop.merchant.nextMessage(/Nothing changed/)).text).toContain(firstRef);
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment).toMatchObject({ method: "manual", status: "under_review" });
    const received = await shop.duka.store.receivedPayments.findByTransId(shop.config.tenantId, paid.transId);
    expect(received).toMatchObject({ matchedBy: "account", orderRef: firstRef });
  });

  it("hands a code M-Pesa does not know to the merchant, flagged", async () => {
    const shopper = shop.shopper(8805, "Njeri");
    const ref = await orderByPaybill(shopper);
    shopper.sendText(smsFor("UL9XFAKE01", ref));
    await shopper.nextMessage(/checking that M-Pesa payment/);
    const alert = await shop.merchant.nextMessage(new RegExp(`M-Pesa SMS pasted for ${ref}`), {
      timeoutMs: CHECKED_MS,
    });
    expect(alert.text).toContain(
      "⚠️ M-Pesa has no completed payment with code UL9XFAKE01 at the Paybill or Till Duka watches: check where it was paid.",
    );
    expect((await orderOf(shop, ref)).payment).toMatchObject({ method: "manual", status: "under_review" });
    // M-Pesa could not vouch for it: the shopper now hears the merchant checks it.
    await shopper.nextMessage(/is with the merchant/);
  });
});
