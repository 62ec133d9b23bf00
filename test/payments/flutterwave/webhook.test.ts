/** The Flutterwave webhook: verif-hash first, then the event verified by id against the emulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SECRET_HASH, type FlutterwaveEmulator } from "../../../sandbox/flutterwave/index.js";
import { money } from "../../../src/domain/money.js";
import { isHashValid } from "../../../src/payments/flutterwave/index.js";
import type { ProviderClient } from "../../../src/payments/plugin.js";
import {
  createTestClient,
  initiatedPayment,
  providerErrorOf,
  startEmulator,
  testConfig,
  withHash,
} from "./harness.js";

let emulator: FlutterwaveEmulator;
let client: ProviderClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = createTestClient(testConfig(emulator.baseUrl));
});
afterAll(() => emulator.close());

const eventBody = (data: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ event: "charge.completed", data, "event.type": "CARD_TRANSACTION" }));

describe("isHashValid", () => {
  it.each([
    ["the secret hash", DEFAULT_SECRET_HASH, true],
    ["another hash", "duka-emulator-secret-hasH", false],
    ["a prefix of it", DEFAULT_SECRET_HASH.slice(0, 8), false],
    ["an empty header", "", false],
    ["no header", undefined, false],
  ])("%s → %s", (_what, header, valid) => {
    expect(isHashValid(header, DEFAULT_SECRET_HASH)).toBe(valid);
  });
});

describe("parseWebhook", () => {
  it.each([
    ["forged", "forged-by-an-attacker"],
    ["missing", undefined],
  ])("refuses a %s verif-hash as unauthorized before reading the body", async (_what, hash) => {
    const error = await providerErrorOf(() => client.parseWebhook(withHash(Buffer.from("{ not json"), hash)));
    expect(error.code).toBe("unauthorized");
    expect(error.message).not.toContain(DEFAULT_SECRET_HASH);
  });

  it("settles on verify's word: a webhook claiming success for a failed transaction is failed", async () => {
    const payment = await initiatedPayment(client);
    const failed = emulator.pay(payment._id, { status: "failed" });
    const event = await client.parseWebhook(
      withHash(eventBody({ ...failed, status: "successful" }), DEFAULT_SECRET_HASH),
    );
    expect(event).toMatchObject({ outcome: "failed", eventKey: `charge.completed:${failed.id}` });
    expect(event.amount).toBeUndefined();
  });

  it("reports the amount Flutterwave took, not the one the event claims", async () => {
    const payment = await initiatedPayment(client);
    const short = emulator.pay(payment._id, { amount: 400 });
    const event = await client.parseWebhook(
      withHash(eventBody({ ...short, amount: 450 }), DEFAULT_SECRET_HASH),
    );
    expect(event).toMatchObject({ outcome: "succeeded", amount: money(40_000, "KES") });
  });

  it("does not let another payment's transaction speak for this tx_ref", async () => {
    const [mine, theirs] = [await initiatedPayment(client), await initiatedPayment(client)];
    const paid = emulator.pay(theirs._id);
    const event = await client.parseWebhook(
      withHash(eventBody({ ...paid, tx_ref: mine._id }), DEFAULT_SECRET_HASH),
    );
    expect(event).toMatchObject({ outcome: "pending", providerCode: "tx_ref_mismatch" });
  });

  it("answers an unknown transaction id as pending", async () => {
    const event = await client.parseWebhook(
      withHash(eventBody({ id: 42, tx_ref: "pay_unknown", status: "successful" }), DEFAULT_SECRET_HASH),
    );
    expect(event.outcome).toBe("pending");
  });

  it("acknowledges other events without acting, the same key for the same bytes", async () => {
    const body = Buffer.from(JSON.stringify({ event: "transfer.completed", data: { id: 7 } }));
    const [first, second] = [
      await client.parseWebhook(withHash(body, DEFAULT_SECRET_HASH)),
      await client.parseWebhook(withHash(body, DEFAULT_SECRET_HASH)),
    ];
    expect(first.outcome).toBe("not_handled");
    expect(second.eventKey).toBe(first.eventKey);
  });

  it("refuses an authentic charge.completed without a transaction id as malformed", async () => {
    const error = await providerErrorOf(() =>
      client.parseWebhook(
        withHash(eventBody({ tx_ref: "pay_x", status: "successful" }), DEFAULT_SECRET_HASH),
      ),
    );
    expect(error.code).toBe("malformed");
  });
});
