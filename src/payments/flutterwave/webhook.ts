import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { ProviderError, type VerifyResult, type WebhookEvent, type WebhookRequest } from "../plugin.js";

/**
 * v3's only authenticity check (providers-2 §2.4): the secret hash itself, sent as is. The v4
 * `flutterwave-signature` HMAC is [practice] and disputed, so it is not accepted here.
 */
export const HASH_HEADER = "verif-hash";

/**
 * Whether the header is the instance's secret hash, compared in constant time: both sides are hashed
 * first so the comparison has a fixed length and the secret's length leaks nothing either.
 */
export function isHashValid(header: string | undefined, secretHash: string): boolean {
  if (header === undefined || header === "") return false;
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(header), digest(secretHash));
}

function refused(code: "unauthorized" | "malformed", message: string): ProviderError {
  return new ProviderError(code, message, { retryable: false, shopperMessage: "" });
}

/** The fields read from a v3 `charge.completed`; the rest of `data` is the verify shape. */
const chargeSchema = z.object({
  event: z.literal("charge.completed"),
  data: z.object({ id: z.number().int().nonnegative(), tx_ref: z.string().min(1), status: z.string() }),
});

const envelopeSchema = z.object({ event: z.string().min(1) });

/** Asks Flutterwave about a transaction by its numeric id, held to a tx_ref. */
export type VerifyById = (id: string, txRef: string) => Promise<VerifyResult>;

/**
 * Authenticates and normalizes one Flutterwave webhook. The hash carries no timestamp and signs
 * nothing (a captured delivery replays forever), and `charge.completed` fires for success and
 * failure alike: so the event's own status is never believed. The transaction is verified by id and
 * the outcome, amount and currency are Flutterwave's answer, which settlement compares with ours.
 */
export async function parseFlutterwaveWebhook(
  request: WebhookRequest,
  secretHash: string,
  verify: VerifyById,
): Promise<WebhookEvent> {
  if (!isHashValid(headerOf(request.headers, HASH_HEADER), secretHash)) {
    throw refused("unauthorized", "The verif-hash header is missing or does not match the secret hash");
  }
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString("utf8"));
  } catch {
    throw refused("malformed", "The Flutterwave webhook is not an event: the body is not JSON");
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success)
    throw refused("malformed", `The Flutterwave webhook is not an event: ${z.prettifyError(envelope.error)}`);
  if (envelope.data.event !== "charge.completed") {
    // transfer.completed, subscription.cancelled, …: acknowledged, not acted on; the body's digest
    // dedupes a redelivery (identical bytes).
    const digest = createHash("sha256").update(request.rawBody).digest("hex");
    return {
      eventKey: `${envelope.data.event}:${digest}`,
      outcome: "not_handled",
      providerCode: envelope.data.event,
    };
  }
  const charge = chargeSchema.safeParse(json);
  if (!charge.success)
    throw refused(
      "malformed",
      `The Flutterwave charge.completed is unreadable: ${z.prettifyError(charge.error)}`,
    );
  const { id, tx_ref: txRef } = charge.data.data;
  const verified = await verify(String(id), txRef);
  return { eventKey: `charge.completed:${id}`, providerRef: txRef, ...verified };
}

/** A header by name, whatever its case (Node lowercases them; other callers might not). */
function headerOf(headers: WebhookRequest["headers"], name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
