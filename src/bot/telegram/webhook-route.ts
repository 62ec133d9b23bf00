import express, { type RequestHandler, Router } from "express";

/** Where Telegram posts updates in webhook mode (DESIGN §7: the URL never changes). */
export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";

/** Telegram updates are small; anything bigger is not an update. */
const UPDATE_LIMIT = "256kb";

/**
 * POST /webhooks/telegram in webhook mode. The handler (grammY's webhookCallback) checks the
 * X-Telegram-Bot-Api-Secret-Token header in constant time before anything else happens.
 */
export function telegramWebhookRoutes(handler: RequestHandler): Router {
  const router = Router();
  router.post(TELEGRAM_WEBHOOK_PATH, express.json({ limit: UPDATE_LIMIT }), handler);
  return router;
}
