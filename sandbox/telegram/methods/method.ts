import type { EmulatorContext } from "../context.js";
import type { Params } from "../params.js";
import type { MutableCallRecord } from "../state/call-log.js";

/** Everything a Bot API method implementation gets for one call. */
export interface MethodCall {
  readonly ctx: EmulatorContext;
  readonly params: Params;
  readonly record: MutableCallRecord;
  /** Aborted when the HTTP client hangs up (a long poll cancelled by bot.stop()). */
  readonly signal: AbortSignal;
}

/** Returns the `result`; throws BotApiError for `{ ok: false }`. */
export type MethodHandler = (call: MethodCall) => unknown;

/** A result that Telegram sends with a `description` next to it (setWebhook: "Webhook was set"). */
export class DescribedResult {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
