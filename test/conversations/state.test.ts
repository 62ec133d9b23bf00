import { describe, expect, it } from "vitest";
import { initialState, migrateState } from "../../src/conversations/machine.js";
import { isConversationState } from "../../src/conversations/state.js";
import { REF, reach, scripts, underReviewScript } from "./fixtures.js";

const valid = {
  v: 2,
  step: { name: "choosing_quantity", sku: "EGGS12" },
  cart: [{ sku: "EGGS12", quantity: 2 }],
  menu: [{ label: "1", data: "q:EGGS12:1" }],
  seq: 12,
} as const;

describe("initialState", () => {
  it("is new, with an empty cart and menu, at seq 0", () => {
    expect(initialState()).toEqual({ v: 2, step: { name: "new" }, cart: [], menu: [], seq: 0 });
  });

  it("returns a fresh object each time", () => {
    expect(initialState()).not.toBe(initialState());
  });
});

describe("migrateState", () => {
  it("returns a valid v2 state as is", () => {
    expect(migrateState(valid)).toBe(valid);
  });

  it("keeps every state the machine itself reaches, also after a JSON round trip", () => {
    const states = [...Object.values(scripts), underReviewScript].map((script) => reach(script));
    for (const state of states) {
      expect(migrateState(state)).toBe(state);
      expect(migrateState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    }
  });

  it.each([
    ["awaiting_proof", { name: "awaiting_proof", orderRef: REF }],
    ["proof_under_review", { name: "proof_under_review", orderRef: REF }],
    ["browsing", { name: "browsing" }],
    ["viewing_cart", { name: "viewing_cart" }],
    ["choosing_payment", { name: "choosing_payment" }],
    ["new", { name: "new" }],
    ["choosing_payment for an order", { name: "choosing_payment", orderRef: REF, method: "mobile_money" }],
    ["entering_phone", { name: "entering_payer", method: "mobile_money", field: "phone" }],
    [
      "entering_phone for an order",
      { name: "entering_payer", method: "mobile_money", field: "phone", orderRef: REF },
    ],
    ["awaiting_push", { name: "awaiting_payment", method: "mobile_money", orderRef: REF }],
    ["payment_failed", { name: "payment_failed", orderRef: REF, method: "manual" }],
    ["entering_email", { name: "entering_payer", method: "card", field: "email" }],
    [
      "entering_email for an order",
      { name: "entering_payer", method: "card", field: "email", orderRef: REF },
    ],
    ["awaiting_link", { name: "awaiting_payment", method: "card", orderRef: REF }],
    [
      "entering_email for an order's page",
      { name: "entering_payer", method: "mobile_money", field: "email", orderRef: REF, linkOnly: true },
    ],
  ])("accepts step %s", (_name, stepValue) => {
    const state = { ...valid, step: stepValue };
    expect(migrateState(state)).toBe(state);
  });

  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error("boom");
      },
    },
  );

  it.each([
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a string", "state"],
    ["an array", [valid]],
    ["an empty object", {}],
    ["version 0", { ...valid, v: 0 }],
    ["version 3", { ...valid, v: 3 }],
    ["version as string", { ...valid, v: "2" }],
    ["an old shape", { stage: "cart", items: { EGGS12: 2 } }],
    ["an unknown step", { ...valid, step: { name: "paying" } }],
    ["a step that is a string", { ...valid, step: "browsing" }],
    ["choosing_quantity without a sku", { ...valid, step: { name: "choosing_quantity" } }],
    ["choosing_quantity with a bad sku", { ...valid, step: { name: "choosing_quantity", sku: "a b" } }],
    ["awaiting_proof without a reference", { ...valid, step: { name: "awaiting_proof" } }],
    [
      "awaiting_push without a reference",
      { ...valid, step: { name: "awaiting_payment", method: "mobile_money" } },
    ],
    [
      "payment_failed with an empty ref",
      { ...valid, step: { name: "payment_failed", orderRef: "", method: "card" } },
    ],
    ["payment_failed without a method", { ...valid, step: { name: "payment_failed", orderRef: REF } }],
    [
      "awaiting_payment with an unknown method",
      { ...valid, step: { name: "awaiting_payment", orderRef: REF, method: "bitcoin" } },
    ],
    [
      "entering_payer with an unknown field",
      { ...valid, step: { name: "entering_payer", method: "card", field: "address" } },
    ],
    [
      "choosing_payment for an order without a method",
      { ...valid, step: { name: "choosing_payment", orderRef: REF } },
    ],
    [
      "choosing_payment for the cart with a method",
      { ...valid, step: { name: "choosing_payment", method: "card" } },
    ],
    ["awaiting_link without a reference", { ...valid, step: { name: "awaiting_payment", method: "card" } }],
    [
      "entering_email with a numeric ref",
      { ...valid, step: { name: "entering_payer", method: "card", field: "email", orderRef: 7 } },
    ],
    [
      "entering_payer for a page with no order",
      { ...valid, step: { name: "entering_payer", method: "mobile_money", field: "email", linkOnly: true } },
    ],
    [
      "entering_payer with linkOnly other than true",
      {
        ...valid,
        step: {
          name: "entering_payer",
          method: "mobile_money",
          field: "email",
          orderRef: REF,
          linkOnly: "yes",
        },
      },
    ],
    [
      "entering_phone with a numeric ref",
      { ...valid, step: { name: "entering_payer", method: "mobile_money", field: "phone", orderRef: 7 } },
    ],
    [
      "choosing_payment with an overlong ref",
      { ...valid, step: { name: "choosing_payment", orderRef: "D".repeat(65), method: "card" } },
    ],
    [
      "proof_under_review with an empty ref",
      { ...valid, step: { name: "proof_under_review", orderRef: "" } },
    ],
    ["cart not an array", { ...valid, cart: { EGGS12: 2 } }],
    ["a cart line with quantity 0", { ...valid, cart: [{ sku: "EGGS12", quantity: 0 }] }],
    ["a cart line with a fractional quantity", { ...valid, cart: [{ sku: "EGGS12", quantity: 1.5 }] }],
    ["a cart line over the limit", { ...valid, cart: [{ sku: "EGGS12", quantity: 100 }] }],
    ["a cart line without sku", { ...valid, cart: [{ quantity: 1 }] }],
    [
      "duplicate cart lines",
      {
        ...valid,
        cart: [
          { sku: "A", quantity: 1 },
          { sku: "A", quantity: 2 },
        ],
      },
    ],
    ["menu missing", { ...valid, menu: undefined }],
    ["a menu item without data", { ...valid, menu: [{ label: "x" }] }],
    ["a negative seq", { ...valid, seq: -1 }],
    ["a fractional seq", { ...valid, seq: 1.5 }],
    ["a string seq", { ...valid, seq: "3" }],
    ["an object whose getters throw", throwing],
  ])("resets %s to the initial state without throwing", (_what, stored) => {
    expect(() => migrateState(stored)).not.toThrow();
    expect(migrateState(stored)).toEqual(initialState());
    expect(isConversationState(stored)).toBe(false);
  });
});

