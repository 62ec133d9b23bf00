import express, { type RequestHandler, Router } from "express";
import { DukaError } from "../../domain/errors.js";

/** Where Telegram posts updates in webhook mode (DESIGN §7: the URL never changes). */
export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";

/** Telegram updates are small; anything bigger is not an update. */
const UPDATE_LIMIT = "256kb";

/**
 * Only a JSON object with an integer update_id reaches grammY: given a number, an array, null or
 * no body at all (another Content-Type), its webhook handler throws, which would answer 5xx to
 * what is the sender's mistake (reliability.md R26).
 */
const requireUpdate: RequestHandler = (request, _response, next) => {
  const body: unknown = request.body;
  const isUpdate =
    typeof body === "object" &&
    body !== null &&
    !Array.isArray(body) &&
    Number.isSafeInteger((body as { update_id?: unknown }).update_id);
  next(isUpdate ? undefined : new DukaError("bad_request", "The body is not a Telegram update"));
};

/**
 * POST /webhooks/telegram in webhook mode. The handler (grammY's webhookCallback) checks the
 * X-Telegram-Bot-Api-Secret-Token header in constant time before anything else happens.
 */
export function telegramWebhookRoutes(handler: RequestHandler): Router {
  const router = Router();
  router.post(TELEGRAM_WEBHOOK_PATH, express.json({ limit: UPDATE_LIMIT }), requireUpdate, handler);
  return router;
}
