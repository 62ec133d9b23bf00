/**
 * Money is an integer number of minor units plus an ISO 4217 currency code; never a float.
 * Conversions from major units happen once, at the edges (catalog prices, provider amounts).
 */
export interface Money {
  /** Integer minor units (cents, kobo). */
  readonly amount: number;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
}

export class MoneyError extends Error {
  override readonly name = "MoneyError";
}

const exponentCache = new Map<string, number>();

/** Number of minor-unit digits of a currency (KES 2, UGX 0), from the ICU data Node ships. */
export function currencyExponent(currency: string): number {
  const cached = exponentCache.get(currency);
  if (cached !== undefined) return cached;
  let exponent: number;
  try {
    exponent =
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    throw new MoneyError(`Unknown currency "${currency}": use an ISO 4217 code such as KES or NGN`);
  }
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
  const factor = 10 ** currencyExponent(currency);
  const scaled = major * factor;
  const rounded = Math.round(scaled);
  if (!Number.isFinite(major) || Math.abs(scaled - rounded) > 1e-6) {
    throw new MoneyError(
      `${major} ${currency} has more decimal places than ${currency} allows (${Math.log10(factor)})`,
    );
  }
  return money(rounded, currency);
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
  const exponent = currencyExponent(value.currency);
  const number = new Intl.NumberFormat(locale, {
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(toMajor(value));
  return `${value.currency} ${number}`;
}
