import { describe, expect, it } from "vitest";
import {
  CHOICE_DATA_MAX_BYTES,
  type ChoiceIntent,
  isButtonSafeSku,
  parseChoiceData,
  toChoiceData,
  utf8Length,
} from "../../src/conversations/tokens.js";

describe("choice data tokens", () => {
  const longSku = "A".repeat(32);
  const intents: [ChoiceIntent, string][] = [
    [{ kind: "product", sku: "EGGS12" }, "p:EGGS12"],
    [{ kind: "quantity", sku: "EGGS12", quantity: 3 }, "q:EGGS12:3"],
    [{ kind: "quantity", sku: longSku, quantity: 99 }, `q:${longSku}:99`],
    [{ kind: "increase", sku: "MILK-1L" }, "inc:MILK-1L"],
    [{ kind: "decrease", sku: "a_b" }, "dec:a_b"],
    [{ kind: "pay", method: "manual" }, "pay:manual"],
    [{ kind: "pay", method: "mobile_money" }, "pay:mobile_money"],
    [{ kind: "pay", method: "card" }, "pay:card"],
    [{ kind: "receipt", orderRef: "DK-7F3K2" }, "receipt:DK-7F3K2"],
    [{ kind: "shop" }, "shop"],
    [{ kind: "cart" }, "cart"],
    [{ kind: "checkout" }, "checkout"],
    [{ kind: "clear" }, "clear"],
    [{ kind: "cancel" }, "cancel"],
    [{ kind: "use_known" }, "phone:use"],
    [{ kind: "retry" }, "retry"],
    [{ kind: "pay_other" }, "other"],
  ];

  it.each(intents)("%j is written as %s, read back, and fits 64 bytes", (intent, data) => {
    expect(toChoiceData(intent)).toBe(data);
    expect(parseChoiceData(data)).toEqual(intent);
    expect(utf8Length(data)).toBeLessThanOrEqual(CHOICE_DATA_MAX_BYTES);
  });

  it.each([
    ["zzz"],
    [""],
    ["p:"],
    ["p:has space"],
    ["p:ÜBER"],
    [`p:${"A".repeat(33)}`],
    ["q:EGGS12"],
    ["q:EGGS12:0"],
    ["q:EGGS12:100"],
    ["q:EGGS12:-1"],
    ["q:EGGS12:1.5"],
    ["q:EGGS12:01"],
    ["pay:bitcoin"],
    ["pay:"],
    ["receipt:DK-00000"],
    ["receipt:7F3K2"],
    ["SHOP"],
    ["shop "],
    ["constructor"],
    ["__proto__"],
    ["toString"],
    [`p:${"é".repeat(40)}`],
    ["x".repeat(65)],
    ["phone:"],
    ["phone:USE"],
    ["phone:use:1"],
    ["phone:254711223344"],
    ["phone"],
    ["use_phone"],
    ["pay_other"],
    ["Retry"],
    ["retry:1"],
    ["retry:"],
    ["retry:CARD"],
    ["retry:manual"],
    ["retry:mobile_money"],
    ["retry:card:1"],
    ["other "],
  ])("garbage %j is not a token", (data) => {
    expect(parseChoiceData(data)).toBeNull();
  });

  it.each([[undefined], [null], [42], [{}], [["shop"]]])("non-string %j is not a token", (data) => {
    expect(parseChoiceData(data)).toBeNull();
  });

  it("measures UTF-8 bytes, not UTF-16 units", () => {
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("🛒")).toBe(4);
    expect(parseChoiceData(`cancel${"é".repeat(30)}`)).toBeNull();
  });

  it.each([
    ["EGGS12", true],
    ["MILK-1L", true],
    ["a_b", true],
    ["A".repeat(32), true],
    ["A".repeat(33), false],
    ["", false],
    ["with:colon", false],
    ["with space", false],
    [42, false],
  ])("isButtonSafeSku(%j) is %s", (sku, expected) => {
    expect(isButtonSafeSku(sku)).toBe(expected);
  });
});
