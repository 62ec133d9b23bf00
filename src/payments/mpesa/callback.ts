import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { fromMajor, type Money } from "../../domain/money.js";
import { ProviderError, type WebhookEvent, type WebhookRequest } from "../plugin.js";
import { toResultMeaning } from "./result-codes.js";

const itemSchema = z.object({
  Name: z.string(),
  // `{ "Name": "Balance" }` comes with no Value in older real payloads (providers.md §1.4).
  Value: z.union([z.number(), z.string()]).nullish(),
});

/** The STK callback (providers.md §1.4); unknown extra fields are ignored. */
export const stkCallbackSchema = z.object({
  Body: z.object({
    stkCallback: z.object({
      MerchantRequestID: z.string().optional(),
      CheckoutRequestID: z.string().min(1),
      /** A JSON number in the callback (a string only in the Query answer). */
      ResultCode: z.number().int(),
      ResultDesc: z.string().optional(),
      /** Success only. */
      CallbackMetadata: z.object({ Item: z.array(itemSchema) }).optional(),
    }),
  }),
});

export type StkCallback = z.infer<typeof stkCallbackSchema>;

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** Constant-time comparison: hashing first gives equal lengths and hides the expected one's. */
export function isCallbackTokenValid(given: string | undefined, expected: string): boolean {
  return timingSafeEqual(digest(given ?? ""), digest(expected)) && given !== undefined;
}

/**
 * What proves a Daraja callback came from the URL we gave Daraja: the path token (Daraja signs
 * nothing), and the sender's address when an allowlist is set. Throws `unauthorized` / `forbidden`.
 */
export function assertDarajaOrigin(
  request: WebhookRequest,
  callbackToken: string,
  allowedIps?: readonly string[],
): void {
  if (!isCallbackTokenValid(request.params.token, callbackToken)) {
    throw new ProviderError("unauthorized", "The Daraja callback token does not match", {
      retryable: false,
      shopperMessage: "",
    });
  }
  if (allowedIps?.length && !allowedIps.includes(request.sourceIp ?? "")) {
    throw new ProviderError("forbidden", "The Daraja callback came from an address not on the allowlist", {
      retryable: false,
      shopperMessage: "",
    });
  }
}

function malformed(detail: string, cause?: unknown): ProviderError {
  return new ProviderError("malformed", `The Daraja callback is not an STK result: ${detail}`, {
    retryable: false,
    shopperMessage: "",
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Checks the callback path token, then turns the STK callback into a WebhookEvent. Daraja signs
 * nothing, so the token is the only proof of origin; callers must still confirm with the STK Query
 * and compare the amount before giving value (reliability.md §3.1 item 4).
 */
export function parseStkCallback(
  request: WebhookRequest,
  callbackToken: string,
  allowedIps?: readonly string[],
): WebhookEvent {
  assertDarajaOrigin(request, callbackToken, allowedIps);
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString("utf8"));
  } catch (error) {
    throw malformed("the body is not JSON", error);
  }
  const parsed = stkCallbackSchema.safeParse(json);
  if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
  const callback = parsed.data.Body.stkCallback;
  const items = new Map((callback.CallbackMetadata?.Item ?? []).map((item) => [item.Name, item.Value]));
  const meaning = toResultMeaning(callback.ResultCode);
  const amount = toAmount(items.get("Amount"));
  const receipt = items.get("MpesaReceiptNumber");
  return {
    eventKey: `${callback.CheckoutRequestID}:${callback.ResultCode}`,
    providerRef: callback.CheckoutRequestID,
    outcome: meaning.outcome,
    ...(amount === undefined ? {} : { amount }),
    ...(receipt === undefined || receipt === null || receipt === "" ? {} : { receipt: String(receipt) }),
    ...(meaning.reason === undefined ? {} : { reason: meaning.reason }),
    ...(meaning.retryWontHelp ? { retryWontHelp: true } : {}),
    providerCode: String(callback.ResultCode),
  };
}

/** `Amount` in KES (1, 1.00, "1.00") as minor units. */
function toAmount(value: number | string | null | undefined): Money | undefined {
  if (value === undefined || value === null) return undefined;
  const major =
    typeof value === "number" ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(major >= 0)) throw malformed(`Amount ${JSON.stringify(value)} is not an amount of KES`);
  try {
    return fromMajor(major, "KES");
  } catch (error) {
    throw malformed(`Amount ${JSON.stringify(value)} is not an amount of KES`, error);
  }
}