describe("the remembered payer details", () => {
  it("a normalized number and an address as normalizeEmail writes it are kept", () => {
    const state = { ...valid, payer: { phone: "254711223344", email: "Amina.W@example.com" } };
    expect(migrateState(state)).toBe(state);
  });

  it.each([
    ["a local form", "0711223344"],
    ["with a plus", "+254711223344"],
    ["a foreign number", "255711223344"],
    ["an empty string", ""],
    ["a number type", 254711223344],
    ["null", null],
  ])("a number in %s is dropped, the rest of the state kept", (_what, phone) => {
    const stored = { ...valid, payer: { phone } };
    expect(isConversationState(stored)).toBe(false);
    expect(migrateState(stored)).toEqual(valid);
  });

  it.each([
    ["an upper-case domain", "amina@Example.com"],
    ["surrounding spaces", " amina@example.com"],
    ["not an address", "amina"],
    ["an empty string", ""],
    ["a number type", 42],
    ["null", null],
  ])("an address with %s is dropped, the rest of the state kept", (_what, email) => {
    const stored = { ...valid, payer: { email } };
    expect(isConversationState(stored)).toBe(false);
    expect(migrateState(stored)).toEqual(valid);
  });

  it("a bad value is dropped, a good one next to it kept; an unknown field or an empty payer goes", () => {
    const phone = "254711223344";
    expect(migrateState({ ...valid, payer: { phone: "bad", email: "a@b.co" } })).toEqual({
      ...valid,
      payer: { email: "a@b.co" },
    });
    expect(migrateState({ ...valid, payer: { phone, email: "bad" } })).toEqual({
      ...valid,
      payer: { phone },
    });
    expect(migrateState({ ...valid, payer: { phone, iban: "DE00" } })).toEqual({
      ...valid,
      payer: { phone },
    });
    expect(migrateState({ ...valid, payer: {} })).toEqual(valid);
    expect(migrateState({ ...valid, payer: "254711223344" })).toEqual(valid);
  });

  it("a state broken elsewhere still starts over, details or not", () => {
    expect(migrateState({ ...valid, seq: -1, payer: { phone: "bad" } })).toEqual(initialState());
    expect(migrateState({ ...valid, seq: -1, payer: { email: "a@b.co" } })).toEqual(initialState());
  });
});
