import type { SharedCache } from "../plugin.js";
import type { MpesaConfig } from "./config.js";
import {
  type DarajaFailure,
  INVALID_ACCESS_TOKEN,
  networkError,
  toDarajaErrorBody,
  tokenError,
  unexpectedAnswer,
} from "./errors.js";
import { createTokenCache, type IssuedToken, type TokenCache, toExpiresInSeconds } from "./token.js";

export const TOKEN_PATH = "/oauth/v1/generate?grant_type=client_credentials";
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Used when a token answer has no usable `expires_in`: the documented lifetime is one hour. */
const DOCUMENTED_EXPIRES_IN = 3599;

export interface DarajaClientOptions {
  readonly config: MpesaConfig;
  readonly shared: SharedCache;
  /** Per HTTP call, body included. Default: 10 000 ms. */
  readonly timeoutMs?: number;
}

/** A Daraja answer: 2xx with its JSON, or the failure with Daraja's error body when there is one. */
export type DarajaAnswer =
  | { readonly ok: true; readonly status: number; readonly json: unknown }
  | { readonly ok: false; readonly failure: DarajaFailure };

export interface DarajaClient {
  /** A valid access token through the shared cache (buys one only when none is cached). */
  token(): Promise<string>;
  /**
   * POSTs JSON with the bearer token. An "Invalid Access Token" answer (HTTP 404, 404.001.03) gets
   * one token refresh and one retry; a network failure throws a retryable ProviderError.
   */
  post(path: string, body: unknown, what: string): Promise<DarajaAnswer>;
}

async function send(url: string, init: RequestInit, timeoutMs: number, what: string) {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await response.text();
  } catch (error) {
    throw networkError(what, error);
  }
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

export function createDarajaClient(options: DarajaClientOptions): DarajaClient {
  const { config, shared, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const basic = Buffer.from(`${config.consumerKey}:${config.consumerSecret}`, "utf8").toString("base64");

  async function fetchToken(): Promise<IssuedToken> {
    const { status, json } = await send(
      `${config.baseUrl}${TOKEN_PATH}`,
      { method: "GET", headers: { authorization: `Basic ${basic}`, accept: "application/json" } },
      timeoutMs,
      "OAuth",
    );
    if (status < 200 || status >= 300) throw tokenError({ status, error: toDarajaErrorBody(json) });
    const body = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
    if (typeof body.access_token !== "string" || body.access_token === "") {
      throw unexpectedAnswer("OAuth", "no access_token in the answer");
    }
    return {
      accessToken: body.access_token,
      expiresInSeconds: toExpiresInSeconds(body.expires_in) ?? DOCUMENTED_EXPIRES_IN,
    };
  }

  const tokens: TokenCache = createTokenCache({ shared, fetchToken, lockTtlMs: timeoutMs + 5_000 });

  async function postWith(token: string, path: string, body: unknown, what: string) {
    return send(
      `${config.baseUrl}${path}`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify(body),
      },
      timeoutMs,
      what,
    );
  }

  return {
    token: () => tokens.get(),
    async post(path, body, what) {
      const token = await tokens.get();
      let answer = await postWith(token, path, body, what);
      let error = toDarajaErrorBody(answer.json);
      if (answer.status === 404 && error?.errorCode === INVALID_ACCESS_TOKEN) {
        // Another process may have bought a newer token (invalidating ours), or it expired early.
        const fresh = await tokens.get(token);
        answer = await postWith(fresh, path, body, what);
        error = toDarajaErrorBody(answer.json);
      }
      if (answer.status >= 200 && answer.status < 300)
        return { ok: true, status: answer.status, json: answer.json };
      return { ok: false, failure: { status: answer.status, error } };
    },
  };
}
