import { z } from "zod";
import { currencyExponent, fromMajor, isCurrencyCode } from "../domain/money.js";
import type { Catalog, Product } from "./types.js";

/**
 * The catalog file format (DESIGN §7): prices in major units of the shop currency. Unknown keys
 * are errors, so a misspelt `descripton` is reported instead of silently dropped. Each message
 * completes "<path>: …"; the loader appends the offending value.
 */

export const SKU_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MAX_PRODUCTS = 200;

/**
 * ISO 4217 codes Node's ICU knows. `isCurrencyCode` alone accepts any three capital letters
 * (Intl formats "KSH" without complaint), so the catalog also checks membership.
 */
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

function isKnownCurrency(code: string): boolean {
  return isCurrencyCode(code) && KNOWN_CURRENCIES.has(code);
}

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

const text = (max: number) =>
  z
    .string({ error: "expected text" })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

const shopSchema = z.strictObject(
  {
    name: text(64),
    currency: z
      .string({ error: "expected a currency code" })
      .trim()
      .toUpperCase()
      .refine(isKnownCurrency, "expected an ISO 4217 currency code such as KES, NGN or UGX"),
    locale: z
      .string({ error: "expected a language tag" })
      .trim()
      .refine(isLanguageTag, "expected a language tag such as en, sw or en-KE")
      .default("en"),
  },
  { error: "expected a mapping with name, currency and locale" },
);

const productSchema = z.strictObject(
  {
    sku: z
      .string({ error: 'expected text (quote codes that look like numbers: sku: "0012")' })
      .trim()
      .regex(SKU_PATTERN, "must be 1 to 32 letters, digits, - or _"),
    name: text(80),
    // z.number() already refuses NaN and ±Infinity (YAML's .nan and .inf).
    price: z.number({ error: "expected a positive number" }).positive("expected a positive number"),
    description: z
      .string({ error: "expected text" })
      .trim()
      .max(300, "must be at most 300 characters")
      .optional(),
  },
  { error: "expected a mapping with sku, name, price and optionally description" },
);

type ProductInput = z.output<typeof productSchema>;
type CatalogFileOutput = z.output<typeof catalogFileObject>;

const catalogFileObject = z.strictObject(
  {
    shop: shopSchema,
    paymentInstructions: text(1000).optional(),
    products: z
      .array(productSchema, { error: "expected a list of products" })
      .min(1, "must list at least one product")
      .max(MAX_PRODUCTS, `must list at most ${MAX_PRODUCTS} products`),
  },
  { error: "expected a mapping with shop, paymentInstructions and products" },
);

/** Rules across fields: prices against the currency's decimals, SKUs unique (ignoring case). */
function checkProducts(file: CatalogFileOutput, ctx: z.RefinementCtx): void {
  const currency = file.shop?.currency;
  const exponent =
    typeof currency === "string" && isKnownCurrency(currency) ? currencyExponent(currency) : undefined;
  const seen = new Map<string, number>();
  if (!Array.isArray(file.products)) return;
  file.products.forEach((product: Partial<ProductInput> | undefined, index) => {
    if (
      exponent !== undefined &&
      typeof product?.price === "number" &&
      Number.isFinite(product.price) &&
      product.price > 0
    ) {
      const price = product.price;
      try {
        fromMajor(price, currency);
      } catch {
        const scaled = Math.round(price * 10 ** exponent);
        ctx.addIssue({
          code: "custom",
          path: ["products", index, "price"],
          message: Number.isSafeInteger(scaled)
            ? exponent === 0
              ? `${currency} has no minor unit: expected a whole number`
              : `${currency} allows at most ${exponent} decimal places`
            : "is too large",
        });
      }
    }
    if (typeof product?.sku === "string") {
      const key = product.sku.toUpperCase();
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        ctx.addIssue({
          code: "custom",
          path: ["products", index, "sku"],
          message: `duplicate sku "${product.sku}": products[${first}].sku is the same (SKUs are compared ignoring case)`,
          params: { omitValue: true },
        });
      }
    }
  });
}

/** Catalog data as written in a file; `paymentInstructions` may come from the environment instead. */
export type CatalogFile = z.input<typeof catalogFileObject>;

/** Parses catalog data; the output's prices are Money. `paymentInstructions` is settled by the loader. */
export const catalogFileSchema = catalogFileObject
  .superRefine(checkProducts, { when: () => true })
  .transform((file): Omit<Catalog, "paymentInstructions"> & { paymentInstructions?: string } => ({
    shop: file.shop,
    ...(file.paymentInstructions ? { paymentInstructions: file.paymentInstructions } : {}),
    products: file.products.map(
      (product): Product => ({
        sku: product.sku,
        name: product.name,
        price: fromMajor(product.price, file.shop.currency),
        ...(product.description ? { description: product.description } : {}),
      }),
    ),
  }));
