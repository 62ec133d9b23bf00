/** The method table words every method; the provider offered for it names itself. */
import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import { withArticle } from "../../src/conversations/methods.js";
import type { StepContext } from "../../src/conversations/types.js";
import type { PaymentOption } from "../../src/domain/payment-option.js";
import { choice, context, kes, lastReply, PHONE, REF, reach, result, scripts, stateAt } from "./fixtures.js";

/** Another mobile-money provider: the dialogue's sentences take its name, its prompt is its own. */
const airtel: PaymentOption = {
  method: "mobile_money",
  label: "Airtel Money",
  receiptLabel: "Airtel Money ID",
  payer: { field: "phone", prompt: "Which Airtel number should we charge?" },
};
const withAirtel: StepContext = {
  ...context,
  paymentOptions: context.paymentOptions.map((option) =>
    option.method === "mobile_money" ? airtel : option,
  ),
};
const withoutMobileMoney: StepContext = {
  ...context,
  paymentOptions: context.paymentOptions.filter((option) => option.method !== "mobile_money"),
};

describe("a provider's words", () => {
  it("another mobile-money provider is named in the push, the failure and the confirmation", () => {
    const waiting = stateAt({ name: "choosing_payment" }, { payer: { phone: PHONE } });
    const placed = step(
      waiting,
      result({
        kind: "order_placed",
        orderRef: REF,
        method: "mobile_money",
        total: kes(60),
        instructions: "",
      }),
      withAirtel,
    );
    expect(lastReply(placed).text).toContain("we sent an Airtel Money request for *KES 60.00*");
    expect(lastReply(placed).text).toContain("Enter your Airtel Money PIN to pay.");
    const failed = step(
      placed.state,
      result({ kind: "payment_failed", orderRef: REF, reason: "", method: "mobile_money" }),
      withAirtel,
    );
    expect(lastReply(failed).text).toBe(
      `❌ The Airtel Money payment for *${REF}* did not go through: it was not completed.`,
    );
    const paid = step(
      failed.state,
      result({ kind: "payment_confirmed", orderRef: REF, receipt: "AM123", method: "mobile_money" }),
      withAirtel,
    );
    expect(lastReply(paid).text).toBe(
      `✅ Payment for *${REF}* confirmed (Airtel Money ID *AM123*). Thank you!`,
    );
  });

  it("its own prompt asks for the number", () => {
    const outcome = step(reach(scripts.payment, withAirtel), choice("pay:mobile_money"), withAirtel);
    expect(lastReply(outcome).text).toBe("Which Airtel number should we charge?");
  });

  it("a method no provider offers any more is named generically, never as a guessed provider", () => {
    const outcome = step(
      stateAt({ name: "awaiting_payment", orderRef: REF, method: "mobile_money" }),
      result({ kind: "payment_expired", orderRef: REF, method: "mobile_money" }),
      withoutMobileMoney,
    );
    expect(lastReply(outcome).text).toBe(
      `⌛ Mobile money did not confirm *${REF}* in time. If you did not pay, send the request again.`,
    );
  });
});

describe("withArticle", () => {
  it.each([
    ["M-Pesa", "an M-Pesa"],
    ["MTN MoMo", "an MTN MoMo"],
    ["Airtel Money", "an Airtel Money"],
    ["Tigo Pesa", "a Tigo Pesa"],
    ["Mpesa", "a Mpesa"],
  ])("%s → %s", (name, expected) => {
    expect(withArticle(name)).toBe(expected);
  });
});
