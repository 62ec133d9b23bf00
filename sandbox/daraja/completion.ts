import type { z } from "zod";
import type { DarajaContext } from "./context.js";
import { DarajaEmulatorError } from "./errors.js";
import { deliveryOptionsSchema, outcomeSchema } from "./options.js";
import { resultDescFor } from "./result-codes.js";
import { type PushState, toStkPush } from "./state/pushes.js";
import { toDarajaTimestamp } from "./time.js";
import type {
  CallbackDeliveryOptions,
  StkCallbackBody,
  StkCallbackItem,
  StkOutcome,
  StkPush,
  StkResult,
} from "./types.js";

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues
    .map((issue) => `${issue.path.join(".") || what}: ${issue.message}`)
    .join("; ");
  throw new DarajaEmulatorError("invalid_use", `Invalid ${what} ${JSON.stringify(value)}: ${detail}`);
}

/** Checks a test-supplied outcome; the error says what to change. */
export function parseOutcome(outcome: unknown): StkOutcome {
  return parseOrThrow(outcomeSchema, outcome, "STK outcome") as StkOutcome;
}

export function parseDeliveryOptions(options: unknown): CallbackDeliveryOptions {
  return parseOrThrow(deliveryOptionsSchema, options, "delivery options") as CallbackDeliveryOptions;
}

/**
 * The callback exactly as §1.4 shows it: ResultCode a number (as given), CallbackMetadata only on
 * success, with a `Balance` item lacking `Value` (older real payloads) so clients must read items by Name.
 */
export function toCallbackBody(
  state: PushState,
  result: Omit<StkResult, "callback" | "delivery">,
  includeBalanceItem: boolean,
): StkCallbackBody {
  const stkCallback = {
    MerchantRequestID: state.merchantRequestId,
    CheckoutRequestID: state.checkoutRequestId,
    ResultCode: result.resultCode,
    ResultDesc: result.resultDesc,
  };
  if (result.resultCode !== 0) return { Body: { stkCallback } };
  const items: StkCallbackItem[] = [
    { Name: "Amount", Value: result.amount ?? state.fields.amount },
    { Name: "MpesaReceiptNumber", Value: result.receipt ?? "" },
    ...(includeBalanceItem ? [{ Name: "Balance" }] : []),
    { Name: "TransactionDate", Value: result.transactionDate ?? 0 },
    { Name: "PhoneNumber", Value: Number(state.fields.phoneNumber) },
  ];
  return { Body: { stkCallback: { ...stkCallback, CallbackMetadata: { Item: items } } } };
}

/**
 * Records the final result of a pending push (Query answers it from now on, the phone is unlocked)
 * and schedules its callback as `outcome.delivery` says.
 */
export function completePush(
  ctx: DarajaContext,
  state: PushState,
  outcome: StkOutcome,
  { correcting = false } = {},
): StkPush {
  if (state.result !== undefined && !correcting) {
    throw new DarajaEmulatorError(
      "invalid_use",
      `STK push ${state.checkoutRequestId} was already completed with ResultCode ${String(state.result.resultCode)}; use redeliver() to send its callback again`,
    );
  }
  const now = ctx.now();
  const success = outcome.resultCode === 0;
  const base = {
    resultCode: outcome.resultCode,
    resultDesc: outcome.resultDesc ?? resultDescFor(outcome.resultCode),
    completedAt: new Date(now),
    receipt: success ? (outcome.receipt ?? ctx.newReceipt(now)) : undefined,
    amount: success ? (outcome.amount ?? state.fields.amount) : undefined,
    transactionDate: success ? Number(toDarajaTimestamp(now)) : undefined,
  };
  const callback = toCallbackBody(state, base, ctx.options.includeBalanceItem);
  const delivery = outcome.delivery ?? "normal";
  state.result = { ...base, callback, delivery };
  if (state.autoCompleteTimer !== undefined) clearTimeout(state.autoCompleteTimer);
  state.autoCompleteTimer = undefined;
  const snapshot = toStkPush(state);
  ctx.events.emit("complete", snapshot);
  deliverCallback(ctx, state, outcome);
  return snapshot;
}

/** Sends (or drops, duplicates, holds) the recorded callback of a completed push. */
export function deliverCallback(
  ctx: DarajaContext,
  state: PushState,
  options: CallbackDeliveryOptions,
): void {
  const result = state.result;
  if (result === undefined) return;
  const job = {
    checkoutRequestId: state.checkoutRequestId,
    url: state.fields.callBackUrl,
    body: result.callback,
  };
  const delayMs = options.delayMs ?? ctx.options.callbackDelayMs;
  switch (options.delivery ?? "normal") {
    case "drop":
      return;
    case "duplicate":
      ctx.callbacks.send({ ...job, copies: options.copies ?? 2, delayMs });
      return;
    case "late":
      if (options.delayMs === undefined) ctx.callbacks.hold({ ...job, copies: 1 });
      else ctx.callbacks.send({ ...job, copies: 1, delayMs: options.delayMs });
      return;
    default:
      ctx.callbacks.send({ ...job, copies: 1, delayMs });
  }
}
