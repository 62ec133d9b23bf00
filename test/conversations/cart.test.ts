import { describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/types.js";
import {
  addToCart,
  changeQuantity,
  findProduct,
  itemCount,
  priceCart,
  quantityOf,
  sellableProducts,
  setQuantity,
} from "../../src/conversations/cart.js";
import { catalog, kes } from "./fixtures.js";

describe("cart math", () => {
  it("prices lines from the catalog and sums them in minor units", () => {
    const priced = priceCart(
      [
        { sku: "EGGS12", quantity: 2 },
        { sku: "SUKUMA", quantity: 1 },
      ],
      catalog,
    );
    expect(priced.lines.map((line) => line.total)).toEqual([kes(901), kes(30)]);
    expect(priced.total).toEqual({ amount: 93_100, currency: "KES" });
    expect(priced.dropped).toBe(0);
  });

  it("drops lines whose product left the catalog and counts them", () => {
    const priced = priceCart(
      [
        { sku: "GONE", quantity: 4 },
        { sku: "MILK-1L", quantity: 3 },
      ],
      catalog,
    );
    expect(priced.cart).toEqual([{ sku: "MILK-1L", quantity: 3 }]);
    expect(priced.total).toEqual(kes(195));
    expect(priced.dropped).toBe(1);
  });

  it("prices an empty cart at zero in the shop currency", () => {
    expect(priceCart([], catalog).total).toEqual({ amount: 0, currency: "KES" });
  });

  it.each([
    { cart: [], sku: "EGGS12", add: 2, expected: [{ sku: "EGGS12", quantity: 2 }], capped: false },
    {
      cart: [{ sku: "EGGS12", quantity: 2 }],
      sku: "EGGS12",
      add: 3,
      expected: [{ sku: "EGGS12", quantity: 5 }],
      capped: false,
    },
    {
      cart: [{ sku: "EGGS12", quantity: 98 }],
      sku: "EGGS12",
      add: 5,
      expected: [{ sku: "EGGS12", quantity: 99 }],
      capped: true,
    },
    {
      cart: [{ sku: "SUKUMA", quantity: 1 }],
      sku: "EGGS12",
      add: 1,
      expected: [
        { sku: "SUKUMA", quantity: 1 },
        { sku: "EGGS12", quantity: 1 },
      ],
      capped: false,
    },
  ])("addToCart($sku +$add)", ({ cart, sku, add, expected, capped }) => {
    const change = addToCart(cart, sku, add);
    expect(change.cart).toEqual(expected);
    expect(change.capped).toBe(capped);
  });

  it.each([
    {
      quantity: 2,
      delta: 1,
      expected: [
        { sku: "EGGS12", quantity: 3 },
        { sku: "SUKUMA", quantity: 1 },
      ],
    },
    {
      quantity: 2,
      delta: -1,
      expected: [
        { sku: "EGGS12", quantity: 1 },
        { sku: "SUKUMA", quantity: 1 },
      ],
    },
    { quantity: 1, delta: -1, expected: [{ sku: "SUKUMA", quantity: 1 }] },
    {
      quantity: 99,
      delta: 1,
      expected: [
        { sku: "EGGS12", quantity: 99 },
        { sku: "SUKUMA", quantity: 1 },
      ],
    },
  ])("changeQuantity keeps line order ($quantity $delta)", ({ quantity, delta, expected }) => {
    const cart = [
      { sku: "EGGS12", quantity },
      { sku: "SUKUMA", quantity: 1 },
    ];
    expect(changeQuantity(cart, "EGGS12", delta).cart).toEqual(expected);
  });

  it("setQuantity to zero removes a line and never adds one", () => {
    expect(setQuantity([{ sku: "A", quantity: 3 }], "A", 0).cart).toEqual([]);
    expect(setQuantity([], "A", -2).cart).toEqual([]);
  });

  it("counts items, not lines", () => {
    const cart = [
      { sku: "EGGS12", quantity: 2 },
      { sku: "SUKUMA", quantity: 3 },
    ];
    expect(itemCount(cart)).toBe(5);
    expect(quantityOf(cart, "SUKUMA")).toBe(3);
    expect(quantityOf(cart, "NONE")).toBe(0);
  });

  it("sells only products whose SKU fits a button, first of each SKU", () => {
    const odd: Catalog = {
      ...catalog,
      products: [
        { sku: "OK", name: "Fine", price: kes(1) },
        { sku: "has:colon", name: "Colon", price: kes(1) },
        { sku: "X".repeat(40), name: "Too long", price: kes(1) },
        { sku: "OK", name: "Duplicate", price: kes(2) },
      ],
    };
    expect(sellableProducts(odd).map((product) => product.name)).toEqual(["Fine"]);
    expect(findProduct(odd, "has:colon")).toBeUndefined();
    expect(findProduct(odd, "OK")?.name).toBe("Fine");
  });
});
