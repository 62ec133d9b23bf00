import type { Money } from "../domain/money.js";

export interface Shop {
  readonly name: string;
  /** ISO 4217; every price in the catalog is in this currency. */
  readonly currency: string;
  /** BCP 47 tag for number formatting (`en`, `sw`). */
  readonly locale: string;
}

export interface Product {
  /** Short stable code (letters, digits, `-`, `_`; at most 32) used in buttons and orders. */
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
  readonly description?: string;
}

/** The validated catalog: prices already converted to minor units. */
export interface Catalog {
  readonly shop: Shop;
  /** How to pay by bank or mobile-money transfer; shown with the manual method. */
  readonly paymentInstructions: string;
  readonly products: readonly Product[];
}
