import { describe, expect, it } from "vitest";
import type { MpesaSms } from "../../src/domain/mpesa-sms.js";
import { paidToBusiness, smsProofFlags } from "../../src/domain/sms-proof.js";

const order = {
  _id: "ord_1",
  ref: "DK-4ZTE5",
  total: { amount: 125_000, currency: "KES" },
  createdAt: new Date("2026-12-03T07:15:30Z"),
};
const sms: MpesaSms = {
  code: "UL3XDEMO7Q",
  kind: "paybill",
  amount: { amount: 125_000, currency: "KES" },
  at: new Date("2026-12-03T07:15:00Z"),
  language: "en",
};

describe("smsProofFlags", () => {
  it("flags nothing for the right amount, dated in the order's minute or later, first use", () => {
    expect(smsProofFlags(sms, order, [])).toEqual({ flags: [] });
    expect(smsProofFlags({ ...sms, at: new Date("2026-12-04T00:00:00Z") }, order, [])).toEqual({ flags: [] });
  });

  it("flags a code already pasted for another order, naming the first one", () => {
    const uses = [
      { orderId: "ord_1", orderRef: "DK-11111" },
      { orderId: "ord_7", orderRef: "DK-77777" },
      { orderId: "ord_8", orderRef: "DK-88888" },
    ];
    expect(smsProofFlags(sms, order, uses)).toEqual({
      flags: ["code_reused"],
      reusedFromOrderRef: "DK-77777",
    });
  });

  it("flags a code whose money M-Pesa confirmed for another order, naming it so only an override confirms", () => {
    expect(smsProofFlags(sms, order, [], { kind: "paid_other_order", orderRef: "DK-7F3K2" })).toEqual({
      flags: ["code_paid_other_order"],
      reusedFromOrderRef: "DK-7F3K2",
    });
    // The first order it was pasted for is the one named, when there is one.
    const pasted = [{ orderId: "ord_7", orderRef: "DK-77777" }];
    expect(smsProofFlags(sms, order, pasted, { kind: "paid_other_order", orderRef: "DK-7F3K2" })).toEqual({
      flags: ["code_reused", "code_paid_other_order"],
      reusedFromOrderRef: "DK-77777",
    });
  });

  it("flags a code M-Pesa says never reached the shop", () => {
    expect(smsProofFlags(sms, order, [], { kind: "not_received" })).toEqual({ flags: ["not_received"] });
  });

  it("does not count a paste on the same order again as a reuse", () => {
    expect(smsProofFlags(sms, order, [{ orderId: "ord_1", orderRef: "DK-11111" }])).toEqual({ flags: [] });
  });

  it.each([
    ["a shilling short", { amount: 124_900, currency: "KES" }],
    ["more", { amount: 125_100, currency: "KES" }],
    ["another currency", { amount: 125_000, currency: "UGX" }],
  ])("flags an amount that is not the total: %s", (_name, amount) => {
    expect(smsProofFlags({ ...sms, amount }, order, []).flags).toEqual(["amount_mismatch"]);
  });

  it("flags an SMS dated in a minute that ended before the order was placed", () => {
    const before = { ...sms, at: new Date("2026-12-03T07:14:00Z") };
    expect(smsProofFlags(before, order, []).flags).toEqual(["dated_before_order"]);
  });

  it.each([
    ["DK-7F3K2", ["account_names_other_order"]],
    ["dk 7f3k2", ["account_names_other_order"]],
    ["DK-4ZTE5", []],
    ["dk4zte5", []],
    ["7F3K2", []],
    ["1137000000", []],
  ])("flags a Paybill account that is another order's reference: %s", (account, flags) => {
    expect(smsProofFlags({ ...sms, account }, order, []).flags).toEqual(flags);
  });

  it("flags money received, and gives every flag that applies in a fixed order", () => {
    const everything = {
      ...sms,
      kind: "received" as const,
      amount: { amount: 1, currency: "KES" },
      at: new Date(0),
      account: "DK-22222",
    };
    expect(smsProofFlags(everything, order, [{ orderId: "ord_2", orderRef: "DK-22222" }])).toEqual({
      flags: [
        "code_reused",
        "amount_mismatch",
        "dated_before_order",
        "account_names_other_order",
        "not_a_payment",
      ],
      reusedFromOrderRef: "DK-22222",
    });
  });
});

describe("paidToBusiness", () => {
  it.each([
    ["paybill", true],
    ["till", true],
    ["send_money", false],
    ["received", false],
    ["unknown", false],
  ] as const)("says whether a %s SMS could have reached a Paybill or Till: %s", (kind, expected) => {
    expect(paidToBusiness({ kind })).toBe(expected);
  });
});
