import express, { Router } from "express";
import type { WebhookIntake } from "../payments/webhook-intake.js";
import { toWebhookRequest } from "./request.js";

/** Paystack events are small JSON documents (reliability.md §3.1: about 64 kb). */
const EVENT_LIMIT = "64kb";

/**
 * POST /webhooks/paystack/:instanceId — Paystack events, signed with the instance's secret key
 * (x-paystack-signature, HMAC-SHA512 over the exact bytes, checked by the plugin before any
 * parsing). Paystack retries for 72 hours, so a duplicate is answered 200 and queues nothing.
 */
export function paystackWebhookRoutes(intake: WebhookIntake): Router {
  const router = Router();
  router.post(
    "/webhooks/paystack/:instanceId",
    express.raw({ type: () => true, limit: EVENT_LIMIT }),
    async (request, response) => {
      await intake.receive(
        "paystack",
        String(request.params.instanceId),
        toWebhookRequest(request),
        "unauthorized",
      );
      response.json({ received: true });
    },
  );
  return router;
}
