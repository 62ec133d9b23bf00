/**
 * The webhook intake directly: an event is recorded once under its provider event key and queued
 * once; a redelivery is answered like the first and queues nothing; a request that fails
 * authentication learns nothing and records nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DukaError } from "../../../src/domain/errors.js";
import { deterministicId } from "../../../src/domain/ids.js";
import {
  type PaymentPlugin,
  ProviderError,
  type ProviderErrorCode,
  type WebhookEvent,
  type WebhookRequest,
} from "../../../src/payments/plugin.js";
import { createWebhookIntake, type WebhookIntake } from "../../../src/payments/webhook-intake.js";
import { type Core, HIDDEN, logger, openCore, QUIET, SCRIPTED } from "./harness.js";

let core: Core;
let intake: WebhookIntake;
let enqueued: string[];
let queueDown: boolean;

beforeEach(async () => {
  core = await openCore();
  enqueued = [];
  queueDown = false;
  const enqueueSettle = async (inboxId: string) => {
    if (queueDown) throw new Error("Redis is down");
    enqueued.push(inboxId);
  };
  intake = createWebhookIntake({
    store: core.store,
    registry: core.registry,
    enqueueSettle,
    lookup: () => ({ dueFor: async () => ({ kind: "unknown" }) }),
    logger,
  });
});

afterEach(() => core.close());

const request: WebhookRequest = { rawBody: Buffer.from("{}"), headers: {}, params: {} };

/** An instance of `plugin` whose webhook parses to `event`. */
async function sending(event: WebhookEvent, plugin: PaymentPlugin = SCRIPTED) {
  const { instanceId, script } = await core.instance(plugin);
  script.parseWebhook = async () => event;
  return instanceId;
}

async function refusing(code: ProviderErrorCode, plugin: PaymentPlugin = SCRIPTED) {
  const { instanceId, script } = await core.instance(plugin);
  script.parseWebhook = async () => {
    throw new ProviderError(code, "refused", { retryable: false, shopperMessage: "" });
  };
  return instanceId;
}

function refusal(code: string, message: string) {
  return expect.objectContaining({ name: "DukaError", code, message });
}

describe("recording", () => {
  it("records a paid event under its provider key, with every field it carries, and queues it once", async () => {
    const event: WebhookEvent = {
      eventKey: "evt_1",
      outcome: "succeeded",
      providerRef: "ref_1",
      paymentId: "pay_1",
      amount: { amount: 90100, currency: "KES" },
      receipt: "RCP",
      reason: "ok",
      providerCode: "0",
    };
    const instanceId = await sending(event);
    await intake.receive(SCRIPTED, instanceId, request);
    const id = deterministicId("ibx", "scripted", "evt_1");
    expect(enqueued).toEqual([id]);
    const row = await core.store.inbox.findById(id);
    expect(row).toMatchObject({
      _id: id,
      tenantId: "t1",
      provider: "scripted",
      instanceId,
      eventKey: "evt_1",
      event: {
        outcome: "succeeded",
        providerRef: "ref_1",
        paymentId: "pay_1",
        amount: { amount: 90100, currency: "KES" },
        receipt: "RCP",
        reason: "ok",
        providerCode: "0",
      },
      status: "received",
    });
    expect(row?.receivedAt).toBeInstanceOf(Date);
    expect(row).not.toHaveProperty("note");
  });

  it("records only the fields the event has", async () => {
    const instanceId = await sending({ eventKey: "evt_bare", outcome: "failed" });
    await intake.receive(SCRIPTED, instanceId, request);
    const row = await core.store.inbox.findById(deterministicId("ibx", "scripted", "evt_bare"));
    expect(row?.event).toEqual({ outcome: "failed" });
  });

  it("a duplicate delivery is answered like the first and enqueues no job", async () => {
    const instanceId = await sending({ eventKey: "evt_dup", outcome: "succeeded", providerRef: "ref" });
    await intake.receive(SCRIPTED, instanceId, request);
    await intake.receive(SCRIPTED, instanceId, request);
    await intake.receive(SCRIPTED, instanceId, request);
    expect(enqueued).toEqual([deterministicId("ibx", "scripted", "evt_dup")]);
  });

  it("concurrent deliveries of one event enqueue one job", async () => {
    const instanceId = await sending({ eventKey: "evt_race", outcome: "succeeded", providerRef: "ref" });
    await Promise.all(Array.from({ length: 5 }, () => intake.receive(SCRIPTED, instanceId, request)));
    expect(enqueued).toHaveLength(1);
  });

  it("keeps an event no plugin acts on for the record only, and queues nothing", async () => {
    const instanceId = await sending({ eventKey: "evt_refund", outcome: "not_handled" });
    await intake.receive(SCRIPTED, instanceId, request);
    await intake.receive(SCRIPTED, instanceId, request);
    expect(enqueued).toEqual([]);
    expect(await core.store.inbox.findById(deterministicId("ibx", "scripted", "evt_refund"))).toMatchObject({
      status: "ignored",
      note: "not an event Duka acts on",
    });
  });

  it("still answers when the queue is down: the row waits for the sweeper", async () => {
    const instanceId = await sending({ eventKey: "evt_down", outcome: "succeeded", providerRef: "ref" });
    queueDown = true;
    await expect(intake.receive(SCRIPTED, instanceId, request)).resolves.toBeUndefined();
    expect(await core.store.inbox.findById(deterministicId("ibx", "scripted", "evt_down"))).toMatchObject({
      status: "received",
    });
  });
});

