import { Router } from "express";
import { DukaError } from "../../domain/errors.js";
import type { WhatsAppStatus } from "./status.js";

/** GET /whatsapp under the admin API: the session and its login QR; a 404 while the channel is off. */
export function whatsappAdminRoutes(status?: () => Promise<WhatsAppStatus>): Router {
  const router = Router();
  router.get("/whatsapp", async (_request, response) => {
    if (!status) throw new DukaError("not_found", "The WhatsApp channel is off (WHATSAPP_ENABLED=false)");
    response.json(await status());
  });
  return router;
}
