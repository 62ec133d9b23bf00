/**
 * R03, R04, R06 (reliability.md §4 A): money that arrives twice, events that arrive in the wrong
 * order, and one receipt offered for two orders.
 *
 * Duka's words for the doc's: a `duplicate_payment` is a payment flagged `already_paid` (it stays
 * `succeeded` at the provider, the merchant is alerted to refund one); a `reused_proof` is a proof
 * with `reusedFromOrderRef`; the "explicit override" is `/confirm REF override` (or the "Confirm
 * anyway" button). Duka keeps no status history: a paid→failed downgrade is looked for in the end
 * states (the transition tables forbid it at the store's compare-and-set) and in what shoppers were
 * told (a "did not go through" after the confirmation). Duka acknowledges a Paystack charge.failed
 * and acts on none (a card failure is not final: the shopper may pay again on the same page), and
 * settles an M-Pesa callback only once STK Query agrees.
 */
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_CARDS } from "../../sandbox/paystack/index.js";
import type { TelegramUser } from "../../sandbox/telegram/index.js";
import { MERCHANT_ID, orderByTransfer } from "../helpers/shop.js";
import { countDelivered, deliveredTexts } from "./harness/chat-log.js";
import {
  assertInvariants,
  CONFIRMED,
  confirmationsByChat,
  measureInvariants,
  waitForDrain,
} from "./harness/invariants.js";
import { report, seconds } from "./harness/report.js";
import { scaled } from "./harness/scale.js";
import {
  type PlacedOrder,
  post,
  type ReliabilityShop,
  signedChargeSuccess,
  startReliabilityShop,
} from "./harness/shop.js";
import { pool, waitUntil } from "./harness/wait.js";

/**
 * A shop per test, so each merchant chat is paced on its own (Telegram: 1 message a second per
 * chat) and the tests can run at the same time.
 */
let paymentShop: ReliabilityShop;
let orderingShop: ReliabilityShop;
let proofShop: ReliabilityShop;

beforeAll(async () => {
  [paymentShop, orderingShop, proofShop] = await Promise.all([
    startReliabilityShop(),
    startReliabilityShop(),
    startReliabilityShop(),
  ]);
});

afterAll(async () => {
  await Promise.all([paymentShop?.stop(), orderingShop?.stop(), proofShop?.stop()]);
});

const tenant = (rel: ReliabilityShop) => rel.shop.duka.config.tenantId;
const orderOf = (rel: ReliabilityShop, order: PlacedOrder) =>
  rel.shop.duka.store.orders.findById(tenant(rel), order.orderId);
const paymentOf = (rel: ReliabilityShop, paymentId: string) =>
  rel.shop.duka.store.payments.findById(tenant(rel), paymentId);
const isPaid = async (rel: ReliabilityShop, order: PlacedOrder) =>
  (await orderOf(rel, order))?.status === "paid";

/** Posts a signed Paystack event as the provider would; fails on anything but 200. */
async function deliver(rel: ReliabilityShop, event: { body: string; signature: string }): Promise<void> {
  const answer = await post(rel.paystackWebhookUrl, event.body, { "x-paystack-signature": event.signature });
  expect(answer.status, answer.text).toBe(200);
}

/**
 * A charge.failed as Paystack's event format gives it: the verify `data` of a transaction whose
 * last attempt failed (the emulator, like Paystack's docs, sends webhooks for successes only, so
 * the test delivers it; verify agrees with it when it is sent).
 */
function signedChargeFailed(rel: ReliabilityShop, reference: string) {
  const data = rel.paystack.transactionData(reference);
  expect(data.status).toBe("failed");
  const body = JSON.stringify({ event: "charge.failed", data });
  return { body, signature: rel.paystack.sign(body) };
}

const FAILURE_TOLD = /did not go through/;

/** Failure messages a chat got after its payment confirmation: a visible paid→failed downgrade. */
function failuresAfterConfirmation(rel: ReliabilityShop, chatId: number): number {
  const texts = deliveredTexts(rel, chatId);
  const confirmed = texts.findIndex((text) => CONFIRMED.test(text));
  return confirmed < 0 ? 0 : texts.slice(confirmed + 1).filter((text) => FAILURE_TOLD.test(text)).length;
}

