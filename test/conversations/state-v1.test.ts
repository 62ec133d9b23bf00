/**
 * States stored by v1 (before payment steps named their method), as JSON documents the v1 machine
 * wrote them, read by v2: each keeps its cart, menu and remembered details, and its payment step
 * names the method v1 implied.
 */
import { describe, expect, it } from "vitest";
import { migrateState, step } from "../../src/conversations/machine.js";
import { isConversationState } from "../../src/conversations/state.js";
import { choice, context, EMAIL, lastReply, PHONE, REF, text } from "./fixtures.js";

const CART = '[{"sku":"EGGS12","quantity":2}]';
const CANCEL = '{"label":"❌ Cancel order","data":"cancel"}';
const OTHER = '{"label":"💳 Pay another way","data":"other"}';
const MPESA_RETRY = '{"label":"🔁 Send the request again","data":"retry"}';
const CARD_RETRY = '{"label":"🔁 New link","data":"retry:card"}';

function v1(stepJson: string, menuJson: string, extra = ""): unknown {
  return JSON.parse(`{"v":1,"step":${stepJson},"cart":${CART},"menu":[${menuJson}],"seq":9${extra}}`);
}

describe("v1 documents", () => {
  it.each([
    [
      "awaiting_push, with the number",
      v1(`{"name":"awaiting_push","orderRef":"${REF}"}`, CANCEL, `,"phone":"${PHONE}"`),
      { name: "awaiting_payment", orderRef: REF, method: "mobile_money" },
      { phone: PHONE },
    ],
    [
      "awaiting_link, with the address",
      v1(
        `{"name":"awaiting_link","orderRef":"${REF}"}`,
        [CARD_RETRY, OTHER, CANCEL].join(),
        `,"email":"${EMAIL}"`,
      ),
      { name: "awaiting_payment", orderRef: REF, method: "card" },
      { email: EMAIL },
    ],
    [
      "entering_phone for the cart",
      v1('{"name":"entering_phone"}', '{"label":"⬅️ Back","data":"checkout"}'),
      { name: "entering_payer", method: "mobile_money", field: "phone" },
      undefined,
    ],
    [
      "entering_email for an order, both details",
      v1(
        `{"name":"entering_email","orderRef":"${REF}"}`,
        '{"label":"⬅️ Back","data":"other"}',
        `,"phone":"${PHONE}","email":"${EMAIL}"`,
      ),
      { name: "entering_payer", method: "card", field: "email", orderRef: REF },
      { phone: PHONE, email: EMAIL },
    ],
    [
      "payment_failed after a card failure (its menu's New link)",
      v1(`{"name":"payment_failed","orderRef":"${REF}"}`, [CARD_RETRY, OTHER, CANCEL].join()),
      { name: "payment_failed", orderRef: REF, method: "card" },
      undefined,
    ],
    [
      "payment_failed after an M-Pesa failure (bare retry)",
      v1(`{"name":"payment_failed","orderRef":"${REF}"}`, [MPESA_RETRY, OTHER, CANCEL].join()),
      { name: "payment_failed", orderRef: REF, method: "mobile_money" },
      undefined,
    ],
    [
      "payment_failed of a transfer (no retry)",
      v1(`{"name":"payment_failed","orderRef":"${REF}"}`, [OTHER, CANCEL].join()),
      { name: "payment_failed", orderRef: REF, method: "manual" },
      undefined,
    ],
    [
      "payment_failed whose prompt was replaced (the catalog's menu): M-Pesa, as v1 read it",
      v1(`{"name":"payment_failed","orderRef":"${REF}"}`, '{"label":"🛍 See the catalog","data":"shop"}'),
      { name: "payment_failed", orderRef: REF, method: "mobile_money" },
      undefined,
    ],
    [
      "choosing_payment for an order: mobile money, as v1 meant",
      v1(`{"name":"choosing_payment","orderRef":"${REF}"}`, ""),
      { name: "choosing_payment", orderRef: REF, method: "mobile_money" },
      undefined,
    ],
    [
      "awaiting_proof, unchanged, a bad number dropped",
      v1(`{"name":"awaiting_proof","orderRef":"${REF}"}`, CANCEL, ',"phone":"0711223344"'),
      { name: "awaiting_proof", orderRef: REF },
      undefined,
    ],
  ])("%s", (_what, stored, expectedStep, payer) => {
    const migrated = migrateState(stored);
    expect(isConversationState(migrated)).toBe(true);
    const original = stored as { menu: unknown; cart: unknown };
    expect(migrated).toEqual({
      v: 2,
      step: expectedStep,
      cart: original.cart,
      menu: original.menu,
      seq: 9,
      ...(payer ? { payer } : {}),
    });
  });

  it("a v1 document that was not a valid v1 state starts over", () => {
    expect(migrateState(v1('{"name":"awaiting_push"}', CANCEL))).toEqual({
      v: 2,
      step: { name: "new" },
      cart: [],
      menu: [],
      seq: 0,
    });
  });

  it("an old New link button in a migrated card failure still gets a new link", () => {
    const stored = v1(
      `{"name":"payment_failed","orderRef":"${REF}"}`,
      [CARD_RETRY, OTHER, CANCEL].join(),
      `,"email":"${EMAIL}"`,
    );
    const outcome = step(migrateState(stored), choice("retry:card"), context);
    expect(outcome.actions).toEqual([
      { kind: "pay_order", key: "pay:10", orderRef: REF, method: "card", payer: { email: EMAIL } },
    ]);
  });

  it("a migrated M-Pesa wait answers in M-Pesa's words", () => {
    const stored = v1(`{"name":"awaiting_push","orderRef":"${REF}"}`, CANCEL, `,"phone":"${PHONE}"`);
    const outcome = step(migrateState(stored), text("hello"), context);
    expect(lastReply(outcome).text).toBe(
      `Waiting for your M-Pesa PIN for *${REF}*. Check your phone. If nothing came, wait a minute: I'll offer to send it again.`,
    );
  });
});
