import type { PaystackConfig } from "./config.js";
import { networkError, type PaystackFailure, toPaystackErrorBody } from "./errors.js";
import { parsePaystackJson } from "./json.js";

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface PaystackClientOptions {
  readonly config: PaystackConfig;
  /** Per HTTP call, body included. Default: 10 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * A Paystack answer: 2xx with its JSON, or the failure with Paystack's error body when there is one.
 * A 2xx says only that Paystack answered: whether a payment went through is in `data.status`.
 */
export type PaystackAnswer =
  | { readonly ok: true; readonly status: number; readonly json: unknown }
  | { readonly ok: false; readonly failure: PaystackFailure };

export interface PaystackClient {
  /** A network failure or timeout throws a retryable ProviderError; any HTTP answer is returned. */
  get(path: string, what: string): Promise<PaystackAnswer>;
  post(path: string, body: unknown, what: string): Promise<PaystackAnswer>;
}

export function createPaystackClient(options: PaystackClientOptions): PaystackClient {
  const { config, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const authorization = `Bearer ${config.secretKey}`;

  async function send(path: string, init: RequestInit, what: string): Promise<PaystackAnswer> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${config.baseUrl}${path}`, {
        ...init,
        headers: { ...init.headers, authorization, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw networkError(what, error);
    }
    let json: unknown;
    try {
      json = text === "" ? undefined : parsePaystackJson(text);
    } catch {
      json = undefined;
    }
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, json };
    return { ok: false, failure: { status: response.status, error: toPaystackErrorBody(json) } };
  }

  return {
    get: (path, what) => send(path, { method: "GET" }, what),
    post: (path, body, what) =>
      send(
        path,
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
        what,
      ),
  };
}
