import type { DarajaContext } from "../context.js";
import { DarajaApiError, invalidField } from "../errors.js";
import { newRequestId } from "../ids.js";
import { EAT_OFFSET_MS, parseDarajaTimestamp } from "../time.js";
import { callbackUrlField, shortcodeField } from "../validation/fields.js";
import { asObject } from "./stk-push.js";
import type { ApiAnswer, ApiRequest } from "./types.js";

/** Rows per query answer; the next page starts at `OffSetValue` + this [emulator's choice]. */
export const PULL_PAGE_SIZE = 100;
/** Pull Transactions keeps the last 48 hours (providers-2.md §3.6). */
export const PULL_WINDOW_MS = 48 * 60 * 60 * 1000;

/** Production registers a shortcode once [emulator's choice of code and wording]. */
export const PULL_ALREADY_REGISTERED = new DarajaApiError(
  500,
  "500.003.1001",
  "Shortcode already registered for Pull Transactions",
);
/** A query for a shortcode that never registered [emulator's choice of code and wording]. */
export const PULL_NOT_REGISTERED = new DarajaApiError(
  400,
  "400.003.01",
  "Shortcode is not registered for Pull Transactions",
);

/**
 * `POST /pulltransactions/v1/register` (providers-2.md §3.6): `ShortCode` configured,
 * `RequestType` exactly "Pull", `NominatedNumber` a Safaricom number, `CallBackURL` as for C2B.
 */
export function registerPull(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  const body = asObject(request.body);
  const shortcode = shortcodeField(body, "ShortCode");
  if (!ctx.shortcode(shortcode)) throw invalidField("ShortCode");
  if (body.RequestType !== "Pull") throw invalidField("RequestType");
  const nominated = String(body.NominatedNumber ?? "");
  if (!/^(254|0)(7|1)\d{8}$/.test(nominated)) throw invalidField("NominatedNumber");
  const callbackUrl = callbackUrlField(body, "CallBackURL");
  if (ctx.options.c2bRegisterOnce && ctx.c2b.pullRegistrations.has(shortcode)) throw PULL_ALREADY_REGISTERED;
  ctx.c2b.pullRegistrations.set(shortcode, { shortcode, nominatedNumber: nominated, callbackUrl });
  return {
    status: 200,
    body: {
      ResponseRefID: newRequestId(),
      ResponseStatus: "1000",
      ShortCode: shortcode,
      ResponseDescription: "Shortcode Registered Successfully",
    },
  };
}

/** "2026-12-03 10:00:00" read as Kenya time; undefined when it is not a real date-time. */
export function kenyaDateTime(value: unknown): number | undefined {
  const text = String(value ?? "");
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return undefined;
  return parseDarajaTimestamp(text.replace(/\D/g, ""));
}

/** An instant as Daraja's `trxDate`: ISO 8601 with the Kenya offset [unconfirmed shape]. */
function trxDate(epochMs: number): string {
  return `${new Date(epochMs + EAT_OFFSET_MS).toISOString().slice(0, 19)}+03:00`;
}

/**
 * `POST /pulltransactions/v1/query`: the shortcode's completed C2B payments (confirmed or not)
 * between `StartDate` and `EndDate` (Kenya time, both inclusive, at most 48 hours back), oldest
 * first, `PULL_PAGE_SIZE` rows from `OffSetValue` on.
 */
export function queryPull(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  const body = asObject(request.body);
  const shortcode = shortcodeField(body, "ShortCode");
  if (!ctx.shortcode(shortcode)) throw invalidField("ShortCode");
  if (!ctx.c2b.pullRegistrations.has(shortcode)) throw PULL_NOT_REGISTERED;
  const start = kenyaDateTime(body.StartDate);
  if (start === undefined) throw invalidField("StartDate");
  const end = kenyaDateTime(body.EndDate);
  if (end === undefined || end < start) throw invalidField("EndDate");
  const offset = String(body.OffSetValue ?? "");
  if (!/^\d+$/.test(offset)) throw invalidField("OffSetValue");
  const from = Math.max(start, ctx.now() - PULL_WINDOW_MS);
  const rows = ctx.c2b
    .list()
    .filter((payment) => payment.shortcode === shortcode && payment.status === "completed")
    .map((payment) => ({ payment, at: Math.floor(Date.parse(payment.transTime) / 1000) * 1000 }))
    .filter(({ at }) => at >= from && at <= end)
    .slice(Number(offset), Number(offset) + PULL_PAGE_SIZE)
    .map(({ payment, at }) => ({
      transactionId: payment.transId,
      trxDate: trxDate(at),
      msisdn: Number(payment.msisdn),
      sender: "UNKNOWN",
      transactiontype: payment.kind === "till" ? "c2b-buy-goods-debit" : "c2b-pay-bill-debit",
      billreference: payment.account ?? "",
      amount: payment.amount.toFixed(2),
      organizationname: "Duka Shop",
    }));
  return {
    status: 200,
    body: {
      ResponseRefID: newRequestId(),
      ResponseCode: "1000",
      ResponseMessage: "Success",
      Response: [rows],
    },
  };
}
