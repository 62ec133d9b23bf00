/**
 * The check of a pasted M-Pesa code, as its job runs it: money received under the code settles
 * the order (claimed from the orphans, or found by asking the provider), on the order's payment at
 * the instance the money reached; anything else goes on to the merchant with what M-Pesa said.
 * Against the embedded store, a provider that answers `findReceived` from a table, and recording
 * stand-ins for the payment service and the proof intake.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deterministicId } from "../../../src/domain/ids.js";
import { money } from "../../../src/domain/money.js";
import type { Order } from "../../../src/domain/order.js";
import type { Proof } from "../../../src/domain/proof.js";
import { receivedPaymentOf } from "../../../src/domain/received-payment.js";
import type { CodeCheck } from "../../../src/domain/sms-proof.js";
import { NotConfirmedYetError } from "../../../src/payments/inbox-processor.js";
import { createPastedCodes, type PastedCodes } from "../../../src/payments/pasted-codes.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import { createReceivedMoney } from "../../../src/payments/received-money.js";
import { createSettlement } from "../../../src/payments/settlement.js";
import { at, makeInstance, makePayment, makeProof } from "../../store/fixtures.js";
import { type Core, logger, openCore, recordingNotifier } from "./harness.js";

const KES = (shillings: number) => money(shillings * 100, "KES");
const CODE = "UL3XDEMO7Q";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let codes: PastedCodes;
let instanceId: string;
/** What the provider answers about each code; unlisted codes: still pending. */
let answers: Map<string, Awaited<ReturnType<NonNullable<ProviderClient["findReceived"]>>>>;
let handedOver: { proofId: string; checked?: CodeCheck }[];
let paybillsStarted: string[];

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  answers = new Map();
  handedOver = [];
  paybillsStarted = [];
  const instance = makeInstance({ plugin: "mpesa-c2b" });
  instanceId = instance._id;
  await core.store.providers.create(instance);
  const settlement = createSettlement({ store: core.store, notifier: notes.notifier, logger });
  codes = createPastedCodes({
    store: core.store,
    registry: {
      client: () =>
        ({
          findReceived: async (code: string) => answers.get(code) ?? { outcome: "pending" },
        }) as unknown as ProviderClient,
    },
    receivedMoney: createReceivedMoney({
      store: core.store,
      registry: core.registry,
      settlement,
      notifier: notes.notifier,
      logger,
      // The payment service as far as a Paybill attempt goes: a pending payment at the instance.
      payments: {
        async start(order, method, options) {
          paybillsStarted.push(order.ref);
          const payment = makePayment({
            _id: deterministicId("pay", order._id, method, options.attemptKey),
            orderId: order._id,
            orderRef: order.ref,
            method,
            provider: "mpesa-c2b",
            instanceId,
            amount: order.total,
          });
          if (!(await core.store.payments.findById("t1", payment._id)))
            await core.store.payments.create(payment);
          await core.store.orders.setPayment("t1", order._id, payment._id);
          return { payment, action: { kind: "instructions", text: "Pay Bill 600984" } };
        },
      },
    }),
    handOver: async (_tenantId, proofId, checked) =>
      void handedOver.push({ proofId, ...(checked ? { checked } : {}) }),
    logger,
  });
});
afterEach(() => core.close());

/** An order of KES 60 whose shopper pasted an SMS with `code`; paid by Paybill at the instance unless said. */
async function pasted(options: { method?: "paybill" | "manual"; code?: string } = {}) {
  const method = options.method ?? "paybill";
  const { order, payment } = await core.purchase(method === "paybill" ? instanceId : "pi_manual", {
    order: { total: KES(60) },
    payment: { method, provider: method === "paybill" ? "mpesa-c2b" : "manual" },
  });
  const proof = makeProof({
    orderId: order._id,
    orderRef: order.ref,
    paymentId: payment._id,
    transactionCode: options.code ?? CODE,
  });
  await core.store.proofs.create(proof);
  return { order, payment, proof };
}

