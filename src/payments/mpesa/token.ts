import { ProviderError, type SharedCache } from "../plugin.js";

/** A token as Daraja issued it. */
export interface IssuedToken {
  readonly accessToken: string;
  /** Seconds from issue (Daraja: 3599). */
  readonly expiresInSeconds: number;
}

export interface TokenCacheOptions {
  /** The instance's cache, shared by every process serving it. */
  readonly shared: SharedCache;
  /** Buys a new token from Daraja (which invalidates the previous one for everyone). */
  readonly fetchToken: () => Promise<IssuedToken>;
  /** Stop using a token this long before it expires. Default: 60 000 ms. */
  readonly refreshMarginMs?: number;
  /** How long a refresh may hold the cross-process lock. Default: 15 000 ms (above the HTTP timeout). */
  readonly lockTtlMs?: number;
}

export interface TokenCache {
  /**
   * A valid token: the cached one, or a fresh one bought under a cross-process lock. `rejected` is
   * a token Daraja just refused (404.001.03): it is never returned again, a newer one other
   * processes stored is used instead, and only when the cache still holds the rejected one is a new
   * token bought (which replaces it: that is the drop).
   */
  get(rejected?: string): Promise<string>;
}

export const TOKEN_KEY = "token";

/**
 * Daraja's OAuth token, shared through Redis. Each token request invalidates the previous token for
 * every process (providers.md §1.2), so a process never buys one while a valid one is cached, and
 * only one refresh runs at a time across all processes: after taking the lock it reads the cache
 * again, because the previous holder may have just stored a fresh token.
 */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { shared, fetchToken, refreshMarginMs = 60_000, lockTtlMs = 15_000 } = options;
  // In-process single flight: concurrent callers in one process share one trip through the lock.
  const inFlight = new Map<string, Promise<string>>();

  const usable = (token: string | null, rejected: string | undefined): token is string =>
    token !== null && token !== "" && token !== rejected;

  async function refresh(rejected: string | undefined): Promise<string> {
    return shared.withLock(TOKEN_KEY, lockTtlMs, async () => {
      const cached = await shared.get(TOKEN_KEY);
      if (usable(cached, rejected)) return cached;
      const issued = await fetchToken();
      const ttlMs = issued.expiresInSeconds * 1000 - refreshMarginMs;
      // A token with under a minute to live is used once and not shared.
      if (ttlMs > 0) await shared.set(TOKEN_KEY, issued.accessToken, ttlMs);
      return issued.accessToken;
    });
  }

  async function get(rejected?: string): Promise<string> {
    try {
      const cached = await shared.get(TOKEN_KEY);
      if (usable(cached, rejected)) return cached;
      const key = rejected ?? "";
      let pending = inFlight.get(key);
      if (pending === undefined) {
        pending = refresh(rejected).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return await pending;
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw new ProviderError("unavailable", "The shared Daraja token cache (Redis) failed; check Redis", {
        retryable: true,
        shopperMessage:
          "M-Pesa is not available right now. Please try again in a minute or choose another way to pay.",
        cause: error,
      });
    }
  }

  return { get };
}

/** `expires_in` as seconds: Daraja's sample has a number, some clients see a string (providers.md §1.2). */
export function toExpiresInSeconds(value: unknown): number | undefined {
  const seconds =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
