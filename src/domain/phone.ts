/**
 * Kenyan mobile numbers as M-Pesa takes them: 12 digits, `2547` or `2541` then eight more.
 * People type them as 0712 345 678, +254 712 345 678, 254712345678 or 712345678.
 */
const MSISDN = /^254[17]\d{8}$/;

/** The number in M-Pesa's form, or null when it is not a Kenyan mobile number. */
export function normalizeMsisdn(input: string): string | null {
  const digits = input
    .trim()
    .replace(/[\s().-]/g, "")
    .replace(/^\+/, "");
  if (!/^\d+$/.test(digits)) return null;
  let candidate = digits;
  if (/^0[17]\d{8}$/.test(digits)) candidate = `254${digits.slice(1)}`;
  else if (/^[17]\d{8}$/.test(digits)) candidate = `254${digits}`;
  return MSISDN.test(candidate) ? candidate : null;
}

/** `254712345678` → `0712 345 678`, the way Kenyans write it. */
export function formatMsisdn(msisdn: string): string {
  const local = `0${msisdn.slice(3)}`;
  return `${local.slice(0, 4)} ${local.slice(4, 7)} ${local.slice(7)}`;
}

/** `254712345678` → `0712 ••• 678`: enough to recognize, not enough to copy. */
export function maskMsisdn(msisdn: string): string {
  const local = `0${msisdn.slice(3)}`;
  return `${local.slice(0, 4)} ••• ${local.slice(7)}`;
}
