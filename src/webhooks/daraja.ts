import express, { Router } from "express";
import type { WebhookIntake } from "../payments/webhook-intake.js";
import { toWebhookRequest } from "./request.js";

/** Daraja callbacks are small; the limit keeps garbage out. */
const CALLBACK_LIMIT = "64kb";

/**
 * POST /webhooks/daraja/:instanceId/:token — the STK callback. Daraja signs nothing, so the path
 * carries the instance's unguessable token (checked by the plugin in constant time; a wrong one
 * is answered like an unknown instance). Safaricom rejects callback URLs with words like
 * "mpesa", so the path avoids them. Daraja reads no particular answer; integrations return this.
 */
export function darajaWebhookRoutes(intake: WebhookIntake): Router {
  const router = Router();
  router.post(
    "/webhooks/daraja/:instanceId/:token",
    express.raw({ type: () => true, limit: CALLBACK_LIMIT }),
    async (request, response) => {
      await intake.receive(
        "mpesa",
        String(request.params.instanceId),
        toWebhookRequest(request),
        "not_found",
      );
      response.json({ ResultCode: 0, ResultDesc: "Accepted" });
    },
  );
  return router;
}
