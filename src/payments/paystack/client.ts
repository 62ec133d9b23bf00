import { createProviderHttp, type ProviderAnswer, type ProviderHttp } from "../provider-http.js";
import type { PaystackConfig } from "./config.js";
import { type PaystackErrorBody, toPaystackErrorBody, UNAVAILABLE } from "./errors.js";
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
export type PaystackAnswer = ProviderAnswer<PaystackErrorBody>;

/** Paystack's API with the secret key; 64-bit ids in answers stay exact (see json.ts). */
export type PaystackClient = ProviderHttp<PaystackErrorBody>;

export function createPaystackClient(options: PaystackClientOptions): PaystackClient {
  const { config, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  return createProviderHttp({
    provider: "Paystack",
    baseUrl: config.baseUrl,
    timeoutMs,
    shopperMessage: UNAVAILABLE,
    headers: { authorization: `Bearer ${config.secretKey}` },
    toErrorBody: toPaystackErrorBody,
    parseJson: parsePaystackJson,
  });
}