// Concurrent: each test mostly waits on a merchant chat's Telegram pace, not on the CPU.
describe.concurrent("A. idempotency, ordering", () => {
  it("R03 cross-channel double payment: the second payment is flagged for a refund, never settled", async () => {
    const count = scaled(100, 20);
    // Each order is started on M-Pesa, then paid again by card: two live payments for one order.
    const mpesa = await paymentShop.placeOrders(count, "mobile_money");
    const card = await pool(mpesa, 8, (order) => paymentShop.payAgain(order, "card", 1));
    const pairs = mpesa.map((order, index) => ({
      order,
      mpesa: order,
      card: card[index] as PlacedOrder,
      mpesaFirst: index % 2 === 0,
    }));
    const payByMpesa = (pair: (typeof pairs)[number]) =>
      paymentShop.daraja.complete(pair.mpesa.providerRef, { resultCode: 0 });
    const payByCard = async (pair: (typeof pairs)[number]) => {
      await paymentShop.paystack.pay(pair.card.providerRef);
      await deliver(paymentShop, signedChargeSuccess(paymentShop.paystack, pair.card.providerRef));
    };
    const started = performance.now();
    // The first success of each order, M-Pesa first for half of them and card first for the rest…
    await pool(pairs, 8, async (pair) => (pair.mpesaFirst ? payByMpesa(pair) : payByCard(pair)));
    await waitUntil(
      async () => (await Promise.all(pairs.map((pair) => isPaid(paymentShop, pair.order)))).every(Boolean),
      { timeoutMs: 60_000 },
    );
    const settledMs = performance.now() - started;
    // …then the other one, for an order that is already paid.
    await pool(pairs, 8, async (pair) => (pair.mpesaFirst ? payByCard(pair) : payByMpesa(pair)));
    const second = (pair: (typeof pairs)[number]) => (pair.mpesaFirst ? pair.card : pair.mpesa);
    const first = (pair: (typeof pairs)[number]) => (pair.mpesaFirst ? pair.mpesa : pair.card);
    const flaggedSeconds = async () => {
      const payments = await Promise.all(pairs.map((pair) => paymentOf(paymentShop, second(pair).paymentId)));
      return payments.filter(
        (payment) => payment?.status === "succeeded" && payment.flag?.reason === "already_paid",
      ).length;
    };
    const alerts = () =>
      pairs.filter((pair) =>
        deliveredTexts(paymentShop, MERCHANT_ID).some(
          (text) => text.includes(pair.order.ref) && /already paid another way/.test(text),
        ),
      ).length;
    await waitUntil(async () => (await flaggedSeconds()) === count && alerts() === count, {
      timeoutMs: 90_000,
      describe: async () =>
        `${await flaggedSeconds()}/${count} flagged, ${alerts()}/${count} merchant alerts`,
    });
    const alertedMs = performance.now() - started;
    await waitForDrain(
      paymentShop,
      pairs.map((pair) => pair.order.chatId),
      60_000,
    );
    const orders = pairs.map((pair) => pair.order);
    const figures = await measureInvariants(
      paymentShop,
      orders,
      new Set(orders.map((order) => order.orderId)),
    );
    // The order keeps the payment that settled it; that one carries no flag.
    let keptFirst = 0;
    for (const pair of pairs) {
      const [order, settled] = await Promise.all([
        orderOf(paymentShop, pair.order),
        paymentOf(paymentShop, first(pair).paymentId),
      ]);
      if (order?.paymentId === first(pair).paymentId && settled?.status === "succeeded" && !settled.flag)
        keptFirst++;
    }
    const alertMessages = countDelivered(paymentShop, MERCHANT_ID, /already paid another way/);
    report(
      `R03 cross-channel-double-payment ×${count} (${pairs.filter((pair) => pair.mpesaFirst).length} M-Pesa first, ` +
        `${pairs.filter((pair) => !pair.mpesaFirst).length} card first): ${figures.settledOnce} settlements, ` +
        `${figures.confirmations} confirmations (${figures.duplicateConfirmations} double), ` +
        `${await flaggedSeconds()} second payments flagged already_paid for refund, ${alertMessages} merchant alerts, ` +
        `all paid in ${seconds(settledMs)}, all alerted in ${seconds(alertedMs)} (merchant chat paced at 1 msg/s)`,
    );
    assertInvariants(figures, count);
    expect(keptFirst).toBe(count);
    expect(alertMessages).toBe(count);
  });

  it("R04 out-of-order and late-failure events: a failure never undoes a verified success", async () => {
    const count = scaled(200, 40);
    const cardCount = Math.ceil(count / 2);
    // Card: the order of charge.failed and charge.success per order, or a failure alone.
    const CARD_SCENARIOS = ["success", "failed,success", "success,failed", "failed"] as const;
    // M-Pesa: a cancelled push (1032) whose callback comes after the retried push's success, one
    // that comes before the retry, or a cancellation alone.
    const MPESA_SCENARIOS = ["late-cancel", "cancel-then-retry", "cancel-only"] as const;
    const cards = (await orderingShop.placeOrders(cardCount, "card")).map((order, index) => ({
      order,
      scenario: CARD_SCENARIOS[index % CARD_SCENARIOS.length]!,
    }));
    const mpesas = (await orderingShop.placeOrders(count - cardCount, "mobile_money")).map(
      (order, index) => ({
        order,
        scenario: MPESA_SCENARIOS[index % MPESA_SCENARIOS.length]!,
      }),
    );

    const started = performance.now();
    const cardRun = pool(shuffle([...cards]), 8, async ({ order, scenario }) => {
      const reference = order.providerRef;
      const steps = scenario.split(",");
      // The provider's facts first: a declined attempt, then (maybe) a successful one on the same page.
      let failed: { body: string; signature: string } | undefined;
      if (steps.includes("failed")) {
        await orderingShop.paystack.pay(reference, { card: TEST_CARDS.declined });
        failed = signedChargeFailed(orderingShop, reference);
      }
      if (steps.includes("success")) await orderingShop.paystack.pay(reference);
      for (const step of steps) {
        if (step === "failed") await deliver(orderingShop, failed!);
        else {
          await deliver(orderingShop, signedChargeSuccess(orderingShop.paystack, reference));
          // A late failure: only once the success has settled the order.
          if (scenario === "success,failed")
            await waitUntil(() => isPaid(orderingShop, order), { timeoutMs: 60_000 });
        }
      }
    });
    const lateCancelled: PlacedOrder[] = [];
    const mpesaRun = pool(shuffle([...mpesas]), 8, async ({ order, scenario }) => {
      const push = order.providerRef;
      if (scenario === "cancel-only") {
        orderingShop.daraja.complete(push, { resultCode: 1032 });
        return;
      }
      // The cancellation is final at Daraja now; its callback is held back for "late-cancel".
      orderingShop.daraja.complete(push, {
        resultCode: 1032,
        ...(scenario === "late-cancel" ? { delivery: "late" } : {}),
      });
      if (scenario === "cancel-then-retry") {
        await waitUntil(
          async () => (await paymentOf(orderingShop, order.paymentId))?.status === "cancelled",
          {
            timeoutMs: 60_000,
          },
        );
      }
      const retried = await orderingShop.payAgain(order, "mobile_money", 1);
      orderingShop.daraja.complete(retried.providerRef, { resultCode: 0 });
      if (scenario !== "late-cancel") return;
      await waitUntil(() => isPaid(orderingShop, order), { timeoutMs: 60_000 });
      expect(orderingShop.daraja.releaseLateCallbacks(push)).toBe(1);
      lateCancelled.push(order);
    });
    await Promise.all([cardRun, mpesaRun]);

    const paid = [
      ...cards.filter((entry) => entry.scenario !== "failed"),
      ...mpesas.filter((entry) => entry.scenario !== "cancel-only"),
    ].map((entry) => entry.order);
    const failedOnly = [
      ...cards.filter((entry) => entry.scenario === "failed"),
      ...mpesas.filter((entry) => entry.scenario === "cancel-only"),
    ].map((entry) => entry.order);
    // Every cancellation processed (each cancelled push's own payment recorded as cancelled), and
    // every confirmation out.
    const cancelledPushes = mpesas.map((entry) => entry.order.paymentId);
    await waitUntil(
      async () =>
        (await Promise.all(cancelledPushes.map((id) => paymentOf(orderingShop, id)))).every(
          (payment) => payment?.status === "cancelled",
        ),
      { timeoutMs: 60_000 },
    );
    await orderingShop.daraja.deliveryIdle();
    await waitForDrain(
      orderingShop,
      paid.map((order) => order.chatId),
      60_000,
    );
    const all = [...cards, ...mpesas].map((entry) => entry.order);
    const figures = await measureInvariants(orderingShop, all, new Set(paid.map((order) => order.orderId)));
    let downgrades = 0;
    for (const order of paid) {
      const stored = await orderOf(orderingShop, order);
      const settledBy = stored?.paymentId ? await paymentOf(orderingShop, stored.paymentId) : null;
      if (stored?.status !== "paid" || settledBy?.status !== "succeeded") downgrades++;
      downgrades += failuresAfterConfirmation(orderingShop, order.chatId);
    }
    const stillOpen = (await Promise.all(failedOnly.map((order) => orderOf(orderingShop, order)))).filter(
      (order) => order?.status === "awaiting_payment",
    ).length;
    const confirmed = confirmationsByChat(orderingShop);
    report(
      `R04 out-of-order ×${count} (${cardCount} card: ${CARD_SCENARIOS.join(" | ")}; ${count - cardCount} M-Pesa: ` +
        `${MPESA_SCENARIOS.join(" | ")}): ${paid.filter((order) => confirmed.has(order.chatId)).length}/${paid.length} ` +
        `verified successes paid, ${downgrades} paid→failed downgrades, ` +
        `${lateCancelled.length} 1032 callbacks after the retry's success, ` +
        `${figures.doubleSettled} settlements for failure-only orders or doubles, ` +
        `${stillOpen}/${failedOnly.length} failure-only orders still open, in ${seconds(performance.now() - started)}`,
    );
    assertInvariants(figures, paid.length);
    expect(downgrades).toBe(0);
    expect(lateCancelled.length).toBe(mpesas.filter((entry) => entry.scenario === "late-cancel").length);
    expect(stillOpen).toBe(failedOnly.length);
  });

  it("R06 manual-proof reuse: a second use of a receipt is flagged and needs an explicit override", async () => {
    const pairs = scaled(50, 10);
    const overrides = scaled(10, 2);
    const recompressedCount = scaled(10, 2);
    const receipts = await Promise.all(Array.from({ length: pairs }, () => receiptImage()));
    // Per pair: order A gets the receipt, order B the identical bytes; the first pairs also have an
    // order C that gets a re-compressed copy (same picture, other bytes).
    const shoppers = Array.from({ length: pairs * 2 + recompressedCount }, () =>
      proofShop.shop.shopper(nextShopper++),
    );
    const refs = await pool(shoppers, 8, async (shopper) => (await orderByTransfer(shopper, "Sukuma")).ref);
    const pairOf = (index: number) => ({
      a: { shopper: shoppers[index]!, ref: refs[index]! },
      b: { shopper: shoppers[pairs + index]!, ref: refs[pairs + index]! },
    });
    const recompressed = Array.from({ length: recompressedCount }, (_, index) => ({
      shopper: shoppers[pairs * 2 + index]!,
      ref: refs[pairs * 2 + index]!,
      bytes: receipts[index]!.recompressed,
    }));

    const submit = async (shopper: TelegramUser, bytes: Buffer) => {
      shopper.sendPhoto(bytes);
      await shopper.nextMessage(/with the merchant/, { timeoutMs: 30_000 });
    };
    // The first use of every receipt is in review before any second use is sent.
    await pool(range(pairs), 8, (index) => submit(pairOf(index).a.shopper, receipts[index]!.original));
    await pool(range(pairs), 8, (index) => submit(pairOf(index).b.shopper, receipts[index]!.original));
    await pool(recompressed, 8, (entry) => submit(entry.shopper, entry.bytes));

    const { store } = proofShop.shop.duka;
    const tenantId = proofShop.shop.duka.config.tenantId;
    const proofFor = async (ref: string) => {
      const order = await store.orders.findByRef(tenantId, ref);
      const proof = await store.proofs.findPendingByOrder(tenantId, order!._id);
      const payment = await store.payments.findById(tenantId, order!.paymentId!);
      return { order: order!, proof, payment: payment! };
    };
    let firstInReview = 0;
    let secondFlagged = 0;
    for (let index = 0; index < pairs; index++) {
      const { a, b } = pairOf(index);
      const first = await proofFor(a.ref);
      const second = await proofFor(b.ref);
      if (first.proof && !first.proof.reusedFromOrderRef && first.payment.status === "under_review")
        firstInReview++;
      if (second.proof?.reusedFromOrderRef === a.ref && second.payment.status === "under_review")
        secondFlagged++;
    }
    let recompressedFlagged = 0;
    let recompressedInReview = 0;
    for (const entry of recompressed) {
      const { proof, payment } = await proofFor(entry.ref);
      if (proof?.reusedFromOrderRef) recompressedFlagged++;
      if (proof && payment.status === "under_review") recompressedInReview++;
    }

    // The merchant confirms every flagged receipt plainly: nothing may be credited…
    for (let index = 0; index < pairs; index++)
      proofShop.shop.merchant.sendText(`/confirm ${pairOf(index).b.ref}`);
    const refusals = () =>
      range(pairs).filter((index) =>
        deliveredTexts(proofShop, MERCHANT_ID).some(
          (text) => text.includes(pairOf(index).b.ref) && /Nothing changed[\s\S]*override/.test(text),
        ),
      ).length;
    await waitUntil(() => refusals() === pairs, {
      timeoutMs: 60_000,
      describe: () => `${refusals()}/${pairs} plain confirms of a reused receipt answered`,
    });
    // …then overrides some of them explicitly, which credits exactly those.
    const overridden = range(overrides).map((index) => pairOf(index).b.ref);
    for (const ref of overridden) proofShop.shop.merchant.sendText(`/confirm ${ref} override`);
    await waitUntil(
      async () =>
        (
          await Promise.all(overridden.map(async (ref) => (await proofFor(ref)).order.status === "paid"))
        ).every(Boolean),
      { timeoutMs: 60_000 },
    );
    const audit = await store.audit.list(tenantId, { action: "payment.confirmed" }, 1_000_000);
    const overrideAudited = new Set(
      audit.filter((entry) => entry.detail?.override === true).map((entry) => entry.orderRef),
    );
    let silentCredits = 0;
    let credited = 0;
    for (let index = 0; index < pairs; index++) {
      const { b } = pairOf(index);
      const { order, payment } = await proofFor(b.ref);
      if (order.status === "paid" || payment.status === "succeeded") {
        credited++;
        if (!overrideAudited.has(b.ref)) silentCredits++;
      }
    }
    report(
      `R06 manual-proof-reuse ×${pairs} pairs: ${firstInReview}/${pairs} first proofs in review, ` +
        `${secondFlagged}/${pairs} second proofs flagged reusedFromOrderRef, ${refusals()}/${pairs} plain confirms ` +
        `refused, ${credited} credited only by ${overrides} explicit overrides, ${silentCredits} silent double credits; ` +
        `re-compressed copies flagged ${recompressedFlagged}/${recompressedCount} (sha256 only, no OCR: known gap)`,
    );
    expect(firstInReview).toBe(pairs);
    expect(secondFlagged).toBe(pairs);
    expect(credited).toBe(overrides);
    expect(silentCredits).toBe(0);
    // Not detected (different bytes, no M-Pesa code to compare) but still waiting for the merchant.
    expect(recompressedInReview).toBe(recompressedCount);
  });
});

let nextShopper = 760_000;

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** A receipt-like JPEG of its own, and a re-compressed copy of it. */
async function receiptImage(): Promise<{ original: Buffer; recompressed: Buffer }> {
  // Noise, so no two receipts of a run share their bytes (flat colours can encode alike).
  const raw = { width: 64, height: 48, channels: 3 } as const;
  const original = await sharp(randomBytes(raw.width * raw.height * raw.channels), { raw })
    .jpeg({ quality: 90 })
    .toBuffer();
  const recompressed = await sharp(original).jpeg({ quality: 40 }).toBuffer();
  expect(recompressed.equals(original)).toBe(false);
  return { original, recompressed };
}
