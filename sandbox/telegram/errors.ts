/**
 * Two kinds of failure live in the emulator:
 * - `BotApiError` is what the *bot* sees: it becomes Telegram's `{ ok: false, error_code, description,
 *   parameters? }` envelope, with the HTTP status equal to `error_code`. Descriptions copy Telegram's
 *   wording so bot code that branches on them behaves as in production.
 * - `TelegramEmulatorError` is what a *test* sees when it misuses the driver (pressing a button that
 *   is not on the message, a `nextMessage` timeout, using a closed emulator).
 */

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

export class BotApiError extends Error {
  override name = "BotApiError";
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }
}

/** 400 with Telegram's "Bad Request: " prefix. */
export function badRequest(detail: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${detail}`);
}

export function forbidden(detail: string): BotApiError {
  return new BotApiError(403, `Forbidden: ${detail}`);
}

export function conflict(detail: string): BotApiError {
  return new BotApiError(409, `Conflict: ${detail}`);
}

export function tooManyRequests(retryAfter: number): BotApiError {
  return new BotApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

export type TelegramEmulatorErrorCode = "invalid_use" | "timeout" | "closed";

export class TelegramEmulatorError extends Error {
  override name = "TelegramEmulatorError";
  constructor(
    readonly code: TelegramEmulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
