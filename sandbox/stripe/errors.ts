/** An API answer that is an error, in Stripe's envelope `{ error: { type, code, message, param } }`. */
export class StripeApiError extends Error {
  override name = "StripeApiError";
  constructor(
    readonly status: number,
    message: string,
    readonly type: "invalid_request_error" | "card_error" | "idempotency_error" | "api_error",
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }

  toBody() {
    return {
      error: {
        type: this.type,
        message: this.message,
        ...(this.code === undefined ? {} : { code: this.code }),
        ...(this.param === undefined ? {} : { param: this.param }),
      },
    };
  }
}

export const invalid = (message: string, param?: string, code = "parameter_invalid") =>
  new StripeApiError(400, message, "invalid_request_error", code, param);

export const missing = (what: string, id: string) =>
  new StripeApiError(404, `No such ${what}: '${id}'`, "invalid_request_error", "resource_missing", "id");
