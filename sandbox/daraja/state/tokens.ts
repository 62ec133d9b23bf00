import { newAccessToken } from "../ids.js";

interface IssuedToken {
  readonly consumerKey: string;
  readonly expiresAt: number;
}

/**
 * Access tokens per app. Daraja's FAQ: each token request "invalidates the previous token" of that
 * app (providers.md §1.2), so one app has at most one valid token.
 */
export class TokenStore {
  private readonly byToken = new Map<string, IssuedToken>();
  private readonly currentByApp = new Map<string, string>();
  /** Requests that reached the OAuth path (any outcome). */
  requests = 0;

  issue(consumerKey: string, now: number, ttlSeconds: number): string {
    const previous = this.currentByApp.get(consumerKey);
    if (previous !== undefined) this.byToken.delete(previous);
    let token = newAccessToken();
    while (this.byToken.has(token)) token = newAccessToken();
    this.byToken.set(token, { consumerKey, expiresAt: now + ttlSeconds * 1000 });
    this.currentByApp.set(consumerKey, token);
    return token;
  }

  isValid(token: string, now: number): boolean {
    const issued = this.byToken.get(token);
    return issued !== undefined && now < issued.expiresAt;
  }

  /** Invalidates the tokens of one app, or all (an expiry or revocation in a test). */
  revoke(consumerKey?: string): void {
    for (const [token, issued] of this.byToken) {
      if (consumerKey === undefined || issued.consumerKey === consumerKey) {
        this.byToken.delete(token);
        this.currentByApp.delete(issued.consumerKey);
      }
    }
  }
}
