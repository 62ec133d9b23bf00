/**
 * Money is an integer number of minor units plus an ISO 4217 currency code; never a float.
 * Conversions from major units happen once, at the edges (catalog prices, provider amounts).
 */
import { DukaError } from "./errors.js";

export interface Money {
  /** Integer minor units (cents, kobo). */
  readonly amount: number;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
}

export class MoneyError extends DukaError {
  override readonly name = "MoneyError";
  constructor(message: string) {
    super("invalid", message);
  }
}

const exponentCache = new Map<string, number>();
// Intl.NumberFormat accepts any three letters ("KSH"); the list of codes ICU knows does not.
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf("currency"));

/** Number of minor-unit digits of a currency (KES 2, UGX 0), from the ICU data Node ships. */
export function currencyExponent(currency: string): number {
  const cached = exponentCache.get(currency);
  if (cached !== undefined) return cached;
  if (!KNOWN_CURRENCIES.has(currency)) {
    throw new MoneyError(`Unknown currency "${currency}": use an ISO 4217 code such as KES or NGN`);
  }
  const exponent =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  exponentCache.set(currency, exponent);
  return exponent;
}

export function isCurrencyCode(value: string): boolean {
  if (!/^[A-Z]{3}$/.test(value)) return false;
  try {
    currencyExponent(value);
    return true;
  } catch {
    return false;
  }
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new MoneyError(`Money amounts are whole minor units; got ${amount}`);
  }
  currencyExponent(currency);
  return { amount, currency };
}

/** 450.5 KES → 45050. Refuses more decimals than the currency has (450.505 KES). */
export function fromMajor(major: number, currency: string): Money {
  const exponent = currencyExponent(currency);
  if (!Number.isFinite(major)) throw new MoneyError(`${major} is not an amount of money`);
  // The shortest decimal text of the number is what the person wrote; count its decimals there,
  // not in the binary float, which has none that are exact.
  const [digits = "", power = "0"] = String(major).split("e");
  const decimals = (digits.split(".")[1]?.length ?? 0) - Number(power);
  if (decimals > exponent) {
    throw new MoneyError(
      `${major} ${currency} has more decimal places than ${currency} allows (${exponent})`,
    );
  }
  return money(Math.round(major * 10 ** exponent), currency);
}

export function toMajor(value: Money): number {
  return value.amount / 10 ** currencyExponent(value.currency);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError(`Cannot combine ${a.currency} with ${b.currency}`);
  }
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function multiply(value: Money, times: number): Money {
  if (!Number.isSafeInteger(times)) throw new MoneyError(`Quantity must be a whole number; got ${times}`);
  return money(value.amount * times, value.currency);
}

export function sum(values: readonly Money[], currency: string): Money {
  return values.reduce((total, value) => add(total, value), money(0, currency));
}

export function equals(a: Money, b: Money): boolean {
  return a.amount === b.amount && a.currency === b.currency;
}

/** "KES 450.50": the code, not the symbol, so a shopper never confuses KSh with $. */
export function formatMoney(value: Money, locale = "en"): string {
  return `${value.currency} ${numberFormat(locale, currencyExponent(value.currency)).format(toMajor(value))}`;
}

// Building an Intl.NumberFormat costs far more than formatting with one (a catalog page formats
// dozens of prices): one per locale and number of decimals, kept for the process's life.
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, decimals: number): Intl.NumberFormat {
  const key = `${locale}|${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    numberFormats.set(key, format);
  }
  return format;
}
