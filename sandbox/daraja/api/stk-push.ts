import { completePush, parseOutcome } from "../completion.js";
import type { DarajaContext } from "../context.js";
import { DarajaApiError, invalidField, merchantError, SUBSCRIBER_LOCKED } from "../errors.js";
import { newCheckoutRequestId, newMerchantRequestId } from "../ids.js";
import { type PushState, toStkPush } from "../state/pushes.js";
import type { StkOutcome } from "../types.js";
import { parseStkPushFields } from "../validation/stk-push.js";
import { authenticateMerchant } from "./merchant.js";
import type { ApiAnswer, ApiRequest } from "./types.js";

export const ACCEPTED_DESCRIPTION = "Success. Request accepted for processing";

export function asObject(body: unknown): Record<string, unknown> {
  return typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : {};
}

/**
 * `POST /mpesa/stkpush/v1/processrequest`. Order of checks: field formats (400 `400.002.02`), the
 * merchant and Password (500 `500.001.1001`), TransactionType/PartyB against the shortcode (400), then
 * the lock on the MSISDN (500 `500.001.1001`). An accepted push is pending until `complete()`.
 */
export function processRequest(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  const body = asObject(request.body);
  const now = ctx.now();
  const { password, ...fields } = parseStkPushFields(body, now, ctx.options.timestampToleranceMs);
  const shortcode = authenticateMerchant(ctx, fields.businessShortCode, password, fields.timestamp);
  // Daraja's answer to a type/receiver that the shortcode does not have is [unconfirmed] (it may accept
  // the push and fail it with ResultCode 2028); refusing up front points at the bug sooner.
  if (fields.transactionType !== shortcode.transactionType) throw invalidField("TransactionType");
  if (fields.partyB !== shortcode.partyB) throw invalidField("PartyB");
  if (ctx.pushes.pendingFor(fields.phoneNumber) !== undefined) throw merchantError(SUBSCRIBER_LOCKED);

  let checkoutRequestId = newCheckoutRequestId(now);
  while (ctx.pushes.has(checkoutRequestId)) checkoutRequestId = newCheckoutRequestId(now);
  const state: PushState = {
    fields,
    checkoutRequestId,
    merchantRequestId: newMerchantRequestId(),
    request: structuredClone(body),
    requestedAt: new Date(now),
    result: undefined,
    forcedPendingQueries: ctx.options.queryPendingFirst,
    taken: false,
    autoCompleteTimer: undefined,
  };
  const outcome = chooseAutoComplete(ctx, state);
  ctx.pushes.add(state);
  if (outcome !== undefined) {
    state.autoCompleteTimer = setTimeout(() => {
      state.autoCompleteTimer = undefined;
      if (!ctx.closed && state.result === undefined) completePush(ctx, state, outcome);
    }, ctx.options.autoCompleteMs);
  }
  const snapshot = toStkPush(state);
  ctx.events.emit("push", snapshot);
  ctx.internal.emit("push", snapshot);
  return {
    status: 200,
    body: {
      MerchantRequestID: state.merchantRequestId,
      CheckoutRequestID: checkoutRequestId,
      ResponseCode: "0",
      ResponseDescription: ACCEPTED_DESCRIPTION,
      CustomerMessage: ACCEPTED_DESCRIPTION,
    },
  };
}

/** The autoComplete outcome for a new push, checked now so a bad one fails this request, not a timer. */
function chooseAutoComplete(ctx: DarajaContext, state: PushState): StkOutcome | undefined {
  const auto = ctx.options.autoComplete;
  if (auto === undefined) return undefined;
  try {
    const outcome = typeof auto === "function" ? auto(toStkPush(state)) : auto;
    return outcome === undefined ? undefined : parseOutcome(outcome);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new DarajaApiError(
      500,
      "500.003.1001",
      `Internal Server Error: emulator autoComplete failed: ${detail}`,
    );
  }
}
