/**
 * What every provider's HTTP client shares: a call with a timeout that covers the body, JSON
 * parsing that never throws, a network failure turned into a retryable ProviderError, and the
 * Duka code for an HTTP status no provider-specific rule explains. What a provider's answers mean
 * (Daraja result codes, Paystack messages) stays in the provider's folder.
 */
import { ProviderError, type ProviderErrorCode } from "./provider-error.js";

/** A non-2xx answer, with the provider's error body when it had one. */
export interface ProviderFailure<ErrorBody> {
  readonly status: number;
  readonly error: ErrorBody | undefined;
}

/** Any HTTP answer: 2xx with its JSON (undefined when empty or not JSON), or the failure. */
export type ProviderAnswer<ErrorBody> =
  | { readonly ok: true; readonly status: number; readonly json: unknown }
  | { readonly ok: false; readonly failure: ProviderFailure<ErrorBody> };

export interface ProviderHttpOptions<ErrorBody> {
  /** The provider's name in error messages ("Daraja", "Paystack"). */
  readonly provider: string;
  readonly baseUrl: string;
  /** Per HTTP call, body included. */
  readonly timeoutMs: number;
  /** What the shopper reads when the provider cannot be reached. */
  readonly shopperMessage: string;
  /** Sent with every call (a fixed authorization); a call's own headers win. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The provider's error body in a failed answer's JSON. Default: none. */
  readonly toErrorBody?: (json: unknown) => ErrorBody | undefined;
  /** Default: JSON.parse. It may throw: unparseable text counts as no JSON. */
  readonly parseJson?: (text: string) => unknown;
}

export interface ProviderHttp<ErrorBody> {
  /** A network failure or timeout throws a retryable ProviderError; any HTTP answer is returned. */
  get(
    path: string,
    what: string,
    headers?: Readonly<Record<string, string>>,
  ): Promise<ProviderAnswer<ErrorBody>>;
  post(
    path: string,
    body: unknown,
    what: string,
    headers?: Readonly<Record<string, string>>,
  ): Promise<ProviderAnswer<ErrorBody>>;
}

export function createProviderHttp<ErrorBody = never>(
  options: ProviderHttpOptions<ErrorBody>,
): ProviderHttp<ErrorBody> {
  const { parseJson = JSON.parse, toErrorBody = () => undefined } = options;

  async function send(path: string, init: RequestInit, what: string): Promise<ProviderAnswer<ErrorBody>> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(options.provider, what, options.shopperMessage, error);
    }
    let json: unknown;
    try {
      json = text === "" ? undefined : parseJson(text);
    } catch {
      json = undefined;
    }
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, json };
    return { ok: false, failure: { status: response.status, error: toErrorBody(json) } };
  }

  const headersOf = (
    own: Readonly<Record<string, string>> | undefined,
    extra: Record<string, string> = {},
  ) => ({
    accept: "application/json",
    ...options.headers,
    ...extra,
    ...own,
  });

  return {
    get: (path, what, headers) => send(path, { method: "GET", headers: headersOf(headers) }, what),
    post: (path, body, what, headers) =>
      send(
        path,
        {
          method: "POST",
          headers: headersOf(headers, { "content-type": "application/json" }),
          body: JSON.stringify(body),
        },
        what,
      ),
  };
}

/** No answer at all (connection refused, reset, timeout): always worth another try. */
export function networkError(
  provider: string,
  what: string,
  shopperMessage: string,
  cause: unknown,
): ProviderError {
  const timedOut = cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
  return new ProviderError(
    timedOut ? "timeout" : "unreachable",
    `${provider} ${what} ${timedOut ? "timed out" : "could not be reached"}: check baseUrl and the network`,
    { retryable: true, shopperMessage, cause },
  );
}

/** A 2xx answer whose body is not what the provider documents: worth another try. */
export function unexpectedAnswer(
  provider: string,
  what: string,
  detail: string,
  shopperMessage: string,
): ProviderError {
  return new ProviderError("bad_response", `${provider} ${what} answered unexpectedly: ${detail}`, {
    retryable: true,
    shopperMessage,
  });
}

/**
 * The code of an HTTP failure no provider-specific rule explains: 401/403 blame the instance's
 * credentials, 429 and 5xx the provider's state now, any other 4xx the request itself.
 */
export function codeOfStatus(status: number): ProviderErrorCode {
  if (status === 401 || status === 403) return "invalid_config";
  if (status === 429) return "rate_limited";
  if (status >= 400 && status < 500) return "invalid_request";
  return "unavailable";
}
