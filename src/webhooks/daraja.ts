import express, { Router } from "express";
import type { WebhookIntake } from "../payments/webhook-intake.js";

/** Daraja callbacks are small; the limit keeps garbage out. */
const CALLBACK_LIMIT = "64kb";

/**
 * POST /webhooks/daraja/:instanceId/:token — the STK callback. Daraja signs nothing, so the path
 * carries the instance's unguessable token (checked by the plugin in constant time); the body is
 * kept as raw bytes for the plugin. Safaricom rejects callback URLs with words like "mpesa", so
 * the path avoids them. Daraja reads no particular answer; integrations return this one.
 */
export function darajaWebhookRoutes(intake: WebhookIntake): Router {
  const router = Router();
  router.post(
    "/webhooks/daraja/:instanceId/:token",
    express.raw({ type: () => true, limit: CALLBACK_LIMIT }),
    async (request, response) => {
      await intake.receive("mpesa", String(request.params.instanceId), {
        rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(",") : value,
          ]),
        ),
        params: { instanceId: String(request.params.instanceId), token: String(request.params.token) },
        // Express derives request.ip from X-Forwarded-For only as far as TRUST_PROXY allows.
        ...(request.ip ? { sourceIp: request.ip.replace(/^::ffff:/, "") } : {}),
      });
      response.json({ ResultCode: 0, ResultDesc: "Accepted" });
    },
  );
  return router;
}
