/**
 * Daraja Pull Transactions (providers-2.md §3.6): the reconcile path for confirmations that never
 * arrived. A shortcode registers once (live shortcodes only) with a nominated Safaricom number;
 * then the last 48 hours of its C2B payments can be queried by Kenya-time window, page by page.
 * Each row becomes the same inbox event as its confirmation (`receivedEvent`).
 */
import { z } from "zod";
import { fromMajor } from "../../domain/money.js";
import type { DarajaClient } from "../mpesa/client.js";
import { UNAVAILABLE } from "../mpesa/errors.js";
import { ProviderError, type ReceivedMoney, type WebhookEvent } from "../plugin.js";
import { EAT_OFFSET_MS, kenyaTimeOf, receivedEvent } from "./callbacks.js";
import type { C2bConfig } from "./config.js";

export const PULL_REGISTER_PATH = "/pulltransactions/v1/register";
export const PULL_QUERY_PATH = "/pulltransactions/v1/query";
/** How far back Daraja keeps transactions for the query. */
export const PULL_WINDOW_MS = 48 * 60 * 60 * 1000;
/** A query answering page after page without end is cut here (100 pages: 10,000 rows at 100 a page). */
const MAX_PAGES = 100;

/** Production registers once: a repeat is refused, and the registration stays as it was. */
const ALREADY_REGISTERED = /already registered/i;

const text = z.union([z.string(), z.number()]).transform((value) => String(value).trim());

/** One row of the query's answer; unknown extra fields are ignored. */
const rowSchema = z.object({
  transactionId: text.pipe(
    z.string().regex(/^[A-Z0-9]{6,20}$/i, "transactionId must be 6–20 letters and digits"),
  ),
  trxDate: text,
  msisdn: text.nullish(),
  billreference: text.nullish(),
  amount: text.pipe(z.string().regex(/^\d+(\.\d{1,2})?$/, "amount must be an amount")),
});

/** The answer: the rows may come in one nested list (`[[…]]`) or flat; none is an empty page. */
const answerSchema = z.object({ Response: z.array(z.unknown()).nullish() });

/** "2026-12-03 10:00:00": the instant as Kenya wall-clock time, as the query takes it. */
export function kenyaDateTimeText(at: Date): string {
  return new Date(at.getTime() + EAT_OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

function malformed(detail: string): ProviderError {
  return new ProviderError(
    "malformed",
    `Daraja's Pull Transactions answer is not a list of payments: ${detail}`,
    {
      retryable: false,
      shopperMessage: "",
    },
  );
}

/** `trxDate` with a zone as written; without one, as Kenya wall-clock time. */
function paidAtOf(trxDate: string): Date {
  const zoneless = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(trxDate);
  const paidAt = zoneless ? kenyaTimeOf(trxDate.replace(/\D/g, "").slice(0, 14)) : new Date(trxDate);
  if (!paidAt || Number.isNaN(paidAt.getTime())) throw malformed(`trxDate ${trxDate} is not a date`);
  return paidAt;
}

/** A row as the money its confirmation would report (Daraja gives no payer name here). */
export function rowToReceivedMoney(row: unknown): ReceivedMoney {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
  const { transactionId, trxDate, msisdn, billreference, amount } = parsed.data;
  return {
    transId: transactionId.toUpperCase(),
    amount: fromMajor(Number(amount), "KES"),
    paidAt: paidAtOf(trxDate),
    ...(billreference ? { account: billreference } : {}),
    ...(msisdn ? { msisdn } : {}),
  };
}

function refused(
  what: string,
  config: C2bConfig,
  failure: { status: number; error?: { errorCode: string; errorMessage: string } },
) {
  const { status, error } = failure;
  return new ProviderError(
    "unavailable",
    `Daraja refused the ${what} for ${config.shortcode}: HTTP ${status} ${error?.errorCode ?? ""} ${error?.errorMessage ?? ""}`.trim(),
    {
      retryable: status >= 500,
      shopperMessage: UNAVAILABLE,
      ...(error ? { providerCode: error.errorCode } : {}),
    },
  );
}

/** Registers the shortcode for Pull Transactions; "already registered" is reported, not an error. */
export async function registerPull(
  client: DarajaClient,
  config: C2bConfig & { pullNominatedNumber: string },
  callbackUrl: string,
): Promise<{ message: string }> {
  const answer = await client.post(
    PULL_REGISTER_PATH,
    {
      ShortCode: config.shortcode,
      RequestType: "Pull",
      NominatedNumber: config.pullNominatedNumber,
      CallBackURL: callbackUrl,
    },
    "Pull Transactions registration",
  );
  if (answer.ok) return { message: `Daraja registered ${config.shortcode} for Pull Transactions` };
  if (answer.failure.error && ALREADY_REGISTERED.test(answer.failure.error.errorMessage)) {
    return { message: `${config.shortcode} was already registered for Pull Transactions` };
  }
  throw refused("Pull Transactions registration", config, answer.failure);
}

/**
 * Every payment the shortcode received between `since` and `until` (cut to Daraja's 48 hours),
 * as inbox events, page after page until an empty one (Daraja's page size is not documented).
 */
export async function pullReceived(
  client: DarajaClient,
  config: C2bConfig,
  since: Date,
  until: Date,
  now = new Date(),
): Promise<WebhookEvent[]> {
  const start = new Date(Math.max(since.getTime(), now.getTime() - PULL_WINDOW_MS));
  const events = new Map<string, WebhookEvent>();
  let offset = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.post(
      PULL_QUERY_PATH,
      {
        ShortCode: config.shortcode,
        StartDate: kenyaDateTimeText(start),
        EndDate: kenyaDateTimeText(until),
        OffSetValue: String(offset),
      },
      "Pull Transactions query",
    );
    if (!answer.ok) throw refused("Pull Transactions query", config, answer.failure);
    const parsed = answerSchema.safeParse(answer.json ?? {});
    if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
    const rows = (parsed.data.Response ?? []).flat();
    const fresh = rows.map(rowToReceivedMoney).filter((received) => !events.has(received.transId));
    // An empty page ends the list; so does one repeating what came before (an offset ignored).
    if (fresh.length === 0) break;
    for (const received of fresh) events.set(received.transId, receivedEvent(received));
    offset += rows.length;
  }
  return [...events.values()];
}
