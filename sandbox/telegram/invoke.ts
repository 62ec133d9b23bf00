import type { EmulatorContext } from "./context.js";
import { BotApiError, type ResponseParameters } from "./errors.js";
import { findMethod } from "./methods/index.js";
import { DescribedResult } from "./methods/method.js";
import type { Params } from "./params.js";
import { faultError } from "./state/faults.js";
import type { ApiCallRecord } from "./types.js";

export type ApiEnvelope =
  | { readonly ok: true; readonly result: unknown; readonly description?: string }
  | {
      readonly ok: false;
      readonly error_code: number;
      readonly description: string;
      readonly parameters?: ResponseParameters;
    };

/** What to send back: an HTTP status and Telegram's envelope, or `undefined` body to drop the socket. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: ApiEnvelope | undefined;
}

function errorAnswer(error: BotApiError): ApiAnswer {
  return {
    status: error.errorCode,
    body: {
      ok: false,
      error_code: error.errorCode,
      description: error.description,
      ...(error.parameters === undefined ? {} : { parameters: error.parameters }),
    },
  };
}

function okAnswer(value: unknown): ApiAnswer {
  if (value instanceof DescribedResult) {
    return { status: 200, body: { ok: true, result: value.result, description: value.description } };
  }
  return { status: 200, body: { ok: true, result: value } };
}

/** Parameters for the call log, with uploads shown as `{ upload: fileName, size }`. */
function summarize(params: Params): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  const describe = (name: string) => {
    const file = params.uploads.get(name);
    return file === undefined ? undefined : { upload: file.fileName, size: file.bytes.byteLength };
  };
  for (const [key, value] of Object.entries(params.values)) {
    const attached =
      typeof value === "string" && value.startsWith("attach://") ? describe(value.slice(9)) : undefined;
    summary[key] = attached ?? value;
  }
  for (const name of params.uploads.keys()) {
    if (!(name in summary) && !Object.values(params.values).includes(`attach://${name}`)) {
      summary[name] = describe(name);
    }
  }
  return summary;
}

export interface InvokeOptions {
  readonly transport: ApiCallRecord["transport"];
  readonly signal: AbortSignal;
}

/**
 * Runs one Bot API call: logs it, applies injected faults, dispatches to the method (names are
 * case-insensitive), and shapes the answer in Telegram's envelope. Unknown methods get
 * `404 Not Found: method not found`.
 */
export async function invokeMethod(
  ctx: EmulatorContext,
  requested: string,
  params: Params,
  options: InvokeOptions,
): Promise<ApiAnswer> {
  const entry = findMethod(requested);
  const method = entry?.name ?? requested;
  const record = ctx.calls.start(method, summarize(params), options.transport);
  const floodKey = params.string("chat_id") ?? `method:${method.toLowerCase()}`;
  if (ctx.faults.isDuringFloodWait(floodKey)) record.earlyRetry = true;
  ctx.events.emit("request", record);

  let answer: ApiAnswer;
  const fault = ctx.faults.take(method);
  if (fault !== undefined) {
    record.injected = true;
    answer = "dropConnection" in fault ? { status: 0, body: undefined } : errorAnswer(faultError(fault));
  } else if (entry === undefined) {
    answer = errorAnswer(new BotApiError(404, "Not Found: method not found"));
  } else {
    try {
      answer = okAnswer(await entry.handler({ ctx, params, record, signal: options.signal }));
    } catch (error) {
      if (!(error instanceof BotApiError)) {
        // A bug in the emulator: say so instead of pretending Telegram failed for a reason.
        const detail = error instanceof Error ? error.message : String(error);
        answer = errorAnswer(new BotApiError(500, `Internal Server Error: emulator failure: ${detail}`));
      } else {
        answer = errorAnswer(error);
      }
    }
  }

  const body = answer.body;
  if (body?.ok === false && body.parameters?.retry_after !== undefined) {
    ctx.faults.noteRetryAfter(floodKey, body.parameters.retry_after);
  }
  record.finishedAt = Date.now();
  if (options.signal.aborted || body === undefined) {
    record.aborted = true;
  } else {
    record.status = answer.status;
    record.ok = body.ok;
    if (body.ok) record.result = body.result;
    else {
      record.errorCode = body.error_code;
      record.description = body.description;
    }
  }
  ctx.events.emit("response", record);
  return answer;
}
