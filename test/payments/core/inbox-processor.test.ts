/**
 * The settle job directly: a "paid" webhook is never believed on its own. The provider is asked
 * exactly once, and nothing settles unless it agrees on the outcome and the amount.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UnreadableDataError } from "../../../src/domain/errors.js";
import { newId } from "../../../src/domain/ids.js";
import type { InboxEvent, InboxEventBody } from "../../../src/domain/inbox.js";
import type { Payment } from "../../../src/domain/payment.js";
import { createInboxProcessor, NotConfirmedYetError } from "../../../src/payments/inbox-processor.js";
import { ProviderError } from "../../../src/payments/plugin.js";
import { createReceivedMoney } from "../../../src/payments/received-money.js";
import { PluginNotRegisteredError } from "../../../src/payments/registry/registry.js";
import { createSettlement } from "../../../src/payments/settlement.js";
import { at } from "../../store/fixtures.js";
import { type Core, logger, openCore, type ProviderScript, recordingNotifier } from "./harness.js";

let core: Core;
let notes: ReturnType<typeof recordingNotifier>;
let processInbox: (inboxId: string) => Promise<void>;
let instanceId: string;
let script: ProviderScript;

beforeEach(async () => {
  core = await openCore();
  notes = recordingNotifier();
  const settlement = createSettlement({ store: core.store, notifier: notes.notifier, logger });
  const receivedMoney = createReceivedMoney({
    store: core.store,
    registry: core.registry,
    settlement,
    notifier: notes.notifier,
    logger,
  });
  processInbox = createInboxProcessor({
    store: core.store,
    registry: core.registry,
    settlement,
    receivedMoney,
    logger,
  });
  ({ instanceId, script } = await core.instance());
});

afterEach(() => core.close());

const KES = (amount: number) => ({ amount, currency: "KES" });

/** Records a webhook event for `payment` as the intake would. */
async function received(
  payment: Payment | null,
  event: Partial<InboxEventBody>,
  row: Partial<InboxEvent> = {},
) {
  const stored: InboxEvent = {
    _id: newId("ibx"),
    tenantId: "t1",
    provider: "scripted",
    instanceId,
    eventKey: newId("ob"),
    event: {
      outcome: "succeeded",
      ...(payment?.providerRef ? { providerRef: payment.providerRef } : {}),
      ...event,
    },
    status: "received",
    receivedAt: at(0),
    ...row,
  };
  await core.store.inbox.record(stored);
  return stored._id;
}

async function paymentNow(payment: Payment) {
  return core.store.payments.findById(payment.tenantId, payment._id);
}

describe("a paid webhook", () => {
  it("calls verify exactly once with the payment and settles when the provider agrees", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded", amount: KES(90100), receipt: "VERIFIED" };
    const id = await received(payment, { amount: KES(90100), receipt: "FROM_HOOK" });
    await processInbox(id);
    expect(script.verifyCalls).toEqual([payment]);
    expect(await paymentNow(payment)).toMatchObject({ status: "succeeded", receipt: "VERIFIED" });
    expect(await core.store.inbox.findById(id)).toMatchObject({ status: "processed" });
    const [audit] = await core.store.audit.list("t1", {}, 5);
    expect(audit?.actor).toBe("provider:scripted");
    expect(notes.settled).toHaveLength(1);
  });

  it("uses the webhook's receipt when the provider's record has none", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded" };
    await processInbox(await received(payment, { receipt: "FROM_HOOK" }));
    expect(await paymentNow(payment)).toMatchObject({ status: "succeeded", receipt: "FROM_HOOK" });
  });

  it("settles with neither amount nor receipt when neither side gives them", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded" };
    await processInbox(await received(payment, {}));
    const settled = await paymentNow(payment);
    expect(settled?.status).toBe("succeeded");
    expect(settled).not.toHaveProperty("receipt");
  });

  it("settles nothing when verify disagrees, and flags it for the merchant", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "failed" };
    const id = await received(payment, { amount: KES(90100) });
    await processInbox(id);
    expect(script.verifyCalls).toHaveLength(1);
    expect(await paymentNow(payment)).toMatchObject({
      status: "pending",
      flag: { reason: "unconfirmed", detail: "the webhook said paid, scripted says failed" },
    });
    expect(await core.store.inbox.findById(id)).toMatchObject({
      status: "ignored",
      note: "not confirmed: failed",
    });
    expect(notes.flagged).toHaveLength(1);
    expect(notes.settled).toEqual([]);
  });

  it("waits while the provider has not confirmed: the job retries and nothing moves", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "pending" };
    const id = await received(payment, {});
    const error = await processInbox(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotConfirmedYetError);
    // The name and code are what an operator sees on the failed job: a retry, not a fault.
    expect(error).toMatchObject({
      name: "NotConfirmedYetError",
      code: "not_confirmed",
      message: `scripted has not confirmed ${payment._id} yet`,
    });
    expect(await paymentNow(payment)).toMatchObject({ status: "pending" });
    expect(await core.store.inbox.findById(id)).toMatchObject({ status: "received" });
    expect(notes.flagged).toEqual([]);
  });

  it.each([
    ["the webhook", KES(100), KES(90100), 100],
    ["the provider", KES(90100), KES(200), 200],
    ["both (the webhook's is named)", KES(100), KES(200), 100],
  ])("flags and never settles when %s shows a different amount", async (_who, hook, verified, named) => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded", amount: verified };
    await processInbox(await received(payment, { amount: hook }));
    const after = await paymentNow(payment);
    expect(after?.status).toBe("pending");
    expect(after?.flag?.reason).toBe("amount_mismatch");
    expect(after?.flag?.detail).toBe(`paid ${named} KES, expected 90100 KES`);
    expect(notes.settled).toEqual([]);
  });

  it("a currency the payment was not asked in never settles", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded", amount: { amount: 90100, currency: "TZS" } };
    await processInbox(await received(payment, {}));
    expect(await paymentNow(payment)).toMatchObject({
      status: "pending",
      flag: { reason: "amount_mismatch" },
    });
  });

  it("disputes a payment whose provider instance no longer exists, without asking anyone", async () => {
    const { payment } = await core.purchase("pi_gone");
    const id = await received(payment, {}, { instanceId: "pi_gone" });
    await processInbox(id);
    expect(script.verifyCalls).toEqual([]);
    expect(await paymentNow(payment)).toMatchObject({
      status: "pending",
      flag: { reason: "unconfirmed", detail: "paid by a provider instance that no longer exists" },
    });
    expect(await core.store.inbox.findById(id)).toMatchObject({ status: "ignored", note: "instance gone" });
  });
});

