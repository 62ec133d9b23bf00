/**
 * M-Pesa Paybill and Till (Daraja C2B) end to end: the real grammY bot and emulated Telegram, the
 * mpesa-c2b plugin registering its URLs with the Daraja emulator at start, a shopper paying from
 * the SIM menu (the emulator's payBill/payTill), validation and confirmation callbacks into our
 * webhook route, the inbox and settle job on the test Redis, and what shopper and merchant read.
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
import {
  checkoutWith,
  confirmedAndSettled,
  orderOf,
  referenceIn,
  startTestShop,
  type TestShop,
} from "../helpers/shop.js";

const ADMIN_TOKEN = "admin-token-for-c2b-tests-012345";
const TILL_STORE = "600100";
const TILL = "654321";
let daraja: DarajaEmulator;

async function startC2bShop(env: Record<string, string>): Promise<TestShop> {
  const port = await freePort();
  return startTestShop({
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...c2bEnv(daraja),
      ADMIN_TOKEN,
      ...env,
    },
    // No payment expires while these tests pay (Daraja has nothing to ask about a Paybill payment).
    reconcileDelaysMs: [120_000],
  });
}

beforeAll(async () => {
  daraja = await createDarajaEmulator({
    shortcodes: [
      { shortcode: SANDBOX_SHORTCODE, passkey: "unused-by-c2b" },
      { shortcode: TILL_STORE, passkey: "unused", transactionType: "CustomerBuyGoodsOnline", partyB: TILL },
    ],
  });
});

afterAll(async () => {
  await daraja.close();
});

/** Sukuma × 2 (KES 60) paid by "M-Pesa Paybill": the instructions message and the order's reference. */
async function orderByPaybill(shopper: TelegramUser) {
  await checkoutWith(shopper, "Sukuma", 2, "M-Pesa Paybill");
  const placed = await shopper.nextMessage(/Pay Bill/);
  return { placed, ref: referenceIn(placed) };
}

