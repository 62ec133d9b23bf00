import { describe, expect, it } from "vitest";
import {
  isNumberLike,
  keywordOf,
  matchMenu,
  matchProduct,
  normalizeText,
  parseQuantity,
  typedOrderReference,
} from "../../src/conversations/input.js";
import type { Choice } from "../../src/domain/channel.js";
import { catalog } from "./fixtures.js";

const catalogMenu: Choice[] = [
  { label: "Sukuma wiki (bunch) — KES 30.00", data: "p:SUKUMA" },
  { label: "Eggs, tray of 12 — KES 450.50", data: "p:EGGS12" },
  { label: "Milk 1L — KES 65.00", data: "p:MILK-1L" },
  { label: "🛒 View cart (3)", data: "cart" },
];

const cartMenu: Choice[] = [
  { label: "➕ Eggs", data: "inc:EGGS" },
  { label: "➖ Eggs", data: "dec:EGGS" },
  { label: "🗑 Empty cart", data: "clear" },
  { label: "🛍 Keep shopping", data: "shop" },
  { label: "✅ Checkout", data: "checkout" },
];

describe("normalizeText", () => {
  it.each([
    ["  ✅ Checkout ", "checkout"],
    ["🛒View   Cart (3)", "view cart (3)"],
    ["⬅️ Back to catalog", "back to catalog"],
    ["KEEP SHOPPING 🛍", "keep shopping"],
    ["１２", "12"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe("matchMenu: numbers and labels pick from the flattened current menu", () => {
  it.each([
    ["1", catalogMenu, "p:SUKUMA"],
    ["2", catalogMenu, "p:EGGS12"],
    [" 4 ", catalogMenu, "cart"],
    ["3.", catalogMenu, "p:MILK-1L"],
    ["Milk 1L — KES 65.00", catalogMenu, "p:MILK-1L"],
    ["milk 1l", catalogMenu, "p:MILK-1L"],
    ["SUKUMA WIKI (BUNCH)", catalogMenu, "p:SUKUMA"],
    ["sukuma wiki", catalogMenu, "p:SUKUMA"],
    ["🛒 View cart (3)", catalogMenu, "cart"],
    ["view cart", catalogMenu, "cart"],
    ["checkout", cartMenu, "checkout"],
    ["✅checkout", cartMenu, "checkout"],
    ["Keep shopping", cartMenu, "shop"],
    ["5", cartMenu, "checkout"],
  ])("%j picks %s", (typed, menu, data) => {
    const match = matchMenu(typed, menu);
    expect(match.kind).toBe("choice");
    expect(match.kind === "choice" && match.choice.data).toBe(data);
  });

  it.each([
    ["0", 0],
    ["5", 5],
    ["12", 12],
  ])("%j is out of range of a 4-line menu", (typed, number) => {
    expect(matchMenu(typed, catalogMenu)).toEqual({ kind: "out_of_range", number });
  });

  it.each([
    ["eggs", cartMenu, "two labels read 'eggs' once emoji are ignored"],
    ["", catalogMenu, "empty"],
    ["   ", catalogMenu, "blank"],
    ["view", catalogMenu, "a prefix is not a label"],
    ["kes 30.00", catalogMenu, "the price alone is not a label"],
    ["1", [], "an empty menu has no line 1"],
  ])("%j picks nothing (%s)", (typed, menu) => {
    expect(matchMenu(typed, menu).kind).not.toBe("choice");
  });
});

describe("parseQuantity", () => {
  it.each([
    ["1", 1],
    ["3", 3],
    [" 12 ", 12],
    ["99", 99],
    ["007", 7],
    ["x3", 3],
    ["3x", 3],
    ["3 pcs", 3],
    ["+4", 4],
    ["１０", 10],
  ])("%j is %i", (typed, quantity) => {
    expect(parseQuantity(typed)).toEqual({ ok: true, quantity });
  });

  it.each([
    ["0", "zero"],
    ["-0", "zero"],
    ["000", "zero"],
    ["-1", "negative"],
    ["-50", "negative"],
    ["100", "too_many"],
    ["1000000", "too_many"],
    ["99999999999999999999999", "too_many"],
    ["1.5", "fraction"],
    ["2,5", "fraction"],
    ["two", "not_a_number"],
    ["", "not_a_number"],
    ["3 kg", "not_a_number"],
    ["1e3", "not_a_number"],
  ])("%j is refused as %s", (typed, problem) => {
    expect(parseQuantity(typed)).toEqual({ ok: false, problem });
  });

  it("says which text is meant as a number", () => {
    expect(isNumberLike("0")).toBe(true);
    expect(isNumberLike("150")).toBe(true);
    expect(isNumberLike("back")).toBe(false);
  });
});

describe("keywords, references, product names", () => {
  it.each([
    ["help", "help"],
    ["Help!", "help"],
    ["my cart", "cart"],
    ["ORDERS", "orders"],
    ["cancel", "cancel"],
    ["Hi", "greeting"],
    ["habari", "greeting"],
    ["menu", "catalog"],
    ["hello there", undefined],
    ["constructor", undefined],
  ])("keywordOf(%j) is %s", (typed, keyword) => {
    expect(keywordOf(typed)).toBe(keyword);
  });

  it.each([
    ["DK-7F3K2", "DK-7F3K2"],
    ["dk 7f3k2", "DK-7F3K2"],
    ["dk7f3k2", "DK-7F3K2"],
    ["7F3K2", null],
    ["water", null],
    ["DK-00000", null],
    ["my order DK-7F3K2", null],
  ])("typedOrderReference(%j) is %s", (typed, ref) => {
    expect(typedOrderReference(typed)).toBe(ref);
  });

  it.each([
    ["Eggs, tray of 12", "EGGS12"],
    ["eggs12", "EGGS12"],
    ["milk 1l", "MILK-1L"],
    ["eggs", undefined],
    ["", undefined],
  ])("matchProduct(%j) is %s", (typed, sku) => {
    expect(matchProduct(typed, catalog)?.sku).toBe(sku);
  });
});

describe("matchMenu with a close misspelling", () => {
  const menu = [
    { label: "Sukuma wiki (bunch) — KES 30.00", data: "p:SUKUMA" },
    { label: "Hass avocado — KES 25.00", data: "p:AVOCADO" },
    { label: "Red onions (1 kg) — KES 140.00", data: "p:ONION" },
    { label: "Green onions (1 kg) — KES 90.00", data: "p:SPRING" },
  ];

  it.each([
    ["sukuma wikki", "p:SUKUMA"],
    ["sukma wiki", "p:SUKUMA"],
    ["hass avocdo", "p:AVOCADO"],
    ["red onion", "p:ONION"],
  ])("%j picks %s", (typed, data) => {
    expect(matchMenu(typed, menu)).toEqual({
      kind: "choice",
      choice: menu.find((choice) => choice.data === data),
    });
  });

  it.each(["onions", "avo", "xyz", "completely different words"])(
    "%j is too far or too ambiguous to guess",
    (typed) => {
      expect(matchMenu(typed, menu)).toEqual({ kind: "none" });
    },
  );
});
