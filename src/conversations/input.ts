/**
 * Reading typed text: a number or a label from the current menu (how WhatsApp users answer a
 * numbered list), a quantity, a product name, a keyword for a command, an order reference.
 */
import { distance } from "fastest-levenshtein";
import type { Catalog, Product } from "../catalog/types.js";
import { parseOrderReference } from "../domain/reference.js";
import { sellableProducts } from "./cart.js";
import { MAX_QUANTITY } from "./tokens.js";
import type { Choice } from "./types.js";

const EMOJI =
  /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}/gu;

/** Case-, space- and emoji-insensitive form used for every comparison with typed text. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").replace(EMOJI, " ").replace(/\s+/g, " ").trim().toLowerCase();
}

/** Shorter forms of a label a person may type: without the price, without "(3)". */
function labelAliases(label: string): string[] {
  const full = normalizeText(label);
  const withoutPrice = full.split(" — ")[0]?.trim() ?? full;
  const withoutCount = (text: string) => text.replace(/\s*\([^()]*\)$/, "").trim();
  return [withoutPrice, withoutCount(withoutPrice), withoutCount(full)].filter(
    (alias) => alias.length > 0 && alias !== full,
  );
}

function unique(choices: readonly Choice[]): Choice | undefined {
  const data = new Set(choices.map((choice) => choice.data));
  return data.size === 1 ? choices[0] : undefined;
}

export type MenuMatch =
  | { readonly kind: "choice"; readonly choice: Choice }
  /** A number, but the menu has no such line. */
  | { readonly kind: "out_of_range"; readonly number: number }
  | { readonly kind: "none" };

/**
 * "2" or "2." picks the second choice of the flattened menu; otherwise the text must equal one
 * label (or one label's short form) exactly, ignoring case and emoji. Ambiguity picks nothing.
 */
export function matchMenu(text: string, menu: readonly Choice[]): MenuMatch {
  const typed = normalizeText(text);
  if (typed.length === 0) return { kind: "none" };
  const numbered = /^(\d{1,4})[.)]?$/.exec(typed);
  if (numbered) {
    const number = Number(numbered[1]);
    const choice = menu[number - 1];
    return choice && number >= 1 ? { kind: "choice", choice } : { kind: "out_of_range", number };
  }
  const exact = unique(menu.filter((choice) => normalizeText(choice.label) === typed));
  if (exact) return { kind: "choice", choice: exact };
  const short = unique(menu.filter((choice) => labelAliases(choice.label).includes(typed)));
  if (short) return { kind: "choice", choice: short };
  const close = closestLabel(typed, menu);
  return close ? { kind: "choice", choice: close } : { kind: "none" };
}

/** How many typing mistakes a word of this length may carry and still be recognized. */
function tolerance(length: number): number {
  if (length >= 8) return 2;
  return length >= 4 ? 1 : 0;
}

/**
 * A close misspelling of one label ("sukuma wikki", "avocdo"): the single choice whose label or
 * alias is nearest within the tolerance. Two equally near choices match neither: a wrong guess is
 * worse than asking again.
 */
function closestLabel(typed: string, menu: readonly Choice[]): Choice | undefined {
  const allowed = tolerance(typed.length);
  if (allowed === 0) return undefined;
  let best: Choice | undefined;
  let bestDistance = allowed + 1;
  let tie = false;
  for (const choice of menu) {
    const candidates = [normalizeText(choice.label), ...labelAliases(choice.label)];
    const nearest = Math.min(...candidates.map((candidate) => distance(typed, candidate)));
    if (nearest < bestDistance) {
      best = choice;
      bestDistance = nearest;
      tie = false;
    } else if (nearest === bestDistance && best !== choice) {
      tie = true;
    }
  }
  return best && !tie && bestDistance <= allowed ? best : undefined;
}

export type QuantityProblem = "zero" | "negative" | "too_many" | "fraction" | "not_a_number";

export type QuantityAnswer =
  | { readonly ok: true; readonly quantity: number }
  | { readonly ok: false; readonly problem: QuantityProblem };

/** A typed quantity: a whole number from 1 to MAX_QUANTITY ("3", "x3", "3 pcs" too). */
export function parseQuantity(text: string): QuantityAnswer {
  const typed = normalizeText(text)
    .replace(/\s*(pcs|pieces|piece|pc)$/, "")
    .replace(/^[x×*]\s*|\s*[x×*]$/g, "");
  if (/^[+-]?\d+$/.test(typed)) {
    const quantity = Number(typed);
    if (quantity === 0) return { ok: false, problem: "zero" };
    if (quantity < 0) return { ok: false, problem: "negative" };
    if (quantity > MAX_QUANTITY) return { ok: false, problem: "too_many" };
    return { ok: true, quantity };
  }
  if (/^[+-]?\d*[.,]\d+$/.test(typed)) return { ok: false, problem: "fraction" };
  return { ok: false, problem: "not_a_number" };
}

/** Whether the text is meant as a number at all (so a quantity prompt treats it as one). */
export function isNumberLike(text: string): boolean {
  const answer = parseQuantity(text);
  return answer.ok || answer.problem !== "not_a_number";
}

/** A sellable product whose name or SKU is exactly the text (case- and emoji-insensitive). */
export function matchProduct(text: string, catalog: Catalog): Product | undefined {
  const typed = normalizeText(text);
  if (typed.length === 0) return undefined;
  const found = sellableProducts(catalog).filter(
    (product) => normalizeText(product.name) === typed || product.sku.toLowerCase() === typed,
  );
  return found.length === 1 ? found[0] : undefined;
}

export type Keyword = "help" | "cart" | "orders" | "cancel" | "greeting" | "catalog";

const KEYWORDS: Readonly<Record<string, Keyword>> = {
  help: "help",
  msaada: "help",
  cart: "cart",
  "my cart": "cart",
  basket: "cart",
  orders: "orders",
  "my orders": "orders",
  cancel: "cancel",
  hi: "greeting",
  hello: "greeting",
  hey: "greeting",
  habari: "greeting",
  jambo: "greeting",
  mambo: "greeting",
  sasa: "greeting",
  start: "greeting",
  menu: "catalog",
  catalog: "catalog",
  catalogue: "catalog",
  shop: "catalog",
  products: "catalog",
};

/** A word people type instead of a command ("help", "cart", "hi", "menu"). */
export function keywordOf(text: string): Keyword | undefined {
  const typed = normalizeText(text).replace(/[!.?]+$/, "");
  return Object.hasOwn(KEYWORDS, typed) ? KEYWORDS[typed] : undefined;
}

/**
 * An order reference typed on its own ("DK-7F3K2", "dk 7f3k2"). The bare five-character form
 * is not accepted here: too many ordinary words ("water") would read as one.
 */
export function typedOrderReference(text: string): string | null {
  const typed = text.trim();
  return /^dk[\s_-]?[a-z0-9]{5}$/i.test(typed) ? parseOrderReference(typed) : null;
}
