import type { InboxEvent } from "../../src/domain/inbox.js";
/**
 * What every store backend must do, written once against the Store interface. store.test.ts
 * runs it per backend.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DukaError, DuplicateKeyError } from "../../src/domain/errors.js";
import { newId } from "../../src/domain/ids.js";
import type { Order, OrderLine } from "../../src/domain/order.js";
import type { ReceivedPayment } from "../../src/domain/received-payment.js";
import { splitConfig } from "../../src/payments/registry/instance-config.js";
import { createSecretBox } from "../../src/payments/registry/secrets.js";
import type { Store } from "../../src/store/types.js";
import {
  at,
  makeAudit,
  makeInstance,
  makeOrder,
  makeOutbox,
  makePayment,
  makeProof,
  makeState,
  type StoreBackend,
  type StoreHarness,
} from "./fixtures.js";

const chat = { channel: "telegram", chatId: "100" } as const;

export function storeConformance(backend: StoreBackend): void {
  let harness: StoreHarness;
  let store: Store;

  beforeEach(async () => {
    harness = backend.create();
    store = await harness.open();
  });

  afterEach(async () => {
    const unindexed = harness.unindexedQueries?.() ?? [];
    await harness.dispose();
    // Every query a repository makes is served by an index the schema declares, so its cost
    // stays flat as a shop's orders and conversations grow.
    expect(unindexed).toEqual([]);
  });

  it("answers ping", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  describe("orders", () => {
    it("finds an order by id and by reference, only within its tenant", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      expect(await store.orders.findById("t1", order._id)).toEqual(order);
      expect(await store.orders.findByRef("t1", order.ref)).toEqual(order);
      expect(await store.orders.findById("t2", order._id)).toBeNull();
      expect(await store.orders.findByRef("t2", order.ref)).toBeNull();
    });

    it("keeps references unique per tenant", async () => {
      await store.orders.create(makeOrder({ ref: "DK-77777" }));
      await store.orders.create(makeOrder({ tenantId: "t2", ref: "DK-77777" }));
      const clash = makeOrder({ ref: "DK-77777" });
      const error = await store.orders.create(clash).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      expect(error).toMatchObject({ collection: "orders" });
      if (backend.namesDuplicateKeys)
        expect(error).toMatchObject({ key: { tenantId: "t1", ref: "DK-77777" } });
      expect(await store.orders.findById("t1", clash._id)).toBeNull();
      expect(await store.orders.listByStatus("t1", undefined, 10)).toHaveLength(1);
    });

    it("refuses a second order with the same id", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      await expect(store.orders.create({ ...order, ref: "DK-22222" })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      expect(await store.orders.findByRef("t1", "DK-22222")).toBeNull();
    });

    it("lists a customer's orders newest first, limited", async () => {
      for (const minute of [1, 3, 2]) await store.orders.create(makeOrder({ createdAt: at(minute) }));
      await store.orders.create(
        makeOrder({ createdAt: at(9), customer: { channel: "telegram", chatId: "200" } }),
      );
      await store.orders.create(
        makeOrder({ createdAt: at(9), customer: { channel: "whatsapp", chatId: "100" } }),
      );
      await store.orders.create(makeOrder({ tenantId: "t2", createdAt: at(9) }));

      const listed = await store.orders.listByCustomer("t1", chat, 10);
      expect(listed.map((order) => order.createdAt)).toEqual([at(3), at(2), at(1)]);
      const limited = await store.orders.listByCustomer("t1", chat, 2);
      expect(limited.map((order) => order.createdAt)).toEqual([at(3), at(2)]);
    });

    it("lists by status newest first, or all statuses", async () => {
      await store.orders.create(makeOrder({ createdAt: at(1) }));
      await store.orders.create(makeOrder({ createdAt: at(2), status: "paid" }));
      await store.orders.create(makeOrder({ createdAt: at(3) }));
      await store.orders.create(makeOrder({ tenantId: "t2", createdAt: at(4) }));

      const awaiting = await store.orders.listByStatus("t1", "awaiting_payment", 10);
      expect(awaiting.map((order) => order.createdAt)).toEqual([at(3), at(1)]);
      const all = await store.orders.listByStatus("t1", undefined, 10);
      expect(all.map((order) => order.createdAt)).toEqual([at(3), at(2), at(1)]);
      expect(await store.orders.listByStatus("t1", undefined, 1)).toHaveLength(1);
    });

    it("transitions along the table, setting the changes with the status", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      const paid = await store.orders.transition("t1", order._id, "paid", { paidAt: at(5) });
      expect(paid).toMatchObject({ _id: order._id, status: "paid", paidAt: at(5) });
      expect(paid!.updatedAt.getTime()).toBeGreaterThan(order.updatedAt.getTime());
      expect(await store.orders.findById("t1", order._id)).toEqual(paid);
    });

    it("refuses an illegal transition and leaves the order as it was", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      expect(await store.orders.transition("t1", order._id, "fulfilled")).toBeNull();
      expect(await store.orders.transition("t2", order._id, "paid")).toBeNull();
      expect(await store.orders.findById("t1", order._id)).toEqual(order);
    });

    it("places an order for delivery, which never expires and is listed by its status", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      expect(await store.orders.transition("t1", order._id, "awaiting_delivery")).toMatchObject({
        status: "awaiting_delivery",
      });
      expect(await store.orders.transition("t1", order._id, "expired")).toBeNull();
      expect(
        (await store.orders.listByStatus("t1", "awaiting_delivery", 10)).map((found) => found._id),
      ).toEqual([order._id]);
      expect(await store.orders.transition("t1", order._id, "paid")).toMatchObject({ status: "paid" });
    });

    it("lets a late payment settle an expired order", async () => {
      const order = makeOrder({ status: "expired" });
      await store.orders.create(order);
      expect(await store.orders.transition("t1", order._id, "paid")).toMatchObject({ status: "paid" });
    });

    it("lets exactly one of two racing transitions win", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      const results = await Promise.all([
        store.orders.transition("t1", order._id, "paid", { paidAt: at(1) }),
        store.orders.transition("t1", order._id, "paid", { paidAt: at(2) }),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      const winner = results.find((result) => result !== null)!;
      expect(await store.orders.findById("t1", order._id)).toEqual(winner);
    });

    it("never lets changes move an order to another tenant or id", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      const changed = await store.orders.transition("t1", order._id, "cancelled", {
        _id: "ord_other",
        tenantId: "t2",
        cancelledAt: at(7),
      });
      expect(changed).toMatchObject({
        _id: order._id,
        tenantId: "t1",
        status: "cancelled",
        cancelledAt: at(7),
      });
    });

    it("attaches a payment", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      expect(await store.orders.setPayment("t1", order._id, "pay_9")).toMatchObject({ paymentId: "pay_9" });
      expect(await store.orders.setPayment("t2", order._id, "pay_9")).toBeNull();
    });

    it("hands out copies: callers cannot change stored orders", async () => {
      const order = makeOrder();
      await store.orders.create(order);
      const snapshot = structuredClone(order);
      (order.lines as OrderLine[]).push({ sku: "X", name: "X", quantity: 1, unitAmount: 1 });
      (order as { status: string }).status = "paid";

      const found = await store.orders.findById("t1", order._id);
      expect(found).toEqual(snapshot);
      (found!.customer as { chatId: string }).chatId = "999";
      (found!.createdAt as Date).setUTCFullYear(1999);
      const transitioned = await store.orders.transition("t1", order._id, "cancelled");
      (transitioned as { status: string }).status = "paid";

      const again = await store.orders.findById("t1", order._id);
      expect(again).toMatchObject({ customer: snapshot.customer, createdAt: snapshot.createdAt });
      expect(again!.status).toBe("cancelled");
    });
  });

  describe("payments", () => {
    it("stores and finds a payment within its tenant", async () => {
      const payment = makePayment();
      await store.payments.create(payment);
      expect(await store.payments.findById("t1", payment._id)).toEqual(payment);
      expect(await store.payments.findById("t2", payment._id)).toBeNull();
      await expect(store.payments.create(payment)).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it("transitions by compare-and-set", async () => {
      const payment = makePayment();
      await store.payments.create(payment);
      const settled = await store.payments.transition("t1", payment._id, "succeeded", { settledAt: at(3) });
      expect(settled).toMatchObject({ status: "succeeded", settledAt: at(3) });
      expect(await store.payments.transition("t1", payment._id, "failed")).toBeNull();
      expect(await store.payments.findById("t1", payment._id)).toEqual(settled);
    });

    it("follows the manual path and its retry after a rejection", async () => {
      const payment = makePayment({ method: "manual", provider: "manual", status: "awaiting_proof" });
      await store.payments.create(payment);
      expect(await store.payments.transition("t1", payment._id, "succeeded")).toBeNull();
      for (const to of ["under_review", "rejected", "under_review", "succeeded"] as const) {
        expect(await store.payments.transition("t1", payment._id, to)).toMatchObject({ status: to });
      }
    });

    it("settles cash on delivery only from awaiting_delivery, and never expires or fails it", async () => {
      const payment = makePayment({
        method: "cash_on_delivery",
        provider: "cash-on-delivery",
        status: "awaiting_delivery",
      });
      await store.payments.create(payment);
      expect(await store.payments.transition("t1", payment._id, "expired")).toBeNull();
      expect(await store.payments.transition("t1", payment._id, "failed")).toBeNull();
      expect(await store.payments.transition("t1", payment._id, "succeeded")).toMatchObject({
        status: "succeeded",
      });
    });

    it("settles once when two settlements race", async () => {
      const payment = makePayment();
      await store.payments.create(payment);
      const results = await Promise.all([
        store.payments.transition("t1", payment._id, "succeeded"),
        store.payments.transition("t1", payment._id, "succeeded"),
        store.payments.transition("t1", payment._id, "expired"),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });
  });

  describe("refund claims", () => {
    const claim = (n: number) => ({ at: at(n), actor: `merchant-${n}` });

    it("claims a succeeded payment once, within its tenant", async () => {
      const pending = makePayment();
      const paid = makePayment({ status: "succeeded" });
      await store.payments.create(pending);
      await store.payments.create(paid);
      expect(await store.payments.claimRefund("t1", pending._id, claim(3))).toBeNull();
      expect(await store.payments.claimRefund("t2", paid._id, claim(3))).toBeNull();
      expect(await store.payments.claimRefund("t1", paid._id, claim(3))).toMatchObject({
        status: "succeeded",
        refundClaim: claim(3),
      });
      expect(await store.payments.claimRefund("t1", paid._id, claim(4))).toBeNull();
      expect((await store.payments.findById("t1", paid._id))?.refundClaim).toEqual(claim(3));
    });

    it("lets exactly one of two racing claims win", async () => {
      const paid = makePayment({ status: "succeeded" });
      await store.payments.create(paid);
      const results = await Promise.all([
        store.payments.claimRefund("t1", paid._id, claim(3)),
        store.payments.claimRefund("t1", paid._id, claim(4)),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
    });

    it("releases a claim once, so the payment can be claimed again", async () => {
      const paid = makePayment({ status: "succeeded" });
      await store.payments.create(paid);
      expect(await store.payments.releaseRefundClaim("t1", paid._id)).toBeNull();
      await store.payments.claimRefund("t1", paid._id, claim(3));
      expect(await store.payments.releaseRefundClaim("t2", paid._id)).toBeNull();
      const released = await store.payments.releaseRefundClaim("t1", paid._id);
      expect(released).toMatchObject({ status: "succeeded" });
      expect(released?.refundClaim).toBeUndefined();
      expect(await store.payments.releaseRefundClaim("t1", paid._id)).toBeNull();
      expect(await store.payments.claimRefund("t1", paid._id, claim(5))).not.toBeNull();
    });

    it("lists unsettled claims older than a time across tenants, oldest first, limited", async () => {
      const claims = [
        { tenantId: "t1", at: 5 },
        { tenantId: "t2", at: 2 },
        { tenantId: "t1", at: 8 },
        { tenantId: "t1", at: 3 },
      ];
      const payments = [];
      for (const entry of claims) {
        const payment = makePayment({ tenantId: entry.tenantId, status: "succeeded" });
        await store.payments.create(payment);
        await store.payments.claimRefund(entry.tenantId, payment._id, claim(entry.at));
        payments.push(payment);
      }
      await store.payments.create(makePayment({ status: "succeeded" }));
      // A claim whose refund was settled (the payment left `succeeded`) is no longer listed.
      const refunded = makePayment({ status: "succeeded" });
      await store.payments.create(refunded);
      await store.payments.claimRefund("t1", refunded._id, claim(1));
      await store.payments.transition("t1", refunded._id, "refunded");
      const listed = await store.payments.listRefundClaims(at(6), 2);
      expect(listed.map((payment) => payment._id)).toEqual([payments[1]!._id, payments[3]!._id]);
      expect((await store.payments.listRefundClaims(at(6), 10)).map((payment) => payment._id)).toEqual([
        payments[1]!._id,
        payments[3]!._id,
        payments[0]!._id,
      ]);
    });
  });

  describe("payments by provider reference", () => {
    it("finds a payment by its instance and provider reference, and lists an order's newest first", async () => {
      const first = makePayment({ instanceId: "pi_a", providerRef: "ws_CO_1", createdAt: at(1) });
      const second = makePayment({
        orderId: first.orderId,
        instanceId: "pi_a",
        providerRef: "ws_CO_2",
        createdAt: at(2),
      });
      await store.payments.create(first);
      await store.payments.create(second);
      expect(await store.payments.findByProviderRef("pi_a", "ws_CO_2")).toEqual(second);
      expect(await store.payments.findByProviderRef("pi_b", "ws_CO_2")).toBeNull();
      expect((await store.payments.listByOrder("t1", first.orderId)).map((payment) => payment._id)).toEqual([
        second._id,
        first._id,
      ]);
    });

    it("flags a payment without changing its status", async () => {
      const payment = makePayment();
      await store.payments.create(payment);
      const flagged = await store.payments.setFlag("t1", payment._id, {
        reason: "amount_mismatch",
        at: at(3),
        detail: "paid 100 KES",
      });
      expect(flagged).toMatchObject({
        status: payment.status,
        flag: { reason: "amount_mismatch", detail: "paid 100 KES" },
      });
      expect(
        await store.payments.setFlag("t2", payment._id, { reason: "unconfirmed", at: at(4) }),
      ).toBeNull();
    });
  });

  describe("payments by instance", () => {
    const attempt = (instanceId: string, ok: boolean) => ({ instanceId, plugin: "mpesa", at: at(1), ok });

    it("lists the payments an instance was tried for since a date, newest first, within its tenant", async () => {
      const routing = {
        kind: "split",
        shares: [
          { instanceId: "pi_a", weight: 80 },
          { instanceId: "pi_b", weight: 20 },
        ],
        chosen: "pi_a",
        sticky: false,
      } as const;
      const taken = makePayment({
        instanceId: "pi_a",
        attempts: [attempt("pi_a", true)],
        createdAt: at(5),
        routing,
      });
      const fellBack = makePayment({
        instanceId: "pi_b",
        attempts: [attempt("pi_a", false), attempt("pi_b", true)],
        createdAt: at(7),
      });
      const tooOld = makePayment({ instanceId: "pi_a", attempts: [attempt("pi_a", true)], createdAt: at(1) });
      const other = makePayment({ instanceId: "pi_b", attempts: [attempt("pi_b", true)], createdAt: at(6) });
      const elsewhere = makePayment({
        tenantId: "t2",
        instanceId: "pi_a",
        attempts: [attempt("pi_a", true)],
        createdAt: at(6),
      });
      for (const payment of [taken, fellBack, tooOld, other, elsewhere]) await store.payments.create(payment);

      const ids = (list: { _id: string }[]) => list.map((payment) => payment._id);
      expect(ids(await store.payments.listTriedByInstance("t1", "pi_a", at(5), 10))).toEqual([
        fellBack._id,
        taken._id,
      ]);
      expect(ids(await store.payments.listTriedByInstance("t1", "pi_a", at(5), 1))).toEqual([fellBack._id]);
      expect(ids(await store.payments.listTriedByInstance("t1", "pi_b", at(0), 10))).toEqual([
        fellBack._id,
        other._id,
      ]);
      // The routing record comes back as stored.
      expect((await store.payments.findById("t1", taken._id))?.routing).toEqual(routing);
    });
  });

  describe("webhook inbox", () => {
    const event = (overrides: Partial<InboxEvent> = {}): InboxEvent => ({
      _id: newId("ibx"),
      tenantId: "t1",
      provider: "mpesa",
      instanceId: "pi_a",
      eventKey: "ws_CO_1:0",
      event: { outcome: "succeeded", providerRef: "ws_CO_1", amount: { amount: 6000, currency: "KES" } },
      status: "received",
      receivedAt: at(1),
      ...overrides,
    });

    it("records a provider event once, however often and concurrently it arrives", async () => {
      const results = await Promise.all([
        store.inbox.record(event()),
        store.inbox.record(event()),
        store.inbox.record(event()),
      ]);
      expect(results.filter((result) => result.recorded)).toHaveLength(1);
      const kept = results.find((result) => result.recorded)!.event;
      for (const result of results) expect(result.event._id).toBe(kept._id);
      expect(await store.inbox.findById(kept._id)).toEqual(kept);
      // The same key from another provider is another event.
      expect((await store.inbox.record(event({ provider: "paystack" }))).recorded).toBe(true);
    });

    it("finishes an event once and lists only those still received, oldest first", async () => {
      const old = event({ eventKey: "a", receivedAt: at(1) });
      const newer = event({ eventKey: "b", receivedAt: at(2) });
      const recent = event({ eventKey: "c", receivedAt: at(9) });
      for (const item of [recent, newer, old]) await store.inbox.record(item);
      expect(await store.inbox.finish(old._id, "processed")).toBe(true);
      expect(await store.inbox.finish(old._id, "ignored", "again")).toBe(false);
      expect(await store.inbox.findById(old._id)).toMatchObject({ status: "processed" });
      expect((await store.inbox.listReceived(at(5), 10)).map((item) => item.eventKey)).toEqual(["b"]);
    });
  });

  describe("received payments (Paybill / Till)", () => {
    const received = (overrides: Partial<ReceivedPayment> = {}): ReceivedPayment => ({
      _id: newId("ibx"),
      tenantId: "t1",
      provider: "mpesa-c2b",
      instanceId: "pi_c",
      transId: "UL3XDEMO7Q",
      amount: { amount: 6000, currency: "KES" },
      paidAt: at(1),
      receivedAt: at(1),
      account: "dk 4zte5",
      status: "orphan",
      ...overrides,
    });

    it("records a transaction once per instance, however often its confirmation comes", async () => {
      const results = await Promise.all([
        store.receivedPayments.record(received()),
        store.receivedPayments.record(received()),
      ]);
      expect(results.filter((result) => result.recorded)).toHaveLength(1);
      const kept = results.find((result) => result.recorded)!.received;
      for (const result of results) expect(result.received._id).toBe(kept._id);
      expect(await store.receivedPayments.findByTransId("t1", "UL3XDEMO7Q")).toEqual(kept);
      expect(await store.receivedPayments.findByTransId("t2", "UL3XDEMO7Q")).toBeNull();
      // The same id at another shortcode is another transaction.
      expect((await store.receivedPayments.record(received({ instanceId: "pi_d" }))).recorded).toBe(true);
    });

    it("matches an orphan once, and lists orphans oldest first and an order's payments", async () => {
      const late = received({ transId: "T2", receivedAt: at(5) });
      const early = received({ transId: "T1", receivedAt: at(2) });
      for (const item of [late, early]) await store.receivedPayments.record(item);
      expect((await store.receivedPayments.listOrphans("t1", 10)).map((item) => item.transId)).toEqual([
        "T1",
        "T2",
      ]);
      const match = {
        paymentId: "pay_1",
        orderRef: "DK-4ZTE5",
        matchedBy: "merchant",
        matchedAt: at(6),
      } as const;
      expect(await store.receivedPayments.match("t1", early._id, match)).toMatchObject({
        status: "matched",
        paymentId: "pay_1",
      });
      expect(
        await store.receivedPayments.match("t1", early._id, { ...match, paymentId: "pay_2" }),
      ).toBeNull();
      expect((await store.receivedPayments.listOrphans("t1", 10)).map((item) => item.transId)).toEqual([
        "T2",
      ]);
      expect((await store.receivedPayments.listByPayment("t1", "pay_1")).map((item) => item.transId)).toEqual(
        ["T1"],
      );
    });
  });

  describe("provider instances", () => {
    it("creates, finds and deletes an instance", async () => {
      const instance = makeInstance();
      await store.providers.create(instance);
      expect(await store.providers.findById(instance._id)).toEqual(instance);
      await expect(store.providers.create(instance)).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.providers.delete(instance._id)).toBe(true);
      expect(await store.providers.delete(instance._id)).toBe(false);
      expect(await store.providers.findById(instance._id)).toBeNull();
    });

    it("keeps display names unique per tenant", async () => {
      const original = makeInstance({ displayName: "M-Pesa" });
      await store.providers.create(original);
      await store.providers.create(makeInstance({ tenantId: "t2", displayName: "M-Pesa" }));
      const clash = makeInstance({ displayName: "M-Pesa", plugin: "paystack" });
      const error = await store.providers.create(clash).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      if (backend.namesDuplicateKeys) {
        expect(error).toMatchObject({ key: { tenantId: "t1", displayName: "M-Pesa" } });
      }
      expect(await store.providers.findById(clash._id)).toBeNull();

      const other = makeInstance({ displayName: "Paystack" });
      await store.providers.create(other);
      await expect(store.providers.update(other._id, { displayName: "M-Pesa" })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      expect(await store.providers.findById(other._id)).toMatchObject({ displayName: "Paystack" });
      // A deleted instance frees its name.
      await store.providers.delete(original._id);
      expect(await store.providers.update(other._id, { displayName: "M-Pesa" })).toMatchObject({
        displayName: "M-Pesa",
      });
    });

    it("sets and removes an instance's weight", async () => {
      const instance = makeInstance();
      await store.providers.create(instance);
      expect(await store.providers.update(instance._id, { weight: 80 })).toMatchObject({ weight: 80 });
      expect(await store.providers.update(instance._id, { priority: 3 })).toMatchObject({
        weight: 80,
        priority: 3,
      });
      const removed = await store.providers.update(instance._id, { weight: null });
      expect(removed).not.toHaveProperty("weight");
      expect(await store.providers.findById(instance._id)).not.toHaveProperty("weight");
    });

    it("lists by priority then creation, filtered by tenant and plugin", async () => {
      const later = makeInstance({ priority: 1, createdAt: at(5) });
      const earlier = makeInstance({ priority: 1, createdAt: at(2) });
      const first = makeInstance({ priority: 0, createdAt: at(9), plugin: "paystack" });
      const last = makeInstance({ priority: 7, createdAt: at(0) });
      const elsewhere = makeInstance({ tenantId: "t2", priority: -1 });
      for (const instance of [later, earlier, first, last, elsewhere]) await store.providers.create(instance);

      const ids = (list: { _id: string }[]) => list.map((instance) => instance._id);
      expect(ids(await store.providers.list({ tenantId: "t1" }))).toEqual([
        first._id,
        earlier._id,
        later._id,
        last._id,
      ]);
      expect(ids(await store.providers.list({ tenantId: "t1", plugin: "mpesa" }))).toEqual([
        earlier._id,
        later._id,
        last._id,
      ]);
      expect(ids(await store.providers.list({ plugin: "paystack" }))).toEqual([first._id]);
      expect(ids(await store.providers.list())).toEqual([
        elsewhere._id,
        first._id,
        earlier._id,
        later._id,
        last._id,
      ]);
      expect(await store.providers.list({ tenantId: "t3" })).toEqual([]);
    });

    it("updates the changes and updatedAt only, and nothing for an unknown id", async () => {
      const instance = makeInstance();
      await store.providers.create(instance);
      const updated = await store.providers.update(instance._id, {
        active: false,
        priority: 3,
        config: { shortcode: "600000" },
        ...({ tenantId: "t2", _id: "pi_other", health: { status: "healthy" } } as object),
      });
      expect(updated).toMatchObject({
        _id: instance._id,
        tenantId: "t1",
        active: false,
        priority: 3,
        testMode: false,
        config: { shortcode: "600000" },
        health: { status: "unknown" },
        createdAt: instance.createdAt,
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThan(instance.updatedAt.getTime());
      expect(await store.providers.findById(instance._id)).toEqual(updated);
      expect(await store.providers.update("pi_missing", { active: false })).toBeNull();
    });

    it("sets health by compare-and-set on the status", async () => {
      const instance = makeInstance();
      await store.providers.create(instance);
      const healthy = { status: "healthy", checkedAt: at(3), latencyMs: 120 } as const;
      expect(await store.providers.setHealth(instance._id, healthy, "healthy")).toBeNull();
      const stored = await store.providers.setHealth(instance._id, healthy, "unknown");
      expect(stored).toMatchObject({ health: healthy, updatedAt: instance.updatedAt });
      expect(stored!.health.checkedAt).toBeInstanceOf(Date);
      // Replaced whole: a healthy result carries no stale message.
      await store.providers.setHealth(
        instance._id,
        { status: "unhealthy", checkedAt: at(4), message: "401 from the provider" },
        "healthy",
      );
      const recovered = await store.providers.setHealth(instance._id, healthy, "unhealthy");
      expect(recovered!.health).toEqual(healthy);
      expect(await store.providers.setHealth("pi_missing", healthy, "unknown")).toBeNull();
    });

    it("lets exactly one of two racing health changes win", async () => {
      const instance = makeInstance();
      await store.providers.create(instance);
      const results = await Promise.all([
        store.providers.setHealth(instance._id, { status: "unhealthy", checkedAt: at(1) }, "unknown"),
        store.providers.setHealth(instance._id, { status: "healthy", checkedAt: at(2) }, "unknown"),
      ]);
      expect(results.filter((result) => result !== null)).toHaveLength(1);
      const winner = results.find((result) => result !== null)!;
      expect(await store.providers.findById(instance._id)).toEqual(winner);
    });

    it("stores encrypted secrets and never their plaintext", async () => {
      const plaintext = "sk_live_PLAINTEXT0123456789abcdef0123456789";
      const box = createSecretBox({ current: Buffer.alloc(32, 3) });
      const schema = z.object({ shortcode: z.string(), secretKey: z.string().meta({ secret: true }) });
      const { config, secrets } = splitConfig(box, schema, { shortcode: "174379", secretKey: plaintext });
      const instance = makeInstance({ config, secrets });
      await store.providers.create(instance);
      await store.providers.update(instance._id, { priority: 2 });

      const found = await store.providers.findById(instance._id);
      expect(found!.secrets).toEqual(secrets);
      expect(box.decrypt(found!.secrets.secretKey!)).toBe(plaintext);
      expect(JSON.stringify(found)).not.toContain("PLAINTEXT");
      if (harness.storedText) {
        const stored = await harness.storedText("providerInstances");
        expect(stored).toContain(secrets.secretKey!.data);
        expect(stored).not.toContain("PLAINTEXT");
      }
    });
  });

  describe("proofs", () => {
    it("finds the newest pending proof of an order", async () => {
      await store.proofs.create(makeProof({ submittedAt: at(1) }));
      const newest = makeProof({ submittedAt: at(2) });
      await store.proofs.create(newest);
      await store.proofs.create(makeProof({ submittedAt: at(3), status: "rejected" }));
      await store.proofs.create(makeProof({ submittedAt: at(4), orderId: "ord_2" }));
      expect(await store.proofs.findPendingByOrder("t1", "ord_1")).toEqual(newest);
      expect(await store.proofs.findPendingByOrder("t2", "ord_1")).toBeNull();
    });

    it("lists pending proofs oldest first, limited", async () => {
      for (const minute of [3, 1, 2]) await store.proofs.create(makeProof({ submittedAt: at(minute) }));
      await store.proofs.create(makeProof({ submittedAt: at(0), status: "confirmed" }));
      await store.proofs.create(makeProof({ submittedAt: at(0), tenantId: "t2" }));
      const pending = await store.proofs.listPending("t1", 2);
      expect(pending.map((proof) => proof.submittedAt)).toEqual([at(1), at(2)]);
    });

    it("finds the same bytes sent for a different order", async () => {
      const original = makeProof({ orderId: "ord_1", orderRef: "DK-11111", sha256: "b".repeat(64) });
      await store.proofs.create(original);
      await store.proofs.create(makeProof({ orderId: "ord_3", sha256: "b".repeat(64), submittedAt: at(5) }));
      await store.proofs.create(makeProof({ tenantId: "t2", orderId: "ord_9", sha256: "c".repeat(64) }));
      expect(await store.proofs.findReuse("t1", "b".repeat(64), "ord_2")).toEqual(original);
      expect(await store.proofs.findReuse("t1", "b".repeat(64), "ord_1")).toMatchObject({ orderId: "ord_3" });
      expect(await store.proofs.findReuse("t1", "c".repeat(64), "ord_2")).toBeNull();
    });

    it("finds pasted SMS proofs by transaction code, oldest first, across orders, within the tenant", async () => {
      const sms = {
        code: "UL3XDEMO7Q",
        kind: "paybill" as const,
        amount: { amount: 125_000, currency: "KES" },
        counterparty: { name: "MAMA MBOGA DEMO SHOP", number: "0700000001" },
        account: "DK-4ZTE5",
        at: at(-30),
        language: "en" as const,
      };
      const smsProof = (overrides: Parameters<typeof makeProof>[0]) => {
        const { mediaId: _m, mimeType: _t, size: _s, ...proof } = makeProof(overrides);
        return { ...proof, sms, transactionCode: sms.code, flags: ["amount_mismatch" as const] };
      };
      const later = smsProof({ orderId: "ord_2", orderRef: "DK-22222", submittedAt: at(7) });
      const first = smsProof({ orderId: "ord_1", orderRef: "DK-11111", submittedAt: at(2) });
      await store.proofs.create(later);
      await store.proofs.create(first);
      await store.proofs.create(smsProof({ tenantId: "t2", submittedAt: at(1) }));
      await store.proofs.create(makeProof({ submittedAt: at(0) }));
      expect(await store.proofs.listByTransactionCode("t1", "UL3XDEMO7Q", 10)).toEqual([first, later]);
      expect(await store.proofs.listByTransactionCode("t1", "UL3XDEMO7Q", 1)).toEqual([first]);
      expect(await store.proofs.listByTransactionCode("t1", "UL4XDEMO2K", 10)).toEqual([]);
      expect(await store.proofs.findById("t1", first._id)).toEqual(first);
    });

    it("sets a pending proof's flags, keeping the order a code was first pasted for; not once reviewed", async () => {
      const proof = makeProof();
      await store.proofs.create(proof);
      expect(await store.proofs.setFlags("t1", proof._id, { flags: ["amount_mismatch"] })).toEqual({
        ...proof,
        flags: ["amount_mismatch"],
      });
      const reused = { flags: ["code_reused" as const], reusedFromOrderRef: "DK-22222" };
      expect(await store.proofs.setFlags("t1", proof._id, reused)).toEqual({ ...proof, ...reused });
      // Handed to the merchant after waiting for M-Pesa: it now proves the transfer started then.
      const handedOver = { flags: ["not_received" as const], paymentId: "pay_transfer" };
      expect(await store.proofs.setFlags("t1", proof._id, handedOver)).toEqual({
        ...proof,
        ...reused,
        ...handedOver,
      });
      expect(await store.proofs.setFlags("t2", proof._id, { flags: [] })).toBeNull();
      await store.proofs.review("t1", proof._id, "rejected", { reviewedBy: "telegram:1", reviewedAt: at(9) });
      expect(await store.proofs.setFlags("t1", proof._id, { flags: [] })).toBeNull();
      expect((await store.proofs.findById("t1", proof._id))?.flags).toEqual(["not_received"]);
    });

    it("takes one verdict per proof", async () => {
      const proof = makeProof();
      await store.proofs.create(proof);
      const confirmed = await store.proofs.review("t1", proof._id, "confirmed", {
        reviewedBy: "telegram:1",
        reviewedAt: at(9),
      });
      expect(confirmed).toMatchObject({ status: "confirmed", reviewedBy: "telegram:1", reviewedAt: at(9) });
      expect(confirmed).not.toHaveProperty("reason");
      const late = await store.proofs.review("t1", proof._id, "rejected", {
        reviewedBy: "telegram:2",
        reviewedAt: at(10),
        reason: "blurry",
      });
      expect(late).toBeNull();
      expect(await store.proofs.findById("t1", proof._id)).toEqual(confirmed);
    });

    it("records the reason of a rejection", async () => {
      const proof = makeProof();
      await store.proofs.create(proof);
      const rejected = await store.proofs.review("t1", proof._id, "rejected", {
        reviewedBy: "admin",
        reviewedAt: at(9),
        reason: "amount differs",
      });
      expect(rejected).toMatchObject({ status: "rejected", reason: "amount differs" });
    });
  });

  describe("conversations", () => {
    it("starts empty, then saves with versions", async () => {
      expect(await store.conversations.load("t1", chat)).toBeNull();
      const state = makeState();
      expect(await store.conversations.save("t1", chat, state, 0)).toBe(true);
      const loaded = await store.conversations.load("t1", chat);
      expect(loaded).toEqual({ state, version: 1 });
      expect(Object.getPrototypeOf(loaded!.state)).toBe(Object.prototype);

      const next = makeState({ step: { name: "viewing_cart" }, seq: 5 });
      expect(await store.conversations.save("t1", chat, next, 1)).toBe(true);
      expect(await store.conversations.load("t1", chat)).toEqual({ state: next, version: 2 });
    });

    it("refuses a stale version and a second first save", async () => {
      expect(await store.conversations.save("t1", chat, makeState(), 0)).toBe(true);
      expect(await store.conversations.save("t1", chat, makeState({ seq: 9 }), 0)).toBe(false);
      expect(await store.conversations.save("t1", chat, makeState({ seq: 9 }), 2)).toBe(false);
      expect(await store.conversations.load("t1", chat)).toEqual({ state: makeState(), version: 1 });
    });

    it("lets one of two writers with the same version win", async () => {
      await store.conversations.save("t1", chat, makeState(), 0);
      const results = await Promise.all([
        store.conversations.save("t1", chat, makeState({ seq: 10 }), 1),
        store.conversations.save("t1", chat, makeState({ seq: 20 }), 1),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const loaded = await store.conversations.load("t1", chat);
      expect(loaded!.version).toBe(2);
      expect(loaded!.state.seq).toBe(results[0] ? 10 : 20);
    });

    it("lets one of two racing first saves win", async () => {
      const results = await Promise.all([
        store.conversations.save("t1", chat, makeState({ seq: 1 }), 0),
        store.conversations.save("t1", chat, makeState({ seq: 2 }), 0),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("keeps one conversation per tenant and chat", async () => {
      await store.conversations.save("t1", chat, makeState({ seq: 1 }), 0);
      expect(await store.conversations.save("t2", chat, makeState({ seq: 2 }), 0)).toBe(true);
      expect(
        await store.conversations.save(
          "t1",
          { channel: "whatsapp", chatId: "100" },
          makeState({ seq: 3 }),
          0,
        ),
      ).toBe(true);
      expect((await store.conversations.load("t1", chat))!.state.seq).toBe(1);
      expect((await store.conversations.load("t2", chat))!.state.seq).toBe(2);
    });
  });

  describe("outbox", () => {
    it("puts a message once and returns the stored one on a retry", async () => {
      const message = makeOutbox();
      const stored = await store.outbox.put(message);
      expect(stored).toEqual({ ...message, status: "pending", sentCount: 0 });
      const again = await store.outbox.put({ ...message, replies: [{ text: "different" }] });
      expect(again).toEqual(stored);
      expect(await store.outbox.findById(message._id)).toEqual(stored);
      expect(Object.getPrototypeOf((await store.outbox.findById(message._id))!.replies[0])).toBe(
        Object.prototype,
      );
    });

    it("records progress forward only", async () => {
      const message = makeOutbox();
      await store.outbox.put(message);
      await store.outbox.recordProgress(message._id, 2);
      await store.outbox.recordProgress(message._id, 1);
      expect(await store.outbox.findById(message._id)).toMatchObject({ sentCount: 2, status: "pending" });
    });

    it("marks a message sent or failed, once", async () => {
      const sent = makeOutbox();
      const failed = makeOutbox();
      await store.outbox.put(sent);
      await store.outbox.put(failed);
      await store.outbox.markSent(sent._id, at(4));
      await store.outbox.markFailed(sent._id, at(5), "blocked");
      await store.outbox.markFailed(failed._id, at(6), "blocked by the user");
      await store.outbox.markSent(failed._id, at(7));
      expect(await store.outbox.findById(sent._id)).toMatchObject({ status: "sent", sentAt: at(4) });
      expect(await store.outbox.findById(sent._id)).not.toHaveProperty("error");
      expect(await store.outbox.findById(failed._id)).toMatchObject({
        status: "failed",
        failedAt: at(6),
        error: "blocked by the user",
      });
      expect(await store.outbox.findById(failed._id)).not.toHaveProperty("sentAt");
    });

    it("lists pending messages created before a time, oldest first", async () => {
      for (const minute of [3, 1, 2, 8]) await store.outbox.put(makeOutbox({ createdAt: at(minute) }));
      const sent = makeOutbox({ createdAt: at(0) });
      await store.outbox.put(sent);
      await store.outbox.markSent(sent._id, at(1));
      await store.outbox.put(makeOutbox({ tenantId: "t2", createdAt: at(4) }));

      const pending = await store.outbox.listPending(at(5), 3);
      expect(pending.map((message) => message.createdAt)).toEqual([at(1), at(2), at(3)]);
      expect(await store.outbox.listPending(at(5), 10)).toHaveLength(4);
    });
  });

  describe("audit", () => {
    it("lists entries newest first, filtered, limited", async () => {
      await store.audit.append(makeAudit({ at: at(1) }));
      await store.audit.append(makeAudit({ at: at(3), action: "order.paid" }));
      await store.audit.append(makeAudit({ at: at(2), orderRef: "DK-BBBBB" }));
      await store.audit.append(makeAudit({ at: at(4), tenantId: "t2" }));

      const all = await store.audit.list("t1", {}, 10);
      expect(all.map((entry) => entry.at)).toEqual([at(3), at(2), at(1)]);
      const byOrder = await store.audit.list("t1", { orderRef: "DK-AAAAA" }, 10);
      expect(byOrder.map((entry) => entry.at)).toEqual([at(3), at(1)]);
      const byAction = await store.audit.list("t1", { orderRef: "DK-AAAAA", action: "order.paid" }, 10);
      expect(byAction.map((entry) => entry.at)).toEqual([at(3)]);
      expect(await store.audit.list("t1", {}, 2)).toHaveLength(2);
    });

    it("refuses an entry id twice, so a retried step records once", async () => {
      const entry = makeAudit();
      await store.audit.append(entry);
      await expect(store.audit.append({ ...entry, action: "again" })).rejects.toBeInstanceOf(
        DuplicateKeyError,
      );
      expect(await store.audit.list("t1", {}, 10)).toEqual([entry]);
    });
  });

  describe("media", () => {
    it("round-trips bytes and the mime type", async () => {
      const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02]);
      const id = await store.media.put("t1", bytes, "image/jpeg");
      expect(id).toMatch(/^med_[a-f0-9]{24}$/);
      const stored = await store.media.get(id);
      expect(stored).toEqual({ bytes, mimeType: "image/jpeg" });
      expect(await store.media.get("med_000000000000000000000000")).toBeNull();
    });

    it("refuses anything that is not a media id", async () => {
      for (const id of [
        "../../etc/passwd",
        "med_../../etc/passwd",
        "med_ABCDEF000000000000000000",
        "",
        "med_1",
      ]) {
        const error = await store.media.get(id).catch((caught: unknown) => caught);
        expect(error, id).toBeInstanceOf(DukaError);
        expect(error, id).toMatchObject({ code: "invalid" });
      }
    });
  });

  it.runIf(backend.persistent)("keeps everything across a restart", async () => {
    const order = makeOrder({ paidAt: at(2) });
    await store.orders.create(order);
    const cancelled = makeOrder();
    await store.orders.create(cancelled);
    await store.orders.transition("t1", cancelled._id, "cancelled", { cancelledAt: at(4) });
    await store.conversations.save("t1", chat, makeState(), 0);
    await store.conversations.save("t1", chat, makeState({ seq: 5 }), 1);
    const message = makeOutbox();
    await store.outbox.put(message);
    await store.outbox.recordProgress(message._id, 1);
    const entry = makeAudit();
    await store.audit.append(entry);
    const mediaId = await store.media.put("t1", Buffer.from("receipt"), "application/pdf");
    const instance = makeInstance({ displayName: "M-Pesa" });
    await store.providers.create(instance);
    const checked = await store.providers.setHealth(
      instance._id,
      { status: "healthy", checkedAt: at(6), latencyMs: 80 },
      "unknown",
    );
    const attempted = makePayment({
      instanceId: instance._id,
      providerRef: "ws_CO_1",
      attempts: [{ instanceId: instance._id, plugin: "mpesa", at: at(7), ok: true }],
    });
    await store.payments.create(attempted);

    store = await harness.reopen!();

    const reloaded = await store.orders.findById("t1", order._id);
    expect(reloaded).toEqual(order);
    expect(reloaded!.createdAt).toBeInstanceOf(Date);
    expect(reloaded!.paidAt).toBeInstanceOf(Date);
    const reloadedCancelled: Order | null = await store.orders.findById("t1", cancelled._id);
    expect(reloadedCancelled).toMatchObject({ status: "cancelled", cancelledAt: at(4) });
    expect(await store.conversations.load("t1", chat)).toEqual({ state: makeState({ seq: 5 }), version: 2 });
    expect(await store.outbox.findById(message._id)).toEqual({ ...message, status: "pending", sentCount: 1 });
    expect(await store.audit.list("t1", {}, 10)).toEqual([entry]);
    expect(await store.media.get(mediaId)).toEqual({
      bytes: Buffer.from("receipt"),
      mimeType: "application/pdf",
    });
    // The unique indexes hold for what was replayed, too.
    await expect(store.orders.create(makeOrder({ ref: order.ref }))).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    expect(await store.conversations.save("t1", chat, makeState(), 0)).toBe(false);
    const reloadedInstance = await store.providers.findById(instance._id);
    expect(reloadedInstance).toEqual(checked);
    expect(reloadedInstance!.health.checkedAt).toBeInstanceOf(Date);
    await expect(store.providers.create(makeInstance({ displayName: "M-Pesa" }))).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    const reloadedPayment = await store.payments.findById("t1", attempted._id);
    expect(reloadedPayment).toEqual(attempted);
    expect(reloadedPayment!.attempts![0]!.at).toBeInstanceOf(Date);
  });
}
