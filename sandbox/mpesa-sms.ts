/**
 * M-Pesa confirmation SMS texts as an emulated shopper pastes them (demo and tests), in the
 * Paybill format Safaricom sends (shared/docs/providers-2.md §4.2). Codes and names are made up.
 */

/** An instant as an M-Pesa SMS dates it, in Kenya time (UTC+3): "5/12/26 at 6:20 AM". */
export function kenyaWhen(at: Date): string {
  const local = new Date(at.getTime() + 3 * 3_600_000);
  const hours = local.getUTCHours();
  const minutes = String(local.getUTCMinutes()).padStart(2, "0");
  const year = String(local.getUTCFullYear() % 100).padStart(2, "0");
  return `${local.getUTCDate()}/${local.getUTCMonth() + 1}/${year} at ${hours % 12 || 12}:${minutes} ${hours < 12 ? "AM" : "PM"}`;
}

/** A Paybill confirmation for a code, an amount in shillings, an account and a Kenya date (default: a fixed one). */
export function paybillSms(options: {
  code: string;
  shillings: number;
  account: string;
  when?: string;
}): string {
  const amount = options.shillings.toLocaleString("en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const when = options.when ?? "3/12/26 at 10:15 AM";
  return `${options.code} Confirmed. Ksh${amount} sent to MAMA MBOGA DEMO SHOP for account ${options.account} on ${when} New M-PESA balance is Ksh3,410.50. Transaction cost, Ksh0.00.`;
}
