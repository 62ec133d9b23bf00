/**
 * Two kinds of failure live in the emulator:
 * - `PaystackApiError` is what the *client* sees: Paystack's error envelope
 *   `{ status: false, message, meta?: { nextStep }, type?, code? }` with an HTTP status.
 * - `PaystackEmulatorError` is what a *test* sees when it misuses the in-process API (paying an
 *   unknown reference, a `nextTransaction` timeout, using a closed emulator).
 */

export type PaystackErrorType = "api_error" | "validation_error" | "processor_error";

export interface PaystackErrorDetails {
  readonly type?: PaystackErrorType;
  readonly code?: string;
  readonly nextStep?: string;
}

export class PaystackApiError extends Error {
  override name = "PaystackApiError";
  constructor(
    readonly httpStatus: number,
    message: string,
    readonly details: PaystackErrorDetails = {},
  ) {
    super(message);
  }

  /** The JSON body, keys in Paystack's order (status, message, meta, type, code). */
  toBody(): Record<string, unknown> {
    const { type, code, nextStep } = this.details;
    return {
      status: false,
      message: this.message,
      ...(nextStep === undefined ? {} : { meta: { nextStep } }),
      ...(type === undefined ? {} : { type }),
      ...(code === undefined ? {} : { code }),
    };
  }
}

/** A required parameter is absent (the shape of Paystack's documented example). */
export function missingParam(message: string): PaystackApiError {
  return new PaystackApiError(400, message, {
    type: "validation_error",
    code: "missing_params",
    nextStep: "Provide all required params",
  });
}

/** A parameter is present but unusable. `code`/`nextStep` wording is ours (unconfirmed). */
export function invalidParam(message: string, nextStep: string): PaystackApiError {
  return new PaystackApiError(400, message, { type: "validation_error", code: "invalid_params", nextStep });
}

/** 401 for a missing, malformed or unknown secret key (body exactly `{status:false,message:"Invalid key"}`). */
export function invalidKey(): PaystackApiError {
  return new PaystackApiError(401, "Invalid key");
}

export type PaystackEmulatorErrorCode =
  | "not_found"
  | "invalid_use"
  | "invalid_card_details"
  | "already_paid"
  | "no_webhook_url"
  | "timeout"
  | "closed";

export class PaystackEmulatorError extends Error {
  override name = "PaystackEmulatorError";
  constructor(
    readonly code: PaystackEmulatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
