/**
 * Rail fallback end to end: an STK push that cannot reach the phone offers the order's Paybill in
 * the failure message itself; one tap gives the instructions with the order as the account; the
 * C2B confirmation settles it. A late STK success after that is money paid twice: flagged for the
 * merchant to refund, never kept silently. The real grammY bot and emulated Telegram, the mpesa and
 * mpesa-c2b plugins against one Daraja emulator, the inbox and the settle job on the test Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  c2bEnv,
  createDarajaEmulator,
  type DarajaEmulator,
  SANDBOX_SHORTCODE,
  stkPushEnv,
} from "../../sandbox/daraja/index.js";
import {
  createFlutterwaveEmulator,
  DEFAULT_SECRET_HASH as FLUTTERWAVE_HASH,
  DEFAULT_SECRET_KEY as FLUTTERWAVE_KEY,
  type FlutterwaveEmulator,
} from "../../sandbox/flutterwave/index.js";
import { freePort } from "../../sandbox/free-port.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import {
  button,
  checkoutWith,
  confirmedAndSettled,
  orderOf,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

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
      ...c2bEnv(daraja),
    },
    // Nothing expires while these tests pay: each outcome comes from the emulator when the test says.
    reconcileDelaysMs: [120_000],
  });
});

afterAll(async () => {
  await shop.stop();
  await daraja.close();
});

/**
 * Sukuma × 2 (KES 60) by M-Pesa to `phone`; the push fails with 1037 (phone unreachable). Returns
 * the reference, the push and the failure message.
 */
async function pushThatCannotReach(shopper: TelegramUser, phone: string) {
  await checkoutWith(shopper, "Sukuma", 2, "M-Pesa");
  await shopper.nextMessage(/Which M-Pesa number/);
  shopper.sendText(phone);
  const ref = referenceIn(await shopper.nextMessage(/Check your phone/));
  const push = await daraja.nextPush({ phone: `254${phone.slice(1).replaceAll(" ", "")}` });
  daraja.complete(push.checkoutRequestId, { resultCode: 1037 });
  const failure = await shopper.nextMessage(/could not reach your phone/);
  return { ref, push, failure };
}

/** The one tap: the Paybill offered in the failure message, and the instructions it gives. */
async function tapPaybill(
  shopper: TelegramUser,
  failure: Awaited<ReturnType<typeof pushThatCannotReach>>["failure"],
) {
  shopper.pressButton(failure, button(failure, "Pay by M-Pesa Paybill instead"));
  return shopper.nextMessage(/Pay Bill/);
}

const attemptsOf = async (ref: string) => {
  const { order } = await orderOf(shop, ref);
  return shop.duka.store.payments.listByOrder(shop.config.tenantId, order._id);
};

