import express, { type RequestHandler, Router } from "express";
import { DukaError } from "../domain/errors.js";
import type { PaymentPlugin } from "../payments/plugin.js";
import { DEFAULT_WEBHOOK_BODY_BYTES } from "../payments/plugin-webhook.js";
import type { WebhookIntake } from "../payments/webhook-intake.js";
import { toWebhookRequest } from "./request.js";

/**
 * POST /webhooks/:segment/:instanceId[/…] — every payment plugin's webhooks, built-in or loaded
 * from PAYMENT_PLUGINS. The plugin named by the segment says how big a body may be, which secret
 * path parts follow the instance id, how a request failing authentication is answered and what an
 * accepted one gets back; the intake verifies, records and queues.
 */
export function paymentWebhookRoutes(deps: {
  intake: WebhookIntake;
  pluginForWebhook: (segment: string) => PaymentPlugin | undefined;
}): Router {
  const router = Router();
  // One raw-body parser per plugin, made on its first webhook (its limit is the plugin's).
  const parsers = new Map<string, RequestHandler>();
  const parserOf = (plugin: PaymentPlugin) => {
    let parser = parsers.get(plugin.name);
    if (!parser) {
      const limit = plugin.webhook?.maxBodyBytes ?? DEFAULT_WEBHOOK_BODY_BYTES;
      parser = express.raw({ type: () => true, limit });
      parsers.set(plugin.name, parser);
    }
    return parser;
  };
  router.post(
    "/webhooks/:segment/:instanceId{/*rest}",
    (request, response, next) => {
      const plugin = deps.pluginForWebhook(String(request.params.segment));
      const declared = plugin?.webhook?.pathParams ?? [];
      const rest = request.params.rest ?? [];
      // Unknown plugin or the wrong number of path parts: no such webhook, before reading a byte.
      if (!plugin || rest.length !== declared.length) throw new DukaError("not_found", "No such webhook");
      response.locals.plugin = plugin;
      response.locals.pathParams = Object.fromEntries(declared.map((name, index) => [name, rest[index]!]));
      parserOf(plugin)(request, response, next);
    },
    async (request, response) => {
      const plugin = response.locals.plugin as PaymentPlugin;
      const webhookRequest = toWebhookRequest(request);
      const answer = await deps.intake.receive(plugin, String(request.params.instanceId), {
        ...webhookRequest,
        params: { instanceId: String(request.params.instanceId), ...response.locals.pathParams },
      });
      response.json(answer ? answer.body : plugin.webhook!.acknowledgement);
    },
  );
  return router;
}
