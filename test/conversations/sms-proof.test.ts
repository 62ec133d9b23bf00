import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import type { Step } from "../../src/domain/conversation.js";
import { parseMpesaSms } from "../../src/domain/mpesa-sms.js";
import { SMS } from "../fixtures/mpesa-sms.js";
import { context, REF, result, stateAt, text } from "./fixtures.js";

const reading = parseMpesaSms(SMS.paybill);
if (!reading.ok) throw new Error("the Paybill sample must read");
const sms = reading.sms;

const ORDER_STEPS: Step[] = [
  { name: "awaiting_proof", orderRef: REF },
  { name: "proof_under_review", orderRef: REF },
  { name: "awaiting_payment", orderRef: REF, method: "mobile_money" },
  { name: "awaiting_payment", orderRef: REF, method: "card" },
  { name: "payment_failed", orderRef: REF, method: "mobile_money" },
  { name: "choosing_payment", orderRef: REF, method: "mobile_money" },
  { name: "entering_payer", orderRef: REF, method: "mobile_money", field: "phone" },
];

describe("a pasted M-Pesa SMS", () => {
  it.each(
    ORDER_STEPS.map((current) => [
      `${current.name} (${"method" in current ? current.method : "transfer"})`,
      current,
    ]),
  )("is the order's receipt in %s", (_name, current) => {
    const outcome = step(stateAt(current as Step, { seq: 7 }), text(SMS.paybill), context);
    expect(outcome.actions).toEqual([{ kind: "submit_sms_proof", key: "sms:8", orderRef: REF, sms }]);
    // The step waits for the outcome; nothing is said before it.
    expect(outcome.state.step).toEqual(current);
    expect(outcome.replies).toEqual([]);
  });

  it("is read in Swahili too", () => {
    const outcome = step(stateAt({ name: "awaiting_proof", orderRef: REF }), text(SMS.swahiliSend), context);
    expect(outcome.actions).toMatchObject([
      { kind: "submit_sms_proof", sms: { code: "UM1XDEMO3S", language: "sw" } },
    ]);
  });

  it("goes to review once the receipt is taken", () => {
    const sent = step(
      stateAt({ name: "awaiting_payment", orderRef: REF, method: "mobile_money" }),
      text(SMS.paybill),
      context,
    );
    const taken = step(sent.state, result({ kind: "proof_received", orderRef: REF }), context);
    expect(taken.state.step).toEqual({ name: "proof_under_review", orderRef: REF });
    expect(taken.replies[0]?.text).toContain(`Your receipt for *${REF}* is with the merchant`);
  });

  it("is answered with the reason when refused, and a receipt is still awaited", () => {
    const sent = step(stateAt({ name: "awaiting_proof", orderRef: REF }), text(SMS.paybill), context);
    const refused = step(
      sent.state,
      result({ kind: "proof_refused", orderRef: REF, reason: "Order is cancelled." }),
      context,
    );
    expect(refused.state.step).toEqual({ name: "awaiting_proof", orderRef: REF });
    expect(refused.replies[0]?.text).toContain("Order is cancelled.");
  });

  it("means nothing while shopping: no order to pay", () => {
    for (const current of [{ name: "browsing" }, { name: "choosing_quantity", sku: "EGGS12" }] as Step[]) {
      const outcome = step(stateAt(current), text(SMS.paybill), context);
      expect(outcome.actions).toEqual([]);
      expect(outcome.state.step).toEqual(current);
    }
  });

  it("that does not read as one keeps the step's prompt, and changes nothing", () => {
    const before = stateAt({ name: "awaiting_proof", orderRef: REF });
    const broken = SMS.paybill.replace("Ksh1,250.00", "Ksh");
    const outcome = step(before, text(broken), context);
    const prompt = step(before, text("what now?"), context);
    expect(outcome.actions).toEqual([]);
    expect(outcome.state.step).toEqual(before.step);
    expect(outcome.replies).toEqual(prompt.replies);
    expect(outcome.replies[0]?.text).toContain("Please send a photo (or PDF) of the receipt");
  });
});
