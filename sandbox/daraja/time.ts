/**
 * Daraja's `Timestamp` and the callback's `TransactionDate` are `YYYYMMDDHHmmss` wall-clock times.
 * Which zone is [unconfirmed]; integrations generate them in Kenya time (EAT, UTC+3, no DST), and
 * so does the emulator.
 */
export const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

/** `YYYYMMDDHHmmss` in Kenya time for an epoch-milliseconds instant. */
export function toDarajaTimestamp(epochMs: number): string {
  return new Date(epochMs + EAT_OFFSET_MS).toISOString().replace(/\D/g, "").slice(0, 14);
}

/** The instant a `YYYYMMDDHHmmss` Kenya-time string names, or undefined if it is not a real date-time. */
export function parseDarajaTimestamp(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 30 February over to March: a round trip catches impossible dates and times.
  if (toDarajaTimestamp(utc - EAT_OFFSET_MS) !== value) return undefined;
  return utc - EAT_OFFSET_MS;
}