describe("refusals", () => {
  it("answers an unknown instance, another plugin's instance and a plugin without webhooks alike", async () => {
    const notFound = refusal("not_found", "No such webhook");
    await expect(intake.receive(SCRIPTED, "pi_unknown", request)).rejects.toEqual(notFound);
    const hidden = await sending({ eventKey: "e", outcome: "succeeded" }, HIDDEN);
    await expect(intake.receive(SCRIPTED, hidden, request)).rejects.toEqual(notFound);
    const quiet = await sending({ eventKey: "e", outcome: "succeeded" }, QUIET);
    await expect(intake.receive(QUIET, quiet, request)).rejects.toEqual(notFound);
    expect(enqueued).toEqual([]);
  });

  it("answers a bad signature 401, or 404 where the plugin hides its webhook", async () => {
    await expect(intake.receive(SCRIPTED, await refusing("unauthorized"), request)).rejects.toEqual(
      refusal("unauthorized", "The webhook could not be authenticated"),
    );
    await expect(intake.receive(HIDDEN, await refusing("unauthorized", HIDDEN), request)).rejects.toEqual(
      refusal("not_found", "No such webhook"),
    );
  });

  it("refuses an address off the allowlist and a body the provider never sends", async () => {
    await expect(intake.receive(SCRIPTED, await refusing("forbidden"), request)).rejects.toEqual(
      refusal("forbidden", "This address may not send webhooks here"),
    );
    await expect(intake.receive(SCRIPTED, await refusing("malformed"), request)).rejects.toEqual(
      refusal("bad_request", "The webhook body is not what this provider sends"),
    );
    expect(enqueued).toEqual([]);
  });

  it("passes any other error on unchanged, recording nothing", async () => {
    const unavailable = await refusing("unavailable");
    await expect(intake.receive(SCRIPTED, unavailable, request)).rejects.toBeInstanceOf(ProviderError);
    const { instanceId, script } = await core.instance();
    const bug = new TypeError("plugin bug");
    script.parseWebhook = () => Promise.reject(bug);
    await expect(intake.receive(SCRIPTED, instanceId, request)).rejects.toBe(bug);
    expect(enqueued).toEqual([]);
  });

  it.each(["unauthorized", "forbidden", "malformed"])(
    "translates only the provider's own errors: another error with code %s is passed on",
    async (code) => {
      const { instanceId, script } = await core.instance();
      const foreign = Object.assign(new Error("not a ProviderError"), { code });
      script.parseWebhook = () => Promise.reject(foreign);
      await expect(intake.receive(SCRIPTED, instanceId, request)).rejects.toBe(foreign);
    },
  );

  it("the refusals are plain DukaErrors the server maps to statuses", async () => {
    const error = await intake.receive(SCRIPTED, "pi_unknown", request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DukaError);
  });
});
