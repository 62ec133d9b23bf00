import type { Request } from "express";
import type { WebhookRequest } from "../payments/plugin.js";

/**
 * What a plugin sees of a webhook: the exact bytes (signatures are over them), the headers, the
 * path parameters, and the sender's address as far as TRUST_PROXY lets Express tell it.
 */
export function toWebhookRequest(request: Request): WebhookRequest {
  return {
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    headers: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(",") : value,
      ]),
    ),
    params: Object.fromEntries(Object.entries(request.params).map(([name, value]) => [name, String(value)])),
    ...(request.ip ? { sourceIp: request.ip.replace(/^::ffff:/, "") } : {}),
  };
}
