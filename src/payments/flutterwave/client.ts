import { createProviderHttp, type ProviderHttp } from "../provider-http.js";
import type { FlutterwaveConfig } from "./config.js";
import { type FlutterwaveErrorBody, toFlutterwaveErrorBody, UNAVAILABLE } from "./errors.js";

/** Flutterwave v3 with the secret key (plain fetch: the official SDK starts telemetry, providers-2 §2.5). */
export type FlutterwaveClient = ProviderHttp<FlutterwaveErrorBody>;

export function createFlutterwaveClient(config: FlutterwaveConfig): FlutterwaveClient {
  return createProviderHttp({
    provider: "Flutterwave",
    baseUrl: config.baseUrl,
    timeoutMs: config.timeoutMs,
    shopperMessage: UNAVAILABLE,
    headers: { authorization: `Bearer ${config.secretKey}` },
    toErrorBody: toFlutterwaveErrorBody,
  });
}
