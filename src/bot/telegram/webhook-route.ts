import express, { type RequestHandler, Router } from "express";
import { DukaError } from "../../domain/errors.js";
import { isReadableUpdate } from "./update-shape.js";

/** Where Telegram posts updates in webhook mode (DESIGN §7: the URL never changes). */
export const TELEGRAM_WEBHOOK_PATH = "/webhooks/telegram";

/** Telegram updates are small; anything bigger is not an update. */
const UPDATE_LIMIT = "256kb";

/**
 * Only an update Duka can read reaches grammY: given a number, null, no body at all (another
 * Content-Type) or a message whose chat is not an object, the bot throws, and in webhook mode that
 * answers 5xx to what is the sender's mistake (reliability.md R26) and invites redelivery.
 */
const requireUpdate: RequestHandler = (request, _response, next) => {
  next(
    isReadableUpdate(request.body)
      ? undefined
      : new DukaError("bad_request", "The body is not a Telegram update"),
  );
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
