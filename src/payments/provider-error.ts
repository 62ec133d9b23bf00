import { DukaError } from "../domain/errors.js";

/**
 * Why a provider call failed, in Duka's words: the closed vocabulary every plugin maps its
 * provider's answers into. The provider's own code ("500.001.1001", a Paystack error code) is kept
 * beside it as `ProviderError.providerCode`, for the record.
 */
export type ProviderErrorCode =
  // A webhook: not from the provider (token or signature), from an address not allowed, unreadable.
  | "unauthorized"
  | "forbidden"
  | "malformed"
  // No answer, or not a usable one: worth another try.
  | "unreachable"
  | "timeout"
  | "bad_response"
  | "rate_limited"
  | "unavailable"
  // The instance's credentials or settings were refused: its config must be fixed.
  | "invalid_config"
  // The request itself was refused: sending it again, anywhere, fails the same way.
  | "invalid_request"
  | "invalid_amount"
  | "invalid_phone"
  | "invalid_email"
  | "needs_email"
  | "duplicate_reference"
  // The shopper has another payment prompt open on the phone.
  | "subscriber_busy"
  | "refund_refused"
  // The plugin or provider cannot do this (a currency, webhooks).
  | "unsupported";

/**
 * A provider failure. `retryable` says whether another attempt (or another instance, through
 * fallback) may succeed; `shopperMessage` is safe to show in the chat; `providerCode` is the
 * provider's own code when it gave one.
 */
export class ProviderError extends DukaError<ProviderErrorCode> {
  override name = "ProviderError";
  constructor(
    code: ProviderErrorCode,
    message: string,
    readonly options: {
      readonly retryable: boolean;
      readonly shopperMessage: string;
      readonly providerCode?: string;
      readonly cause?: unknown;
    },
  ) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  get retryable(): boolean {
    return this.options.retryable;
  }

  get shopperMessage(): string {
    return this.options.shopperMessage;
  }

  get providerCode(): string | undefined {
    return this.options.providerCode;
  }
}
