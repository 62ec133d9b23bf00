/**
 * Rail fallback: a failure that trying again will not fix offers the next way to pay the same
 * order first, one tap away (Paybill → a provider's M-Pesa page → transfer), and the tap pays
 * that order without asking for the cart or the number again.
 */
import { describe, expect, it } from "vitest";
import { nextWayToPay } from "../../src/conversations/next-way.js";
import type { StepContext } from "../../src/conversations/types.js";
import type { ResultEvent } from "../../src/domain/conversation.js";
import { flutterwavePlugin } from "../../src/payments/flutterwave/plugin.js";
import { manualPlugin } from "../../src/payments/manual/plugin.js";
import { mpesaPlugin } from "../../src/payments/mpesa/plugin.js";
import { mpesaC2bPlugin } from "../../src/payments/mpesa-c2b/index.js";
import {
  catalog,
  choice,
  choicesOf,
  lastReply,
  optionOf,
  PHONE,
  play,
  REF,
  reach,
  result,
  scripts,
  text,
} from "./fixtures.js";

const mpesa = optionOf(mpesaPlugin);
const paybill = optionOf(mpesaC2bPlugin);
const manual = optionOf(manualPlugin);
const mpesaWithPage = { ...mpesa, page: { label: "M-Pesa (Flutterwave)" } };

const unreachable: ResultEvent = {
  kind: "payment_failed",
  orderRef: REF,
  reason: "We could not reach your phone.",
  method: "mobile_money",
  offerNextWay: true,
};

const contextWith = (paymentOptions: StepContext["paymentOptions"]): StepContext => ({
  catalog,
  paymentOptions,
  customerName: "Amina",
});

describe("nextWayToPay", () => {
  it("prefers a Paybill, then the method through a provider's page, then a transfer", () => {
    expect(nextWayToPay([mpesaWithPage, paybill, manual], "mobile_money", REF)?.button.data).toBe(
      "pay:paybill",
    );
    expect(nextWayToPay([mpesaWithPage, manual], "mobile_money", REF)?.button.data).toBe(
      "paylink:mobile_money",
    );
    expect(nextWayToPay([mpesa, manual], "mobile_money", REF)?.button.data).toBe("pay:manual");
  });

  it("never offers the way that failed, except through another provider's page", () => {
    expect(nextWayToPay([mpesa], "mobile_money", REF)).toBeUndefined();
    expect(nextWayToPay([paybill], "paybill", REF)).toBeUndefined();
    expect(nextWayToPay([paybill, mpesa], "paybill", REF)?.button.data).toBe("pay:mobile_money");
  });

  it("names the order as the Paybill account, so nothing needs typing but the number", () => {
    expect(nextWayToPay([mpesa, paybill], "mobile_money", REF)?.text).toContain(`*${REF}* as the account`);
  });
});

describe("a failure no retry fixes, in the chat", () => {
  const ctx = contextWith([mpesa, paybill, manual]);
  const failedUnreachable = () => {
    const state = reach(scripts.awaitingPush, ctx);
    return play([result(unreachable)], state, ctx);
  };

  it("offers the next way first, above sending the request again", () => {
    const { outcomes } = failedUnreachable();
    const reply = lastReply(outcomes[0]!);
    expect(reply.text).toContain("could not reach your phone");
    expect(reply.text).toContain("through the M-Pesa menu or *334#.");
    expect(choicesOf(reply).map((c) => c.data)).toEqual(["pay:paybill", "retry", "other", "cancel"]);
    expect(choicesOf(reply)[0]?.label).toBe("📱 Pay by M-Pesa Paybill instead");
  });

  it("pays the same order the next way in one tap", () => {
    const { state } = failedUnreachable();
    const { outcomes } = play([choice("pay:paybill")], state, ctx);
    expect(outcomes[0]?.actions).toMatchObject([{ kind: "pay_order", orderRef: REF, method: "paybill" }]);
  });

  it("offers nothing more for a failure the shopper can fix by trying again", () => {
    const state = reach(scripts.awaitingPush, ctx);
    const { offerNextWay: _, ...fixable } = unreachable as Extract<ResultEvent, { kind: "payment_failed" }>;
    const { outcomes } = play([result(fixable)], state, ctx);
    expect(choicesOf(lastReply(outcomes[0]!)).map((c) => c.data)).toEqual(["retry", "other", "cancel"]);
  });

  it("offers the next way after a second timeout too", () => {
    const state = reach(scripts.awaitingPush, ctx);
    const expired: ResultEvent = {
      kind: "payment_expired",
      orderRef: REF,
      method: "mobile_money",
      offerNextWay: true,
    };
    const { outcomes } = play([result(expired)], state, ctx);
    expect(choicesOf(lastReply(outcomes[0]!))[0]?.data).toBe("pay:paybill");
  });
});

describe("the method through a provider's page", () => {
  const ctx = contextWith([mpesaWithPage, manual]);

  it("pays by the page with the number already known, never a prompt from us", () => {
    const state = reach(scripts.awaitingPush, ctx);
    const failed = play([result(unreachable)], state, ctx);
    expect(choicesOf(lastReply(failed.outcomes[0]!))[0]).toEqual({
      label: "📲 Pay with M-Pesa (Flutterwave) instead",
      data: "paylink:mobile_money",
    });
    const { outcomes } = play([choice("paylink:mobile_money")], failed.state, ctx);
    expect(outcomes[0]?.actions).toEqual([
      {
        kind: "pay_order",
        key: expect.any(String),
        orderRef: REF,
        method: "mobile_money",
        payer: { phone: PHONE },
        linkOnly: true,
      },
    ]);
  });

  it("asks for what the page's provider needs (an e-mail address), then pays by the page", () => {
    const emailPage = contextWith([
      { ...mpesa, page: { label: "M-Pesa (Flutterwave)", payer: optionOf(flutterwavePlugin).payer! } },
      manual,
    ]);
    const failed = play([result(unreachable)], reach(scripts.awaitingPush, emailPage), emailPage);
    const asked = play([choice("paylink:mobile_money")], failed.state, emailPage);
    expect(asked.state.step).toEqual({
      name: "entering_payer",
      method: "mobile_money",
      field: "email",
      orderRef: REF,
      linkOnly: true,
    });
    expect(lastReply(asked.outcomes[0]!).text).toContain("e-mail");
    const { outcomes } = play([text("wanjiku@example.com")], asked.state, emailPage);
    expect(outcomes[0]?.actions).toMatchObject([
      {
        kind: "pay_order",
        orderRef: REF,
        method: "mobile_money",
        payer: { phone: PHONE, email: "wanjiku@example.com" },
        linkOnly: true,
      },
    ]);
  });

  it("refuses the page once no provider offers it any more", () => {
    const state = play([result(unreachable)], reach(scripts.awaitingPush, ctx), ctx).state;
    const { outcomes } = play([choice("paylink:mobile_money")], state, contextWith([mpesa, manual]));
    expect(outcomes[0]?.actions).toEqual([]);
    expect(lastReply(outcomes[0]!).text).toContain("not available right now");
  });
});