describe("M-Pesa Paybill (C2B)", () => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await startC2bShop({ MPESA_C2B_SHORTCODE: SANDBOX_SHORTCODE, MPESA_C2B_VALIDATE: "true" });
  });
  afterAll(async () => {
    daraja.enableC2bValidation(SANDBOX_SHORTCODE, false);
    await shop.stop();
  });

  it("registered its confirmation and validation URLs at start, with no forbidden word in them", async () => {
    const [instance] = await shop.duka.store.providers.list({ plugin: "mpesa-c2b" });
    const registered = daraja.registeredUrls(SANDBOX_SHORTCODE);
    expect(registered).toMatchObject({ version: "v2", responseType: "Completed" });
    expect(registered?.confirmationUrl).toContain(`/webhooks/daraja-c2b/${instance!._id}/`);
    expect(registered?.confirmationUrl).toMatch(/\/confirmation$/);
    expect(registered?.validationUrl).toMatch(/\/validation$/);
    expect(`${registered?.confirmationUrl}${registered?.validationUrl}`).not.toMatch(
      /mpesa|safaricom|query/i,
    );

    const answer = await fetch(
      `${shop.config.http.publicUrl}/admin/api/providers/${instance!._id}/register-urls`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      },
    );
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { message: string }).message).toContain(SANDBOX_SHORTCODE);
  });

  it("tells the shopper the Paybill and account, and settles once however often the confirmation comes", async () => {
    const shopper = shop.shopper(8601, "Wanjiku");
    const { placed, ref } = await orderByPaybill(shopper);
    expect(placed.text).toContain(`Pay Bill ${SANDBOX_SHORTCODE}, account ${ref}, KES 60`);
    expect((await orderOf(shop, ref)).payment).toMatchObject({ status: "pending", method: "paybill" });

    // The account typed the way people do: lower case, a space for the dash.
    const paid = await daraja.payBill({
      account: ref.toLowerCase().replace("-", " "),
      amount: 60,
      phone: "0712345601",
      delivery: "duplicate",
      copies: 3,
    });
    expect(paid.deliveries.map((delivery) => delivery.status)).toEqual([200, 200, 200]);
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(ref);
    expect(confirmed.text).toContain(paid.transId);
    await shop.merchant.nextMessage(new RegExp(`${ref}.*paid`));
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("paid");
    expect(payment).toMatchObject({ status: "succeeded", receipt: paid.transId });

    // A duplicate long after settling changes nothing either.
    await daraja.redeliverConfirmation(paid.transId);
    expect(await confirmedAndSettled(shop, shopper, ref)).toEqual({ confirmations: 1, settlements: 1 });
  });

  it("keeps a payment with a wrong account as an orphan that the merchant attaches to the order", async () => {
    const shopper = shop.shopper(8602);
    const { ref } = await orderByPaybill(shopper);
    const paid = await daraja.payBill({ account: "MY ORDER", amount: 60, phone: "0712345602" });
    const alert = await shop.merchant.nextMessage(/matches no order/);
    expect(alert.text).toContain(paid.transId);
    expect(alert.text).toContain("MY ORDER");
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");

    shop.merchant.sendText("/orphans");
    const list = await shop.merchant.nextMessage(/matched no order/);
    expect(list.text).toContain(paid.transId);

    shop.merchant.sendText(`/attach ${paid.transId} ${ref}`);
    const attached = await shop.merchant.nextMessage(/attached to/);
    expect(attached.text).toContain(ref);
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(paid.transId);
    expect((await orderOf(shop, ref)).order.status).toBe("paid");

    shop.merchant.sendText(`/attach ${paid.transId} ${ref}`);
    expect((await shop.merchant.nextMessage(/already attached/)).text).toContain(ref);
    shop.merchant.sendText("/orphans");
    expect((await shop.merchant.nextMessage(/unmatched payments|matched no order/)).text).not.toContain(
      paid.transId,
    );
  });

  it("lists and attaches orphans through the admin API, refusing bad input with a clear answer", async () => {
    const shopper = shop.shopper(8608);
    const { ref } = await orderByPaybill(shopper);
    const paid = await daraja.payBill({ account: "SHOP", amount: 60, phone: "0712345608" });
    await shop.merchant.nextMessage(new RegExp(`matches no order[\\s\\S]*${paid.transId}`));
    const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${shop.config.http.publicUrl}/admin/api${path}`, {
        method: init.method ?? "GET",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    const listed = (await (await admin("/orphans")).json()) as {
      orphans: { transId: string; account: string }[];
    };
    expect(listed.orphans).toContainEqual(
      expect.objectContaining({ transId: paid.transId, account: "SHOP" }),
    );
    expect((await admin("/orphans?limit=0")).status).toBe(422);
    expect((await admin(`/orphans/${paid.transId}/attach`, { method: "POST", body: {} })).status).toBe(422);
    expect(
      (await admin("/orphans/NOSUCHTX1/attach", { method: "POST", body: { orderRef: ref } })).status,
    ).toBe(404);
    expect(
      (await admin(`/orphans/${paid.transId}/attach`, { method: "POST", body: { orderRef: "DK-ZZZZZ" } }))
        .status,
    ).toBe(404);
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");

    const attached = await admin(`/orphans/${paid.transId}/attach`, {
      method: "POST",
      body: { orderRef: ref },
    });
    expect(attached.status).toBe(200);
    expect(await attached.json()).toMatchObject({ attached: true, order: { ref, status: "paid" } });
    expect((await shopper.nextMessage(/confirmed/)).text).toContain(paid.transId);
    expect(
      (await admin(`/orphans/${paid.transId}/attach`, { method: "POST", body: { orderRef: ref } })).status,
    ).toBe(409);
  });

  it("tells the shopper what is missing after a short payment, and completes the order with the rest", async () => {
    const shopper = shop.shopper(8603);
    const { ref } = await orderByPaybill(shopper);
    const first = await daraja.payBill({ account: ref, amount: 25, phone: "0712345603" });
    const short = await shopper.nextMessage(/still missing/);
    expect(short.text).toContain("KES 25");
    expect(short.text).toContain("KES 35");
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");

    const rest = await daraja.payBill({ account: ref, amount: 35, phone: "0712345603" });
    const confirmed = await shopper.nextMessage(/confirmed/);
    expect(confirmed.text).toContain(first.transId);
    expect(confirmed.text).toContain(rest.transId);
    expect((await orderOf(shop, ref)).order.status).toBe("paid");
  });

  it("settles an over-payment and tells the merchant the difference", async () => {
    const shopper = shop.shopper(8604);
    const { ref } = await orderByPaybill(shopper);
    await daraja.payBill({ account: ref, amount: 100, phone: "0712345604" });
    await shopper.nextMessage(/confirmed/);
    const flagged = await shop.merchant.nextMessage(new RegExp(`${ref}.*refund the difference`));
    expect(flagged.text).toContain("KES 40");
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("paid");
    expect(payment.flag).toMatchObject({ reason: "overpaid" });
  });

  it("settles a confirmation that comes late", async () => {
    const shopper = shop.shopper(8605);
    const { ref } = await orderByPaybill(shopper);
    const paid = await daraja.payBill({ account: ref, amount: 60, phone: "0712345605", delivery: "late" });
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");
    expect(await daraja.releaseLateConfirmations()).toBe(1);
    expect((await shopper.nextMessage(/confirmed/)).text).toContain(paid.transId);
  });

  it("refuses unknown accounts and amounts above what is due before money moves, when validation is on", async () => {
    daraja.enableC2bValidation(SANDBOX_SHORTCODE);
    const shopper = shop.shopper(8606);
    const { ref } = await orderByPaybill(shopper);
    expect(await daraja.payBill({ account: "DK-ZZZZZ", amount: 60, phone: "0712345606" })).toMatchObject({
      status: "rejected",
      resultCode: "C2B00012",
    });
    expect(await daraja.payBill({ account: ref, amount: 61, phone: "0712345606" })).toMatchObject({
      status: "rejected",
      resultCode: "C2B00013",
    });
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");
    expect(await shop.duka.store.receivedPayments.listOrphans(shop.config.tenantId, 100)).not.toContainEqual(
      expect.objectContaining({ account: "DK-ZZZZZ" }),
    );

    const paid = await daraja.payBill({ account: ref, amount: 60, phone: "0712345606" });
    expect(paid).toMatchObject({ status: "completed", resultCode: "0" });
    await shopper.nextMessage(/confirmed/);
    // Paid now: a second payment to the same account is refused.
    expect(await daraja.payBill({ account: ref, amount: 60, phone: "0712345606" })).toMatchObject({
      status: "rejected",
      resultCode: "C2B00012",
    });
    daraja.enableC2bValidation(SANDBOX_SHORTCODE, false);
  });

  it("answers forged or unknown callback paths with 404 and settles nothing", async () => {
    const shopper = shop.shopper(8607);
    const { ref } = await orderByPaybill(shopper);
    const url = daraja.registeredUrls(SANDBOX_SHORTCODE)!.confirmationUrl;
    const [, base, token] = /^(.*)\/([^/]+)\/confirmation$/.exec(url)!;
    const body = JSON.stringify({
      TransactionType: "Pay Bill",
      TransID: "FORGED0001",
      TransTime: "20261203101512",
      TransAmount: "60.00",
      BusinessShortCode: SANDBOX_SHORTCODE,
      BillRefNumber: ref,
      MSISDN: "2547 ***** 607",
    });
    const post = (target: string, text = body) =>
      fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: text });
    expect((await post(`${base}/${"0".repeat(64)}/confirmation`)).status).toBe(404);
    expect((await post(`${base}/${token}/other`)).status).toBe(404);
    expect((await post(`${base}/${token}`)).status).toBe(404);
    expect((await post(url.replace(/pi_[^/]+/, "pi_nosuchinstance"))).status).toBe(404);
    expect((await post(url, "{not json")).status).toBe(400);
    expect((await post(url, JSON.stringify({ TransID: "X" }))).status).toBe(400);
    expect(
      await shop.duka.store.receivedPayments.findByTransId(shop.config.tenantId, "FORGED0001"),
    ).toBeNull();
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");
  });
});

describe("M-Pesa Till (C2B Buy Goods)", () => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await startC2bShop({
      MPESA_C2B_SHORTCODE: TILL_STORE,
      MPESA_C2B_TYPE: "till",
      MPESA_C2B_TILL_NUMBER: TILL,
      // Verify before value: each confirmation is checked with Transaction Status first.
      MPESA_C2B_INITIATOR_NAME: "testapi",
      MPESA_C2B_SECURITY_CREDENTIAL: "c2VjdXJpdHlDcmVkZW50aWFs",
    });
  });
  afterAll(() => shop.stop());

  it("matches a Till payment by amount and phone once Transaction Status confirms it, and keeps one from another phone as an orphan", async () => {
    const shopper = shop.shopper(8701, "Otieno");
    await checkoutWith(shopper, "Sukuma", 2, "M-Pesa Paybill");
    await shopper.nextMessage(/Which M-Pesa number will you pay/);
    shopper.sendText("0712 345 701");
    const placed = await shopper.nextMessage(/Buy Goods Till/);
    expect(placed.text).toContain(`Buy Goods Till ${TILL}, KES 60`);
    const ref = referenceIn(placed);

    // Daraja v2 shows only "2547 ***** 702": another number, as far as anyone can tell.
    const stranger = await daraja.payTill({ till: TILL, amount: 60, phone: "0799000702" });
    // The settle job waits for the Transaction Status result (a retry with backoff), then decides.
    expect((await shop.merchant.nextMessage(/matches no order/, { timeoutMs: 15_000 })).text).toContain(
      stranger.transId,
    );
    expect((await orderOf(shop, ref)).order.status).toBe("awaiting_payment");

    const paid = await daraja.payTill({ till: TILL, amount: 60, phone: "0712345701" });
    expect(paid.deliveries[0]?.body.BillRefNumber).toBe("");
    expect((await shopper.nextMessage(/confirmed/, { timeoutMs: 15_000 })).text).toContain(paid.transId);
    const asked = daraja
      .calls(DARAJA_PATHS.transactionStatus)
      .map((call) => (call.body as { TransactionID: string }).TransactionID);
    expect(asked).toEqual(expect.arrayContaining([stranger.transId, paid.transId]));
    const { order, payment } = await orderOf(shop, ref);
    expect(order.status).toBe("paid");
    expect(payment.receipt).toBe(paid.transId);
    const received = await shop.duka.store.receivedPayments.findByTransId(shop.config.tenantId, paid.transId);
    expect(received).toMatchObject({ status: "matched", matchedBy: "phone", orderRef: ref });
  });
});
