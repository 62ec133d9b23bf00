import { type HealthResult, ProviderError, type SharedCache } from "../plugin.js";
import { createProviderHttp, type ProviderAnswer } from "../provider-http.js";
import type { MpesaConfig } from "./config.js";
import {
  type DarajaErrorBody,
  INVALID_ACCESS_TOKEN,
  toDarajaErrorBody,
  tokenError,
  UNAVAILABLE,
  unexpectedAnswer,
} from "./errors.js";
import { createTokenCache, type IssuedToken, type TokenCache, toExpiresInSeconds } from "./token.js";

export const TOKEN_PATH = "/oauth/v1/generate?grant_type=client_credentials";
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Used when a token answer has no usable `expires_in`: the documented lifetime is one hour. */
const DOCUMENTED_EXPIRES_IN = 3599;

export interface DarajaClientOptions {
  /** The Daraja app (shared by the STK and C2B plugins: one app may hold both products). */
  readonly config: Pick<MpesaConfig, "consumerKey" | "consumerSecret" | "baseUrl">;
  readonly shared: SharedCache;
  /** Per HTTP call, body included. Default: 10 000 ms. */
  readonly timeoutMs?: number;
}

/** A Daraja answer: 2xx with its JSON, or the failure with Daraja's error body when there is one. */
export type DarajaAnswer = ProviderAnswer<DarajaErrorBody>;

export interface DarajaClient {
  /** A valid access token through the shared cache (buys one only when none is cached). */
  token(): Promise<string>;
  /**
   * POSTs JSON with the bearer token. An "Invalid Access Token" answer (HTTP 404, 404.001.03) gets
   * one token refresh and one retry; a network failure throws a retryable ProviderError.
   */
  post(path: string, body: unknown, what: string): Promise<DarajaAnswer>;
}

export function createDarajaClient(options: DarajaClientOptions): DarajaClient {
  const { config, shared, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const basic = Buffer.from(`${config.consumerKey}:${config.consumerSecret}`, "utf8").toString("base64");
  const http = createProviderHttp({
    provider: "Daraja",
    baseUrl: config.baseUrl,
    timeoutMs,
    shopperMessage: UNAVAILABLE,
    toErrorBody: toDarajaErrorBody,
  });

  async function fetchToken(): Promise<IssuedToken> {
    const answer = await http.get(TOKEN_PATH, "OAuth", { authorization: `Basic ${basic}` });
    if (!answer.ok) throw tokenError(answer.failure);
    const body = (typeof answer.json === "object" && answer.json !== null ? answer.json : {}) as Record<
      string,
      unknown
    >;
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw unexpectedAnswer("OAuth", "no access_token in the answer");
    }
    return {
      accessToken: body.access_token,
      expiresInSeconds: toExpiresInSeconds(body.expires_in) ?? DOCUMENTED_EXPIRES_IN,
    };
  }

  const tokens: TokenCache = createTokenCache({ shared, fetchToken, lockTtlMs: timeoutMs + 5_000 });
  const postWith = (token: string, path: string, body: unknown, what: string) =>
    http.post(path, body, what, { authorization: `Bearer ${token}` });

  return {
    token: () => tokens.get(),
    async post(path, body, what) {
      const token = await tokens.get();
      const answer = await postWith(token, path, body, what);
      if (
        answer.ok ||
        answer.failure.status !== 404 ||
        answer.failure.error?.errorCode !== INVALID_ACCESS_TOKEN
      )
        return answer;
      // Another process may have bought a newer token (invalidating ours), or it expired early.
      return postWith(await tokens.get(token), path, body, what);
    },
  };
}

/** Daraja is healthy when it issues this app a token; how long that took is the latency. */
export async function darajaHealthCheck(client: Pick<DarajaClient, "token">): Promise<HealthResult> {
  const started = performance.now();
  try {
    await client.token();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // ProviderError messages name codes and statuses, never a key, secret or token.
    const message = error instanceof ProviderError ? error.message : "Daraja could not be reached";
    return { ok: false, message, latencyMs: Math.round(performance.now() - started) };
  }
}