describe("other events", () => {
  it.each(["cancelled", "failed"] as const)(
    "a %s event is settled without asking the provider",
    async (status) => {
      const { payment } = await core.purchase(instanceId);
      const id = await received(payment, {
        outcome: status,
        reason: "Declined.",
        providerCode: "51",
      });
      await processInbox(id);
      expect(script.verifyCalls).toEqual([]);
      expect(await paymentNow(payment)).toMatchObject({
        status,
        failure: { reason: "Declined.", code: "51" },
      });
      expect(await core.store.inbox.findById(id)).toMatchObject({ status: "processed" });
      expect(notes.told.map((note) => note.result)).toEqual([
        { kind: "payment_failed", orderRef: payment.orderRef, reason: "Declined.", method: "mobile_money" },
      ]);
    },
  );

  it("a failure without a reason gets the plain one, without a code", async () => {
    const { payment } = await core.purchase(instanceId);
    await processInbox(await received(payment, { outcome: "failed" }));
    expect((await paymentNow(payment))?.failure).toEqual({ reason: "The payment did not go through." });
  });

  it.each(["pending", "not_handled"] as const)(
    "an event saying %s is ignored and moves nothing",
    async (outcome) => {
      const { payment } = await core.purchase(instanceId);
      const id = await received(payment, { outcome });
      await processInbox(id);
      expect(script.verifyCalls).toEqual([]);
      expect(await paymentNow(payment)).toMatchObject({ status: "pending" });
      expect(await core.store.inbox.findById(id)).toMatchObject({
        status: "ignored",
        note: `outcome ${outcome}`,
      });
    },
  );

  it.each([
    ["an unknown reference", { providerRef: "ref_never_started" }],
    ["no reference", {}],
  ])("a webhook with %s is ignored without asking the provider", async (_what, event) => {
    const id = await received(null, event);
    await processInbox(id);
    expect(script.verifyCalls).toEqual([]);
    expect(await core.store.inbox.findById(id)).toMatchObject({
      status: "ignored",
      note: "no payment with this reference",
    });
  });
});

describe("the job itself", () => {
  it("does nothing for an event already processed or unknown", async () => {
    const { payment } = await core.purchase(instanceId);
    script.verify = { outcome: "succeeded" };
    const id = await received(payment, {});
    await processInbox(id);
    await processInbox(id);
    await processInbox("ibx_unknown");
    expect(script.verifyCalls).toHaveLength(1);
    expect(notes.settled).toHaveLength(1);
  });

  it("marks an unreadable row failed for good and fails the job", async () => {
    const id = await received(null, {}, { event: { outcome: "exploded" } as unknown as InboxEventBody });
    await expect(processInbox(id)).rejects.toThrow(UnreadableDataError);
    expect(await core.store.inbox.findById(id)).toMatchObject({
      status: "failed",
      note: `The inbox row ${id} is not a webhook event Duka can read; repair or remove it`,
    });
  });

  it("marks an event of an unregistered plugin failed, naming the plugin", async () => {
    const { payment } = await core.purchase(instanceId);
    const id = await received(payment, {}, { provider: "retired" });
    await expect(processInbox(id)).rejects.toThrow(PluginNotRegisteredError);
    expect(script.verifyCalls).toEqual([]);
    expect(await core.store.inbox.findById(id)).toMatchObject({
      status: "failed",
      note: new PluginNotRegisteredError("retired").message,
    });
  });

  it("leaves the event waiting when the provider cannot be reached, so the job retries", async () => {
    const { payment } = await core.purchase(instanceId);
    const down = new ProviderError("unavailable", "provider down", { retryable: true, shopperMessage: "" });
    script.verify = () => Promise.reject(down);
    const id = await received(payment, {});
    await expect(processInbox(id)).rejects.toBe(down);
    expect(await core.store.inbox.findById(id)).toMatchObject({ status: "received" });
    expect(await paymentNow(payment)).toMatchObject({ status: "pending" });
  });
});
