/**
 * M-Pesa STK Push end to end: the real grammY bot and emulated Telegram, the mpesa plugin against
 * the Daraja emulator, callbacks into our webhook route, the inbox, settle and reconcile jobs on
 * the test Redis, and the confirmation back in the chat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDarajaEmulator, type DarajaEmulator, stkPushEnv } from "../../sandbox/daraja/index.js";
import { freePort } from "../../sandbox/free-port.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import {
  button,
  checkoutWith,
  confirmedAndSettled,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-for-mpesa-tests-0123";
let daraja: DarajaEmulator;
let shop: TestShop;

beforeAll(async () => {
  daraja = await createDarajaEmulator();
  const port = await freePort();
  shop = await startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...stkPushEnv(daraja),
      ADMIN_TOKEN,
    },
    // Long enough that reconciliation never races the callbacks these tests send…
    reconcileDelaysMs: [3_000, 6_000],
  });
});

afterAll(async () => {
  await shop.stop();
  await daraja.close();
});

/** /start → Sukuma × quantity → checkout → M-Pesa → the number typed: returns the reference. */
async function payByMpesa(shopper: TelegramUser, phone: string, quantity = 2): Promise<string> {
  await checkoutWith(shopper, "Sukuma", quantity, "M-Pesa");
  await shopper.nextMessage(/Which M-Pesa number/);
  shopper.sendText(phone);
  const sent = await shopper.nextMessage(/Check your phone/);
  return referenceIn(sent);
}

async function orderOf(ref: string) {
  const order = await shop.duka.store.orders.findByRef(shop.config.tenantId, ref);
  const payment = await shop.duka.store.payments.findById(shop.config.tenantId, order!.paymentId!);
  return { order: order!, payment: payment! };
}

