import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ProviderError, type WebhookEvent, type WebhookRequest } from "../plugin.js";
import { parsePaystackJson, toIdString } from "./json.js";

export const SIGNATURE_HEADER = "x-paystack-signature";

/** Hex HMAC-SHA512 of the exact bytes, keyed with the secret key: what Paystack sends (providers.md §2.3). */
export function paystackSignatureOf(rawBody: Uint8Array, secretKey: string): string {
  return createHmac("sha512", secretKey).update(rawBody).digest("hex");
}

/**
 * Whether `header` is the signature of exactly these bytes. Lowercase hex only, as Paystack sends
 * it; compared in constant time once the lengths are known to be equal (timingSafeEqual throws
 * otherwise). The length of a SHA-512 hex digest is public, so checking it first leaks nothing.
 */
export function isSignatureValid(
  rawBody: Uint8Array,
  header: string | undefined,
  secretKey: string,
): boolean {
  if (header === undefined || header === "") return false;
  const given = Buffer.from(header, "utf8");
  const expected = Buffer.from(paystackSignatureOf(rawBody, secretKey), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The keys a webhook may be signed with: the current one, and the previous one until its window ends. */
export interface PaystackSigningKeys {
  readonly secretKey: string;
  readonly previousSecretKey?: string;
  /** ISO 8601; the previous key is refused from this instant on. */
  readonly previousSecretKeyUntil?: string;
}

/** Whether the signature matches a key accepted at `now`. */
function isSignedByAcceptedKey(
  rawBody: Uint8Array,
  header: string | undefined,
  keys: PaystackSigningKeys,
  now: number,
): boolean {
  if (isSignatureValid(rawBody, header, keys.secretKey)) return true;
  const { previousSecretKey, previousSecretKeyUntil } = keys;
  if (previousSecretKey === undefined || previousSecretKeyUntil === undefined) return false;
  return now < Date.parse(previousSecretKeyUntil) && isSignatureValid(rawBody, header, previousSecretKey);
}

/** A header by name, whatever its case (Node lowercases them; other callers might not). */
function headerOf(headers: WebhookRequest["headers"], name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** `::ffff:52.31.139.75` (IPv4 on a dual-stack socket) → `52.31.139.75`; IPv6 lowercased. */
export function normalizeIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  return mapped?.[1] ?? trimmed;
}

function isAllowed(sourceIp: string | undefined, allowedIps: readonly string[]): boolean {
  if (sourceIp === undefined || sourceIp === "") return false;
  const ip = normalizeIp(sourceIp);
  return allowedIps.some((allowed) => normalizeIp(allowed) === ip);
}

function malformed(detail: string, cause?: unknown): ProviderError {
  return new ProviderError("malformed", `The Paystack webhook is not an event: ${detail}`, {
    retryable: false,
    shopperMessage: "",
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Ids arrive as numbers, or (above 2^53, see json.ts) as digit strings. */
const idSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "must be digits")]);

const amountSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, "must be an integer of subunits")
    .transform((digits) => Number(digits))
    .pipe(z.number().int()),
]);

/** `data` of `charge.success`: the verify shape (providers.md §2.3); other fields are ignored. */
export const chargeSuccessSchema = z.object({
  event: z.literal("charge.success"),
  data: z.object({
    id: idSchema,
    status: z.string().optional(),
    reference: z.string().min(1),
    amount: amountSchema,
    currency: z
      .string()
      .regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 code")
      .transform((code) => code.toUpperCase()),
    receipt_number: z.string().nullish(),
  }),
});

const eventSchema = z.object({ event: z.string().min(1), data: z.unknown().optional() });

/**
 * Authenticates and normalizes one Paystack webhook, in this order:
 * 1. the signature over the exact raw bytes, with the current key or, during a rotation window, the
 *    previous one (`unauthorized`: the route answers as for an unknown instance, so a prober learns
 *    nothing about which check failed);
 * 2. the source address, when an allowlist is configured (`forbidden`);
 * 3. the JSON and its shape (`malformed`).
 * A signature carries no timestamp, so a captured delivery stays valid forever: replays are stopped
 * by the inbox's unique event key and by verify before value is given (reliability.md §3.1).
 */
export function parsePaystackWebhook(
  request: WebhookRequest,
  keys: PaystackSigningKeys,
  allowedIps?: readonly string[],
): WebhookEvent {
  if (
    !isSignedByAcceptedKey(request.rawBody, headerOf(request.headers, SIGNATURE_HEADER), keys, Date.now())
  ) {
    throw new ProviderError("unauthorized", "The x-paystack-signature header is missing or does not match", {
      retryable: false,
      shopperMessage: "",
    });
  }
  if (allowedIps?.length && !isAllowed(request.sourceIp, allowedIps)) {
    throw new ProviderError("forbidden", "The Paystack webhook came from an address not on the allowlist", {
      retryable: false,
      shopperMessage: "",
    });
  }
  let json: unknown;
  try {
    json = parsePaystackJson(request.rawBody.toString("utf8"));
  } catch (error) {
    throw malformed("the body is not JSON", error);
  }
  const envelope = eventSchema.safeParse(json);
  if (!envelope.success) throw malformed(z.prettifyError(envelope.error));
  if (envelope.data.event === "charge.success") return toChargeEvent(json);
  return toUnhandledEvent(envelope.data.event, envelope.data.data, request.rawBody);
}

function toChargeEvent(json: unknown): WebhookEvent {
  const parsed = chargeSuccessSchema.safeParse(json);
  if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
  const { data } = parsed.data;
  const eventKey = `charge.success:${String(data.id)}`;
  // The name promises success, but data.status is what counts (providers.md §2.2). A contradicting
  // event is not acted on either way ("pending": the reconciler's verify decides), so it can
  // neither settle nor fail a payment on its own.
  if (data.status !== undefined && data.status !== "success") {
    return { eventKey, providerRef: data.reference, outcome: "pending", providerCode: data.status };
  }
  const receipt = data.receipt_number?.trim() ? data.receipt_number.trim() : data.reference;
  return {
    eventKey,
    providerRef: data.reference,
    outcome: "succeeded",
    amount: { amount: data.amount, currency: data.currency },
    receipt,
    providerCode: "success",
  };
}

/**
 * Refunds, disputes, transfers, …: recorded and acknowledged (so Paystack stops retrying), not
 * acted on. The key is the event name plus `data.id`, else `data.reference`, else the body's
 * SHA-256 (a redelivery sends identical bytes, so it still dedupes).
 */
function toUnhandledEvent(event: string, data: unknown, rawBody: Buffer): WebhookEvent {
  const fields =
    typeof data === "object" && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  const reference = [fields.reference, fields.transaction_reference].find(
    (value): value is string => typeof value === "string" && value !== "",
  );
  const key =
    toIdString(fields.id) ??
    (typeof fields.reference === "string" && fields.reference !== "" ? fields.reference : undefined) ??
    createHash("sha256").update(rawBody).digest("hex");
  return {
    eventKey: `${event}:${key}`,
    outcome: "not_handled",
    ...(reference === undefined ? {} : { providerRef: reference }),
    providerCode: event,
  };
}