/** Money the Paybill received under `CODE`, as its confirmation recorded it. */
async function received(amount = KES(60)) {
  const origin = { tenantId: "t1", provider: "mpesa-c2b", instanceId, receivedAt: at(0) };
  return (
    await core.store.receivedPayments.record(
      receivedPaymentOf(origin, { transId: CODE, amount, paidAt: at(0), account: "MY ORDER" }),
    )
  ).received;
}

const check = (proof: Proof, last = false) => codes.check({ tenantId: "t1", proofId: proof._id }, last);
const statusOf = async (order: Order) => (await core.store.orders.findById("t1", order._id))?.status;

describe("pasted codes", () => {
  it("settles the order with the orphan its code names and closes the proof; running again changes nothing", async () => {
    const { order, payment, proof } = await pasted();
    await received();
    await check(proof);
    await check(proof);

    expect(await statusOf(order)).toBe("paid");
    expect(await core.store.receivedPayments.findByTransId("t1", CODE)).toMatchObject({
      status: "matched",
      matchedBy: "code",
      paymentId: payment._id,
    });
    expect(await core.store.proofs.findById("t1", proof._id)).toMatchObject({
      status: "confirmed",
      reviewedBy: "provider:mpesa-c2b",
    });
    expect(notes.settled).toHaveLength(1);
    expect(handedOver).toEqual([]);
    expect(paybillsStarted).toEqual([]);
  });

  it("opens a Paybill attempt at the instance for an order paid another way until now", async () => {
    const { order, proof } = await pasted({ method: "manual" });
    await received();
    await check(proof);
    expect(paybillsStarted).toEqual([order.ref]);
    const paid = await core.store.orders.findById("t1", order._id);
    expect(paid?.status).toBe("paid");
    expect(await core.store.payments.findById("t1", paid!.paymentId!)).toMatchObject({
      method: "paybill",
      instanceId,
      status: "succeeded",
      receipt: CODE,
    });
  });

  it("tells the shopper what is missing when the money is short, and leaves the order open", async () => {
    const { order, proof } = await pasted();
    await received(KES(25));
    await check(proof);
    expect(await statusOf(order)).toBe("awaiting_payment");
    expect(notes.told.map(({ result }) => result)).toEqual([
      expect.objectContaining({ kind: "payment_partial", paid: KES(25), missing: KES(35) }),
    ]);
  });

  it("asks the provider when no confirmation came, waits for the answer, and records the money as a confirmation would", async () => {
    const { order, proof } = await pasted();
    await expect(check(proof)).rejects.toBeInstanceOf(NotConfirmedYetError);
    expect(await statusOf(order)).toBe("awaiting_payment");

    answers.set(CODE, {
      outcome: "found",
      received: { transId: CODE, amount: KES(60), paidAt: at(0), msisdn: "254712345678" },
    });
    await check(proof);
    expect(await statusOf(order)).toBe("paid");
    expect(
      await core.store.receivedPayments.findById("t1", deterministicId("rcv", instanceId, CODE)),
    ).toMatchObject({
      transId: CODE,
      provider: "mpesa-c2b",
      msisdn: "254712345678",
      matchedBy: "code",
    });
  });

  it("hands the proof to the merchant when the provider knows no such payment, or never answers", async () => {
    const unknown = await pasted({ code: "UL9XFAKE01" });
    answers.set("UL9XFAKE01", { outcome: "not_found", reason: "Daraja says R000001" });
    await check(unknown.proof);
    const silent = await pasted({ code: "UL9XSLOW01" });
    await check(silent.proof, true);
    expect(handedOver).toEqual([
      { proofId: unknown.proof._id, checked: { kind: "not_received" } },
      { proofId: silent.proof._id },
    ]);
    expect(await statusOf(unknown.order)).toBe("awaiting_payment");
  });

  it("never settles an order with money that paid another order", async () => {
    const first = await pasted();
    await received();
    await check(first.proof);
    const second = await pasted();
    await check(second.proof);
    expect(await statusOf(second.order)).toBe("awaiting_payment");
    expect(handedOver).toEqual([
      { proofId: second.proof._id, checked: { kind: "paid_other_order", orderRef: first.order.ref } },
    ]);
  });
});