describe("M-Pesa STK Push", () => {
  it("pushes the right request, settles on the callback, and tells the shopper and the merchant", async () => {
    const shopper = shop.shopper(8101, "Achieng");
    const ref = await payByMpesa(shopper, "0712 345 001");
    const push = await daraja.nextPush({ phone: "254712345001" });
    expect(push).toMatchObject({
      amount: 60,
      phoneNumber: "254712345001",
      partyA: "254712345001",
      accountReference: ref,
    });
    expect(push.callBackUrl).not.toMatch(/mpesa/i);
    expect(shopper.messages().at(-1)?.text).toContain("0712 ••• 001");

    daraja.complete(push.checkoutRequestId, { resultCode: 0, receipt: "NLJ7RT61SV" });
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    expect(confirmed.text).toContain("M-Pesa receipt");
    expect(confirmed.text).toContain("NLJ7RT61SV");
    const merchantNote = await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    expect(merchantNote.text).toContain("NLJ7RT61SV");
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("paid");
    expect(payment).toMatchObject({
      status: "succeeded",
      receipt: "NLJ7RT61SV",
      providerRef: push.checkoutRequestId,
    });
  });

  it("settles once when the same success callback arrives five times at once", async () => {
    const shopper = shop.shopper(8102);
    const ref = await payByMpesa(shopper, "0712 345 002");
    const push = await daraja.nextPush({ phone: "254712345002" });
    daraja.complete(push.checkoutRequestId, { resultCode: 0, delivery: "duplicate", copies: 5 });
    await shopper.nextMessage(/confirmed/);
    await daraja.deliveryIdle();
    expect(daraja.callbacks(push.checkoutRequestId).map((delivery) => delivery.status)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it.each([
    [1032, "cancelled the M-Pesa request", "0712 345 003"],
    [1037, "could not reach your phone", "0712 345 004"],
    [2001, "PIN was wrong", "0712 345 005"],
  ])("tells the shopper about result %i, and a retry can then succeed", async (code, words, phone) => {
    const shopper = shop.shopper(8100 + code);
    const ref = await payByMpesa(shopper, phone);
    const msisdn = `254${phone.replace(/\s/g, "").slice(1)}`;
    const first = await daraja.nextPush({ phone: msisdn });
    daraja.complete(first.checkoutRequestId, { resultCode: code });
    const failed = await shopper.nextMessage(/did not go through/);
    expect(failed.text).toContain(words);
    expect(failed.text).toContain(ref);
    expect((await orderOf(ref)).order.status).toBe("awaiting_payment");

    shopper.pressButton(failed, button(failed, "Send the request again"));
    await shopper.nextMessage(/Check your phone/);
    const second = await daraja.nextPush({ phone: msisdn });
    expect(second.checkoutRequestId).not.toBe(first.checkoutRequestId);
    daraja.complete(second.checkoutRequestId, { resultCode: 0 });
    await shopper.nextMessage(/confirmed/);
    expect((await orderOf(ref)).order.status).toBe("paid");
  });

  it("settles through STK Query when the callback never comes", async () => {
    const shopper = shop.shopper(8201);
    const ref = await payByMpesa(shopper, "0712 345 006");
    const push = await daraja.nextPush({ phone: "254712345006" });
    daraja.complete(push.checkoutRequestId, { resultCode: 0, delivery: "drop" });
    const confirmed = await shopper.nextMessage(/confirmed/, { timeoutMs: 15_000 });
    expect(confirmed.text).toContain(ref);
    expect(daraja.callbacks(push.checkoutRequestId)).toEqual([]);
    expect(daraja.calls("/mpesa/stkpushquery/v1/query").length).toBeGreaterThan(0);
  });

  it("expires a payment the query keeps calling 'being processed', and offers to send it again", async () => {
    const shopper = shop.shopper(8202);
    const ref = await payByMpesa(shopper, "0712 345 007");
    await daraja.nextPush({ phone: "254712345007" });
    const expired = await shopper.nextMessage(/did not confirm/, { timeoutMs: 15_000 });
    expect(expired.text).toContain(ref);
    expect(expired.buttons.map((b) => b.text)).toContain("🔁 Send the request again");
    expect((await orderOf(ref)).payment.status).toBe("expired");
  });

  it("still settles a success that arrives after the payment expired, and tells both parties", async () => {
    const shopper = shop.shopper(8205);
    const ref = await payByMpesa(shopper, "0712 345 010");
    const push = await daraja.nextPush({ phone: "254712345010" });
    await shopper.nextMessage(/did not confirm/, { timeoutMs: 15_000 });
    daraja.complete(push.checkoutRequestId, { resultCode: 0, receipt: "LATE123456" });
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain("LATE123456");
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("paid");
    expect(payment.status).toBe("succeeded");
  });

  it("refuses a callback with a wrong token, a malformed body, or an unknown CheckoutRequestID, with no 5xx", async () => {
    const shopper = shop.shopper(8203);
    const ref = await payByMpesa(shopper, "0712 345 008");
    const push = await daraja.nextPush({ phone: "254712345008" });
    const body = (checkoutRequestId: string) =>
      JSON.stringify({
        Body: {
          stkCallback: {
            MerchantRequestID: "1-2-3",
            CheckoutRequestID: checkoutRequestId,
            ResultCode: 0,
            ResultDesc: "The service request is processed successfully.",
            CallbackMetadata: {
              Item: [
                { Name: "Amount", Value: 60 },
                { Name: "MpesaReceiptNumber", Value: "FORGED0001" },
              ],
            },
          },
        },
      });
    const post = (url: string, payload: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: payload });
    const wrongToken = push.callBackUrl.replace(/\/[^/]+$/, "/not-the-token-0123456789abcdef");
    expect((await post(wrongToken, body(push.checkoutRequestId))).status).toBe(404);
    expect(
      (
        await post(
          push.callBackUrl.replace(/pi_[a-f0-9]+/, "pi_000000000000000000000000"),
          body(push.checkoutRequestId),
        )
      ).status,
    ).toBe(404);
    expect((await post(push.callBackUrl, "{not json")).status).toBe(400);
    expect((await post(push.callBackUrl, JSON.stringify({ Body: { nothing: true } }))).status).toBe(400);
    expect((await post(push.callBackUrl, body("ws_CO_999999999999"))).status).toBe(200);
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.status).toBe("pending");
    expect(payment.receipt).toBeUndefined();
  });

  it("does not settle an amount that differs from the order, and alerts the merchant", async () => {
    const shopper = shop.shopper(8204);
    const ref = await payByMpesa(shopper, "0712 345 009");
    const push = await daraja.nextPush({ phone: "254712345009" });
    daraja.complete(push.checkoutRequestId, { resultCode: 0, amount: 1 });
    const alert = await shop.merchant.nextMessage(new RegExp(`${ref}.*not settled`));
    expect(alert.text).toContain("amount");
    const { order, payment } = await orderOf(ref);
    expect(order.status).toBe("awaiting_payment");
    expect(payment.flag?.reason).toBe("amount_mismatch");
    expect(shopper.messages().some((message) => /confirmed/.test(message.text ?? ""))).toBe(false);
  });

  it("refuses callbacks from addresses off the instance's allowlist, and accepts them once listed", async () => {
    const shopper = shop.shopper(8206);
    const ref = await payByMpesa(shopper, "0712 345 011");
    const push = await daraja.nextPush({ phone: "254712345011" });
    const instanceId = /\/(pi_[a-f0-9]+)\//.exec(push.callBackUrl)![1]!;
    const patch = (allowedIps: string[]) =>
      fetch(`http://127.0.0.1:${shop.duka.port()}/admin/api/providers/${instanceId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ config: { allowedIps } }),
      });
    expect((await patch(["196.201.214.200"])).status).toBe(200);
    daraja.complete(push.checkoutRequestId, { resultCode: 0 });
    await daraja.deliveryIdle();
    expect(daraja.callbacks(push.checkoutRequestId).map((delivery) => delivery.status)).toEqual([403]);
    expect((await orderOf(ref)).payment.status).toBe("pending");

    expect((await patch(["127.0.0.1"])).status).toBe(200);
    daraja.redeliver(push.checkoutRequestId);
    await shopper.nextMessage(/confirmed/);
    expect((await orderOf(ref)).order.status).toBe("paid");
  });
});

describe("payer prompt limits (PAYMENT_PUSH_LIMIT, 3 per 10 minutes by default)", () => {
  /** Starts checkout to `phone` and returns the shopper's answer: a prompt sent, or refused. */
  async function askForPush(shopper: TelegramUser, phone: string) {
    await checkoutWith(shopper, "Sukuma", 1, "M-Pesa");
    await shopper.nextMessage(/Which M-Pesa number/);
    shopper.sendText(phone);
    const answer = await shopper.nextMessage(/Check your phone|pausing/);
    if (/Check your phone/.test(answer.text ?? "")) {
      // The shopper declines it: Daraja refuses a new push while one is still open on the phone.
      const push = await daraja.nextPush({ phone: `254${phone.replaceAll(" ", "").slice(1)}` });
      daraja.complete(push.checkoutRequestId, { resultCode: 1032 });
      await shopper.nextMessage(/cancelled the M-Pesa request/);
    }
    return answer;
  }

  it("pushes to one chat's number three times, then answers politely and pushes no more", async () => {
    const shopper = shop.shopper(8301);
    const answers: string[] = [];
    for (let order = 0; order < 4; order++)
      answers.push((await askForPush(shopper, "0712 345 301")).text ?? "");

    expect(answers.slice(0, 3).every((text) => /Check your phone/.test(text))).toBe(true);
    expect(answers[3]).toMatch(
      /several payment requests to this number .* Please try again in 10 minutes, or pick another way to pay\./,
    );
    expect(daraja.pushes({ phone: "254712345301" })).toHaveLength(3);
  });

  it("counts per phone number across chats, so no chat can ring a number a fourth time", async () => {
    const first = shop.shopper(8302);
    const second = shop.shopper(8303);
    for (const shopper of [first, first, second]) {
      expect((await askForPush(shopper, "0712 345 302")).text).toMatch(/Check your phone/);
    }
    expect((await askForPush(second, "0712 345 302")).text).toMatch(/pausing/);
    expect(daraja.pushes({ phone: "254712345302" })).toHaveLength(3);
  });
});