describe("an STK push that cannot reach the phone", () => {
  it("offers the Paybill in one tap; the C2B confirmation settles; a late STK success is flagged as paid twice", async () => {
    const shopper = shop.shopper(9701, "Kamau");
    const { ref, push, failure } = await pushThatCannotReach(shopper, "0712 345 701");
    // Rendered as the shopper reads it: the reference in bold, the USSD code as typed.
    expect(failure.text).toContain(`with ${ref} as the account, through the M-Pesa menu or *334#.`);
    expect(failure.buttons.map((b) => b.text)).toEqual([
      "📱 Pay by M-Pesa Paybill instead",
      "🔁 Send the request again",
      "💳 Pay another way",
      "❌ Cancel order",
    ]);

    const instructions = await tapPaybill(shopper, failure);
    expect(instructions.text).toContain(`Pay Bill ${SANDBOX_SHORTCODE}, account ${ref}, KES 60`);
    // Same order, a second attempt linked to it; the failed push is kept.
    expect((await attemptsOf(ref)).map((attempt) => [attempt.method, attempt.status])).toEqual([
      ["paybill", "pending"],
      ["mobile_money", "failed"],
    ]);

    const paid = await daraja.payBill({ account: ref, amount: 60, phone: "0712345701" });
    expect((await shopper.nextMessage(/confirmed/)).text).toContain(paid.transId);
    const paybillPayment = (await orderOf(shop, ref)).payment;
    expect(paybillPayment).toMatchObject({ method: "paybill", status: "succeeded" });

    // The phone comes back and the PIN is entered: M-Pesa takes the money a second time.
    daraja.payLate(push.checkoutRequestId, { receipt: "SLT8LATE01" });
    const alert = await shop.merchant.nextMessage(new RegExp(`${ref}.*paid twice`));
    expect(alert.text).toContain("refund");
    const stk = (await attemptsOf(ref)).find((attempt) => attempt.method === "mobile_money");
    expect(stk).toMatchObject({
      status: "succeeded",
      receipt: "SLT8LATE01",
      flag: { reason: "already_paid" },
    });
    // The order stays paid by the Paybill, once; the shopper was told once.
    expect((await orderOf(shop, ref)).order).toMatchObject({ status: "paid", paymentId: paybillPayment._id });
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("settles by a late STK success before the Paybill is paid, closes the Paybill attempt, and flags Paybill money after it", async () => {
    const shopper = shop.shopper(9702, "Njeri");
    const { ref, push, failure } = await pushThatCannotReach(shopper, "0712 345 702");
    await tapPaybill(shopper, failure);

    daraja.payLate(push.checkoutRequestId, { receipt: "SLT8LATE02" });
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain("SLT8LATE02");
    expect(confirmed.text).toContain("do not pay by M-Pesa Paybill");
    expect((await attemptsOf(ref)).map((attempt) => [attempt.method, attempt.status])).toEqual([
      ["paybill", "cancelled"],
      ["mobile_money", "succeeded"],
    ]);

    // Paid anyway from the SIM menu: the money is matched to the closed attempt and flagged.
    const paid = await daraja.payBill({ account: ref, amount: 60, phone: "0712345702" });
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid twice`));
    const paybill = (await attemptsOf(ref)).find((attempt) => attempt.method === "paybill");
    expect(paybill).toMatchObject({ status: "succeeded", flag: { reason: "already_paid" } });
    expect(
      await shop.duka.store.receivedPayments.findByTransId(shop.config.tenantId, paid.transId),
    ).toMatchObject({
      status: "matched",
      paymentId: paybill?._id,
    });
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("takes Paybill money the merchant attaches to an order that was being paid by the prompt", async () => {
    const shopper = shop.shopper(9704, "Akinyi");
    const { ref } = await pushThatCannotReach(shopper, "0712 345 704");
    // The shopper knows the shop's Paybill and pays it without tapping, mistyping the account.
    const paid = await daraja.payBill({ account: "DK 12345", amount: 60, phone: "0712345704" });
    await shop.merchant.nextMessage(new RegExp(`matches no order[\\s\\S]*${paid.transId}`));
    shop.merchant.sendText(`/attach ${paid.transId} ${ref}`);
    expect((await shop.merchant.nextMessage(/attached to/)).text).toContain(ref);
    expect((await shopper.nextMessage(/confirmed/)).text).toContain(paid.transId);
    // A Paybill attempt was opened for the order at the shortcode the money reached.
    expect((await attemptsOf(ref)).map((attempt) => [attempt.method, attempt.status])).toEqual([
      ["paybill", "succeeded"],
      ["mobile_money", "failed"],
    ]);
  });

  it("offers nothing more than a retry for a failure the shopper can fix (a wrong PIN)", async () => {
    const shopper = shop.shopper(9703);
    await checkoutWith(shopper, "Sukuma", 2, "M-Pesa");
    await shopper.nextMessage(/Which M-Pesa number/);
    shopper.sendText("0712 345 703");
    await shopper.nextMessage(/Check your phone/);
    const push = await daraja.nextPush({ phone: "254712345703" });
    daraja.complete(push.checkoutRequestId, { resultCode: 2001 });
    const failure = await shopper.nextMessage(/PIN was wrong/);
    expect(failure.buttons.map((b) => b.text)).not.toContain("📱 Pay by M-Pesa Paybill instead");
  });
});

describe("M-Pesa through a provider's page, where no Paybill is offered", () => {
  let pageShop: TestShop;
  let flutterwave: FlutterwaveEmulator;

  beforeAll(async () => {
    flutterwave = await createFlutterwaveEmulator({ webhookRetryDelaysMs: [] });
    const port = await freePort();
    pageShop = await startTestShop({
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...stkPushEnv(daraja),
        FLUTTERWAVE_SECRET_KEY: FLUTTERWAVE_KEY,
        FLUTTERWAVE_SECRET_HASH: FLUTTERWAVE_HASH,
        FLUTTERWAVE_BASE_URL: flutterwave.baseUrl,
      },
      reconcileDelaysMs: [120_000],
    });
  });
  afterAll(async () => {
    await pageShop.stop();
    await flutterwave.close();
  });

  it("offers the page after an unreachable phone, asks only for the e-mail it needs, and sends its link, never a second prompt", async () => {
    const shopper = pageShop.shopper(9711, "Otieno");
    await checkoutWith(shopper, "Sukuma", 2, "M-Pesa");
    await shopper.nextMessage(/Which M-Pesa number/);
    shopper.sendText("0712 345 711");
    const ref = referenceIn(await shopper.nextMessage(/Check your phone/));
    const push = await daraja.nextPush({ phone: "254712345711" });
    daraja.complete(push.checkoutRequestId, { resultCode: 1037 });
    const failure = await shopper.nextMessage(/could not reach your phone/);
    expect(failure.buttons[0]?.text).toBe("📲 Pay with M-Pesa (Flutterwave) instead");

    shopper.pressButton(failure, button(failure, "M-Pesa (Flutterwave) instead"));
    await shopper.nextMessage(/e-mail/);
    shopper.sendText("otieno@example.com");
    const link = await shopper.nextMessage((message) => message.buttons.some((b) => b.url !== undefined));
    expect(link.buttons.find((b) => b.url)?.url).toContain(flutterwave.baseUrl);
    expect(daraja.pushes({ phone: "254712345711" })).toHaveLength(1);
    const { payment } = await orderOf(pageShop, ref);
    expect(payment).toMatchObject({ provider: "flutterwave", method: "mobile_money", status: "pending" });
  });
});
