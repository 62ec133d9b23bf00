/** A provider in test mode: announced with its test instructions before paying, and on every confirmation. */
import { describe, expect, it } from "vitest";
import { step } from "../../src/conversations/machine.js";
import type { StepContext } from "../../src/conversations/types.js";
import { stripePlugin } from "../../src/payments/stripe/plugin.js";
import {
  allText,
  choice,
  context,
  kes,
  LINK,
  lastReply,
  REF,
  reach,
  result,
  scripts,
  text,
} from "./fixtures.js";

const NOTICE =
  "🧪 *Test mode*: Card (Paystack) is in test mode. No real money moves and the order will not be delivered.";
const INSTRUCTIONS = "To try it: card 4084 0840 8408 4081";

/** The fixtures' shop with its card provider (Paystack) in test mode, as the registry offers it. */
const testContext: StepContext = {
  ...context,
  paymentOptions: context.paymentOptions.map((option) =>
    option.method === "card"
      ? {
          ...option,
          testMode: true,
          testInstructions:
            "card 4084 0840 8408 4081, any future expiry date, CVV 408, PIN 0000, OTP 123456.",
        }
      : option,
  ),
};

const checkout = [text("hi"), choice("p:EGGS12"), choice("q:EGGS12:2"), choice("checkout")];

describe("test mode before paying", () => {
  it("the ways to pay announce the test-mode provider with its test card; live ones say nothing", () => {
    const ways = lastReply(step(reach(checkout.slice(0, -1), testContext), choice("checkout"), testContext));
    expect(ways.text).toContain(`${NOTICE}\n${INSTRUCTIONS}`);
    // Only the test-mode provider is announced.
    expect(ways.text.match(/Test mode/g)).toHaveLength(1);
    const live = lastReply(step(reach(checkout.slice(0, -1)), choice("checkout"), context));
    expect(live.text).not.toContain("Test mode");
  });

  it("the payment link comes with the notice and the test card, the link button kept", () => {
    const paying = reach(scripts.enteringEmail, testContext);
    const placing = step(paying, text("amina@example.com"), testContext).state;
    const outcome = step(
      placing,
      result({
        kind: "order_placed",
        orderRef: REF,
        method: "card",
        total: kes(60),
        instructions: "",
        link: LINK,
      }),
      testContext,
    );
    const reply = lastReply(outcome);
    expect(reply.text.startsWith(`${NOTICE}\n${INSTRUCTIONS}`)).toBe(true);
    expect(reply.text).toContain(`order *${REF}*`);
    expect(reply.link).toEqual(LINK);
  });

  it("a plugin's own test instructions reach the notice as it wrote them", () => {
    const stripeOption = {
      method: "card" as const,
      label: stripePlugin.label,
      testMode: true,
      testInstructions: stripePlugin.testInstructions!,
    };
    const ctx: StepContext = { ...context, paymentOptions: [stripeOption] };
    const ways = lastReply(step(reach(checkout.slice(0, -1), ctx), choice("checkout"), ctx));
    expect(ways.text).toContain("Card (Stripe) is in test mode");
    expect(ways.text).toContain("card 4242 4242 4242 4242, any future expiry date, any CVC.");
  });
});

describe("test mode on confirmation", () => {
  it.each([
    [true, true],
    [false, false],
  ])("a confirmation of a test payment (%s) says no money moved: %s", (testMode, says) => {
    const outcome = step(
      reach(scripts.awaitingLink, testContext),
      result({ kind: "payment_confirmed", orderRef: REF, method: "card", ...(testMode ? { testMode } : {}) }),
      testContext,
    );
    expect(allText(outcome).includes("🧪 Test payment — no money moved.")).toBe(says);
  });
});
