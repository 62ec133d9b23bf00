/**
 * Stripe's minor units (providers-2 §1.4), which are not always ours: Duka's Money takes a currency's
 * digits from ICU (src/domain/money.ts), Stripe from its own table. One conversion each way, here.
 */
import { currencyExponent, formatMoney, type Money } from "../../domain/money.js";
import { ProviderError } from "../plugin.js";

/** Charged in whole units: `amount=500` is JPY 500 (docs.stripe.com/currencies). */
const ZERO_DECIMAL = new Set("BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split(" "));
/** Three decimals, the last one 0 (docs.stripe.com/currencies). */
const THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);
/** Stripe's cap: eight digits of minor units. */
export const MAX_STRIPE_AMOUNT = 99_999_999;

/**
 * The smallest charge per presentment currency, in Stripe minor units. Stripe's floor is set in the
 * settlement currency (USD 0.50), so KES and NGN are derived at an exchange rate and rounded up
 * [unconfirmed]: a shopper below them is told before any session exists; above them Stripe decides.
 */
export const MINIMUM_CHARGE: Readonly<Record<string, number>> = {
  USD: 50,
  EUR: 50,
  GBP: 30,
  CAD: 50,
  AUD: 50,
  JPY: 50,
  KES: 6500,
  NGN: 75000,
};

export function stripeExponent(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

function invalid(message: string, shopperMessage: string): ProviderError {
  return new ProviderError("invalid_amount", message, { retryable: false, shopperMessage });
}

/** Our Money in Stripe's minor units; refuses what Stripe would refuse, in words a shopper reads. */
export function toStripeAmount(value: Money): { readonly amount: number; readonly currency: string } {
  const shift = stripeExponent(value.currency) - currencyExponent(value.currency);
  const amount = shift >= 0 ? value.amount * 10 ** shift : value.amount / 10 ** -shift;
  const lastDigitOk = stripeExponent(value.currency) !== 3 || amount % 10 === 0;
  if (!Number.isSafeInteger(amount) || amount <= 0 || !lastDigitOk || amount > MAX_STRIPE_AMOUNT) {
    throw invalid(
      `Stripe cannot take ${value.amount} minor units of ${value.currency}`,
      `Card payments cannot take ${formatMoney(value)}. Please choose another way to pay.`,
    );
  }
  return { amount, currency: value.currency.toLowerCase() };
}

/** A charge in Stripe's units, refused below the currency's minimum before any session exists. */
export function toChargeAmount(value: Money): { readonly amount: number; readonly currency: string } {
  const charge = toStripeAmount(value);
  const minimum = MINIMUM_CHARGE[value.currency];
  if (minimum !== undefined && charge.amount < minimum) {
    const shift = stripeExponent(value.currency) - currencyExponent(value.currency);
    const least = { amount: minimum / 10 ** shift, currency: value.currency };
    throw invalid(
      `Stripe's minimum charge in ${value.currency} is ${minimum} minor units; this payment is ${charge.amount}`,
      `Card payments start at ${formatMoney(least)}. Please add to your order or choose another way to pay.`,
    );
  }
  return charge;
}

/** Stripe's minor units as our Money, or undefined when they do not convert exactly. */
export function fromStripeAmount(amount: number, currency: string): Money | undefined {
  const code = currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !Number.isSafeInteger(amount)) return undefined;
  let exponent: number;
  try {
    exponent = currencyExponent(code);
  } catch {
    return undefined;
  }
  const shift = stripeExponent(code) - exponent;
  const ours = shift >= 0 ? amount / 10 ** shift : amount * 10 ** -shift;
  return Number.isSafeInteger(ours) ? { amount: ours, currency: code } : undefined;
}
