import Stripe from "stripe";
import type { StripeConfig } from "./config.js";

/**
 * The official SDK (stripe@23.2.0), pointed at `apiBase`. Its own retries are off: a failed call is a
 * retryable ProviderError and the job that made it decides (BullMQ backoff, fallback to another
 * instance); a retry in here would hide minutes of waiting inside one job. Telemetry headers are off.
 */
export function createStripeClient(config: StripeConfig): Stripe {
  const base = new URL(config.apiBase);
  const protocol = base.protocol === "http:" ? "http" : "https";
  return new Stripe(config.secretKey, {
    host: base.hostname,
    port: base.port === "" ? (protocol === "http" ? 80 : 443) : Number(base.port),
    protocol,
    timeout: config.timeoutMs,
    maxNetworkRetries: 0,
    telemetry: false,
  });
}
