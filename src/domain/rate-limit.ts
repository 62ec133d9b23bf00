/** How many times something may happen per key in a sliding window of time. */
export interface RateLimitPolicy {
  readonly limit: number;
  readonly windowSeconds: number;
}

/** The answer to "may one more happen for this key now?"; counting happens whether or not. */
export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** True only for the first refusal of a window, so a flood is answered once, not per message. */
  readonly firstRefusal: boolean;
  /** When the next one will be allowed, in ms (0 when allowed). */
  readonly retryAfterMs: number;
}

/** A count shared by every process (kept in Redis), keyed by what is limited (a phone, a chat). */
export interface RateLimit {
  take(key: string): Promise<RateLimitVerdict>;
}
