/**
 * Pure cart math. A cart holds at most one line per SKU, each with a quantity from 1 to
 * MAX_QUANTITY; prices always come from the current catalog, never from the cart.
 */
import type { Catalog, Product } from "../catalog/types.js";
import { type Money, multiply, sum } from "../domain/money.js";
import { isButtonSafeSku, MAX_QUANTITY } from "./tokens.js";
import type { CartLine } from "./types.js";

/** A product the shopper can buy here: in the catalog, with a SKU that fits in a button. */
export function findProduct(catalog: Catalog, sku: string): Product | undefined {
  if (!isButtonSafeSku(sku)) return undefined;
  return catalog.products.find((product) => product.sku === sku);
}

/** Products offered in the catalog prompt, first of each SKU, in catalog order. */
export function sellableProducts(catalog: Catalog): readonly Product[] {
  const seen = new Set<string>();
  return catalog.products.filter((product) => {
    if (!isButtonSafeSku(product.sku) || seen.has(product.sku)) return false;
    seen.add(product.sku);
    return true;
  });
}

export interface PricedLine {
  readonly product: Product;
  readonly quantity: number;
  readonly total: Money;
}

export interface PricedCart {
  /** The cart without the lines whose product is gone. */
  readonly cart: readonly CartLine[];
  readonly lines: readonly PricedLine[];
  readonly total: Money;
  /** How many lines were dropped because their product is no longer sold. */
  readonly dropped: number;
}

export function priceCart(cart: readonly CartLine[], catalog: Catalog): PricedCart {
  const kept: CartLine[] = [];
  const lines: PricedLine[] = [];
  for (const line of cart) {
    const product = findProduct(catalog, line.sku);
    if (!product) continue;
    kept.push(line);
    lines.push({ product, quantity: line.quantity, total: multiply(product.price, line.quantity) });
  }
  return {
    cart: kept,
    lines,
    total: sum(
      lines.map((line) => line.total),
      catalog.shop.currency,
    ),
    dropped: cart.length - kept.length,
  };
}

export function quantityOf(cart: readonly CartLine[], sku: string): number {
  return cart.find((line) => line.sku === sku)?.quantity ?? 0;
}

/** Total number of items (not lines): what "View cart (N)" shows. */
export function itemCount(cart: readonly CartLine[]): number {
  return cart.reduce((count, line) => count + line.quantity, 0);
}

export interface CartChange {
  readonly cart: readonly CartLine[];
  /** The change asked for more than MAX_QUANTITY; the line holds MAX_QUANTITY. */
  readonly capped: boolean;
}

/** Sets a line's quantity: 0 or less removes it, more than MAX_QUANTITY is capped; order is kept. */
export function setQuantity(cart: readonly CartLine[], sku: string, quantity: number): CartChange {
  const capped = quantity > MAX_QUANTITY;
  const next = Math.min(quantity, MAX_QUANTITY);
  const exists = cart.some((line) => line.sku === sku);
  if (next <= 0) return { cart: cart.filter((line) => line.sku !== sku), capped };
  if (!exists) return { cart: [...cart, { sku, quantity: next }], capped };
  return { cart: cart.map((line) => (line.sku === sku ? { sku, quantity: next } : line)), capped };
}

export function addToCart(cart: readonly CartLine[], sku: string, quantity: number): CartChange {
  return setQuantity(cart, sku, quantityOf(cart, sku) + quantity);
}

/** +1 / −1 on a line; −1 at quantity 1 removes the line. */
export function changeQuantity(cart: readonly CartLine[], sku: string, delta: number): CartChange {
  return setQuantity(cart, sku, quantityOf(cart, sku) + delta);
}
