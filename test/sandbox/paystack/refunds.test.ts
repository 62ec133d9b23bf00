import { afterEach, describe, expect, it } from "vitest";
import { TEST_CARDS } from "../../../sandbox/paystack/index.js";
import { runCleanups } from "../shared-helpers.js";
import { api, initialize, startEmulator, startReceiver, verify } from "./helpers.js";

afterEach(runCleanups);

async function paidTransaction(
  emulator: Awaited<ReturnType<typeof startEmulator>>,
  amount = 15000,
  card?: string,
) {
  const { reference } = await initialize(emulator, { amount });
  await emulator.pay(reference, card === undefined ? {} : { card });
  return reference;
}

const refund = (emulator: Awaited<ReturnType<typeof startEmulator>>, json: Record<string, unknown>) =>
  api(emulator, "POST", "/refund", { json });

describe("Paystack emulator: refunds", () => {
  it("queues a full refund, processes it, reverses the transaction and sends refund webhooks", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    emulator.setWebhookUrl(receiver.url);
    const reference = await paidTransaction(emulator);
    await emulator.webhookIdle();

    const created = await refund(emulator, { transaction: reference, merchant_note: "Out of stock" });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      status: true,
      message: "Refund has been queued for processing",
      data: {
        status: "pending",
        amount: 15000,
        currency: "KES",
        merchant_note: "Out of stock",
        customer_note: `Refund for transaction ${reference}`,
        deducted_amount: 0,
        fully_deducted: false,
        transaction: { reference, amount: 15000 },
      },
    });
    const refundId = created.body.data.id as number;
    expect((await verify(emulator, reference)).body.data.status).toBe("success");

    // Events are not ordered across deliveries: let refund.pending land before processing.
    await emulator.webhookIdle();
    const processed = await emulator.processRefunds();
    expect(processed.map((r) => [r.id, r.status])).toEqual([[refundId, "processed"]]);
    expect((await verify(emulator, reference)).body.data.status).toBe("reversed");
    await emulator.webhookIdle();

    expect(receiver.received.map((hook) => [hook.event.event, hook.valid])).toEqual([
      ["charge.success", true],
      ["refund.pending", true],
      ["refund.processed", true],
    ]);
    expect(receiver.received[2]?.event.data).toMatchObject({
      status: "processed",
      transaction_reference: reference,
      refund_reference: expect.stringMatching(/^\d{12}$/),
      amount: "15000",
      currency: "KES",
      id: String(refundId),
      domain: "test",
    });

    const fetched = await api(emulator, "GET", `/refund/${refundId}`);
    expect(fetched.body).toMatchObject({
      status: true,
      message: "Refund retrieved",
      data: { id: refundId, status: "processed", deducted_amount: 15000, fully_deducted: true },
    });
    expect(Date.parse(fetched.body.data.refunded_at)).not.toBeNaN();
  });

  it("refunds partially, by transaction id too, and refuses more than what is left", async () => {
    const emulator = await startEmulator();
    const reference = await paidTransaction(emulator, 10000);
    const id = emulator.transaction(reference)?.id;

    expect((await refund(emulator, { transaction: reference, amount: 4000 })).status).toBe(200);
    expect((await refund(emulator, { transaction: id, amount: "2500" })).status).toBe(200);
    const tooMuch = await refund(emulator, { transaction: reference, amount: 3501 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body).toMatchObject({ status: false, message: expect.stringContaining("KES 35.00") });
    expect(emulator.transaction(reference)?.refundedAmount).toBe(6500);

    await emulator.processRefunds();
    // Partly refunded: still "success".
    expect((await verify(emulator, reference)).body.data.status).toBe("success");
    const rest = await refund(emulator, { transaction: reference });
    expect(rest.body.data.amount).toBe(3500);
    await emulator.processRefunds([rest.body.data.id]);
    expect((await verify(emulator, reference)).body.data.status).toBe("reversed");
    const again = await refund(emulator, { transaction: reference, amount: 1 });
    expect(again).toMatchObject({ status: 400, body: { message: "Transaction has been fully refunded" } });
  });

  it.each([
    ["abandoned", undefined],
    ["failed", TEST_CARDS.declined],
  ])("refuses to refund an unpaid (%s) transaction", async (status, card) => {
    const emulator = await startEmulator();
    const { reference } = await initialize(emulator);
    if (card !== undefined) await emulator.pay(reference, { card });
    const result = await refund(emulator, { transaction: reference });
    expect(result.status).toBe(400);
    expect(result.body.message).toBe(
      `Cannot refund a transaction that has not been paid (status: ${status})`,
    );
    expect(emulator.refunds()).toEqual([]);
  });

  it("refuses unknown transactions, missing params, bad amounts and another currency", async () => {
    const emulator = await startEmulator();
    const reference = await paidTransaction(emulator);
    expect(await refund(emulator, { transaction: "nope" })).toMatchObject({
      status: 400,
      body: { message: "Transaction not found" },
    });
    expect(await refund(emulator, {})).toMatchObject({ status: 400, body: { code: "missing_params" } });
    expect((await refund(emulator, { transaction: reference, amount: 12.5 })).body.message).toBe(
      "Invalid Amount Sent",
    );
    expect((await refund(emulator, { transaction: reference, currency: "NGN" })).body.message).toMatch(
      /Currency does not match/,
    );
    expect(emulator.refunds()).toEqual([]);
  });

  it("ends refunds of the refund test cards in failed or needs-attention", async () => {
    const emulator = await startEmulator();
    const receiver = await startReceiver(emulator.secretKey);
    emulator.setWebhookUrl(receiver.url);
    const failing = await paidTransaction(emulator, 5000, TEST_CARDS.refundFails);
    const stuck = await paidTransaction(emulator, 5000, TEST_CARDS.refundNeedsAttention);
    await refund(emulator, { transaction: failing });
    await refund(emulator, { transaction: stuck });
    await emulator.webhookIdle();
    const moved = await emulator.processRefunds();
    expect(moved.map((r) => r.status)).toEqual(["failed", "needs-attention"]);
    await emulator.webhookIdle();
    // Deliveries run concurrently (Paystack does not order events either): compare per refund.
    const eventsOf = (reference: string) =>
      receiver.received
        .filter((hook) => hook.event.data.transaction_reference === reference)
        .map((hook) => hook.event.event);
    expect(eventsOf(failing)).toEqual(["refund.pending", "refund.failed"]);
    expect(eventsOf(stuck)).toEqual(["refund.pending", "refund.needs-attention"]);
    // A failed refund gives the amount back: it can be refunded again.
    expect(emulator.transaction(failing)).toMatchObject({ status: "success", refundedAmount: 0 });
    expect((await refund(emulator, { transaction: failing })).status).toBe(200);
  });

  it("emits refund events as refunds progress", async () => {
    const emulator = await startEmulator();
    const seen: string[] = [];
    emulator.on("refund", (r) => seen.push(`${r.id}:${r.status}`));
    const reference = await paidTransaction(emulator);
    const created = await refund(emulator, { transaction: reference });
    await emulator.processRefunds();
    const id = created.body.data.id as number;
    expect(seen).toEqual([`${id}:pending`, `${id}:processed`]);
    expect(emulator.refund(id)?.refundedAt).toBeInstanceOf(Date);
  });

  it("lists and fetches refunds per account; 404 for unknown ids", async () => {
    const emulator = await startEmulator();
    const reference = await paidTransaction(emulator);
    const first = await refund(emulator, { transaction: reference, amount: 100 });
    const second = await refund(emulator, { transaction: reference, amount: 200 });
    const list = await api(emulator, "GET", "/refund");
    expect(list.body).toMatchObject({ status: true, message: "Refunds retrieved", meta: { total: 2 } });
    expect(list.body.data.map((r: { id: number }) => r.id)).toEqual([
      second.body.data.id,
      first.body.data.id,
    ]);
    expect(await api(emulator, "GET", "/refund/999999")).toEqual({
      status: 404,
      body: { status: false, message: "Refund not found" },
    });
    expect(emulator.refund(first.body.data.id)).toMatchObject({
      amount: 100,
      status: "pending",
      transactionReference: reference,
    });
  });
});
