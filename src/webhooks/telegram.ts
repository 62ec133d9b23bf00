import express, { type RequestHandler, Router } from "express";

/** Telegram updates are small; anything bigger is not an update. */
const UPDATE_LIMIT = "256kb";

/**
 * POST /webhooks/telegram in webhook mode. The handler (grammY's webhookCallback) checks the
 * X-Telegram-Bot-Api-Secret-Token header in constant time before anything else happens.
 */
export function telegramWebhookRoutes(handler: RequestHandler): Router {
  const router = Router();
  router.post("/webhooks/telegram", express.json({ limit: UPDATE_LIMIT }), handler);
  return router;
}
