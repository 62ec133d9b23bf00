import { z } from "zod";
import { fromMajor, type Money } from "../../domain/money.js";
import { accountReference } from "../../domain/received-payment.js";
import { ProviderError, type ReceivedMoney, type WebhookEvent, type WebhookRequest } from "../plugin.js";

/** Daraja sends every value as a string; some integrations see numbers: both read as text. */
const text = z.union([z.string(), z.number()]).transform((value) => String(value).trim());

/** The validation and confirmation body (providers-2.md §3.3, §3.4); unknown extra fields are ignored. */
export const c2bPayloadSchema = z.object({
  TransactionType: text.optional(),
  TransID: text.pipe(z.string().regex(/^[A-Z0-9]{6,20}$/i, "TransID must be 6–20 letters and digits")),
  TransTime: text.pipe(z.string().regex(/^\d{14}$/, "TransTime must be yyyyMMddHHmmss")),
  TransAmount: text.pipe(z.string().regex(/^\d+(\.\d{1,2})?$/, "TransAmount must be an amount")),
  BusinessShortCode: text,
  BillRefNumber: text.nullish(),
  InvoiceNumber: text.nullish(),
  OrgAccountBalance: text.nullish(),
  ThirdPartyTransID: text.nullish(),
  MSISDN: text.nullish(),
  FirstName: text.nullish(),
  MiddleName: text.nullish(),
  LastName: text.nullish(),
});

export type C2bPayload = z.output<typeof c2bPayloadSchema>;

/** Kenya time, UTC+3 all year. */
export const EAT_OFFSET_MS = 3 * 60 * 60 * 1000;

function malformed(detail: string, cause?: unknown): ProviderError {
  return new ProviderError("malformed", `The Daraja C2B callback is not a payment: ${detail}`, {
    retryable: false,
    shopperMessage: "",
    ...(cause === undefined ? {} : { cause }),
  });
}

export function parseC2bPayload(request: WebhookRequest): C2bPayload {
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString("utf8"));
  } catch (error) {
    throw malformed("the body is not JSON", error);
  }
  const parsed = c2bPayloadSchema.safeParse(json);
  if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
  return parsed.data;
}

/** `TransAmount` ("1250.00", "5") as KES minor units. */
export function amountOf(payload: C2bPayload): Money {
  return fromMajor(Number(payload.TransAmount), "KES");
}

/** Daraja's `yyyyMMddHHmmss` read as Kenya time; null when it is not a real date. */
export function kenyaTimeOf(text: string): Date | null {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text) ?? [];
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(utc);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23) return null;
  return new Date(utc - EAT_OFFSET_MS);
}

/** `TransTime` read as Kenya time; an impossible date is malformed. */
export function paidAtOf(payload: C2bPayload): Date {
  const paidAt = kenyaTimeOf(payload.TransTime);
  if (!paidAt) throw malformed(`TransTime ${payload.TransTime} is not a date`);
  return paidAt;
}

/** The confirmation as the money it reports (empty fields left out). */
export function toReceivedMoney(payload: C2bPayload): ReceivedMoney {
  const name = [payload.FirstName, payload.MiddleName, payload.LastName].filter(Boolean).join(" ");
  return {
    transId: payload.TransID.toUpperCase(),
    amount: amountOf(payload),
    paidAt: paidAtOf(payload),
    ...(payload.BillRefNumber ? { account: payload.BillRefNumber } : {}),
    ...(payload.MSISDN ? { msisdn: payload.MSISDN } : {}),
    ...(name ? { payerName: name } : {}),
  };
}

/**
 * Money received as the inbox records it. The key is the TransID alone, so a confirmation and the
 * same transaction found by Pull Transactions are one event: whichever comes first counts.
 */
export function receivedEvent(received: ReceivedMoney): WebhookEvent {
  const orderRef = accountReference(received.account);
  return {
    eventKey: `c2b:${received.transId}`,
    outcome: "succeeded",
    // The order the account number names (Paybill), for the record; matching uses `received`.
    ...(orderRef ? { providerRef: orderRef } : {}),
    amount: received.amount,
    receipt: received.transId,
    received,
  };
}
