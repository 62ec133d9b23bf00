/**
 * An amount in subunits as Paystack takes it: a positive integer, or a string of digits. Returns
 * undefined for anything else (decimals, signs, exponents, unsafe integers).
 */
export function parseSubunits(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  if (typeof value === "string" && /^\d+$/.test(value.trim())) {
    const parsed = Number(value.trim());
    return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : undefined;
  }
  return undefined;
}

export const isAbsent = (value: unknown) => value === undefined || value === null || value === "";

/** "KES 1,500.00" (every currency Paystack settles has 2-decimal subunits). */
export function formatAmount(amount: number, currency: string): string {
  const major = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
    amount / 100,
  );
  return `${currency} ${major}`;
}
