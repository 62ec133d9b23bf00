import type { WebhookInfo } from "grammy/types";
import { badRequest, conflict } from "../errors.js";
import type { Params } from "../params.js";
import type { MethodCall } from "./method.js";
import { DescribedResult } from "./method.js";

function readAllowedUpdates(params: Params): string[] | undefined {
  const value = params.json("allowed_updates", "can't parse allowed updates JSON array");
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw badRequest("can't parse allowed updates JSON array");
  }
  return value;
}

/**
 * Long polling as Telegram does it: updates below `offset` are confirmed and forgotten; with nothing
 * to return and `timeout` > 0 the request is held until an update arrives or the timeout passes. A
 * newer getUpdates ends a held one with 409, and getUpdates is refused while a webhook is set.
 */
export async function getUpdates({ ctx, params, record, signal }: MethodCall): Promise<unknown> {
  if (ctx.webhook.config !== undefined) {
    throw conflict(
      "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  ctx.poll.preempt(
    conflict("terminated by other getUpdates request; make sure that only one bot instance is running"),
  );
  const offset = params.int("offset") ?? 0;
  const limit = Math.min(100, Math.max(1, params.int("limit") ?? 100));
  const timeoutSeconds = Math.max(0, params.int("timeout") ?? 0);
  const allowed = readAllowedUpdates(params);
  if (allowed !== undefined) ctx.updates.setAllowed(allowed);

  ctx.updates.confirm(offset);
  const ready = ctx.updates.peek(limit);
  if (ready.length > 0 || timeoutSeconds === 0 || ctx.closed) return ready;

  record.held = true;
  const outcome = ctx.poll.wait(timeoutSeconds * 1000, signal);
  ctx.events.emit("poll", record);
  await outcome;
  return ctx.updates.peek(limit);
}

export function setWebhook({ ctx, params }: MethodCall): unknown {
  const url = params.string("url") ?? "";
  if (params.bool("drop_pending_updates") === true) ctx.updates.clear();
  if (url === "") {
    const wasSet = ctx.webhook.config !== undefined;
    ctx.webhook.delete();
    return new DescribedResult(true, wasSet ? "Webhook was deleted" : "Webhook is already deleted");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
  }
  // Telegram requires HTTPS; the emulator also accepts http:// so tests can use a local server.
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  }
  const secretToken = params.string("secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest("secret token contains unallowed characters");
  }
  const maxConnections = Math.min(100, Math.max(1, params.int("max_connections") ?? 40));
  const allowed = readAllowedUpdates(params);
  if (allowed !== undefined) ctx.updates.setAllowed(allowed);

  const previous = ctx.webhook.config;
  const unchanged = previous?.url === url && previous.secretToken === secretToken;
  ctx.poll.preempt(conflict("terminated by setWebhook request"));
  ctx.webhook.set(url, secretToken, maxConnections, params.string("ip_address"));
  return new DescribedResult(true, unchanged ? "Webhook is already set" : "Webhook was set");
}

export function deleteWebhook({ ctx, params }: MethodCall): unknown {
  if (params.bool("drop_pending_updates") === true) ctx.updates.clear();
  const wasSet = ctx.webhook.config !== undefined;
  ctx.webhook.delete();
  return new DescribedResult(true, wasSet ? "Webhook was deleted" : "Webhook is already deleted");
}

export function getWebhookInfo({ ctx }: MethodCall): WebhookInfo {
  const config = ctx.webhook.config;
  const lastError = ctx.webhook.lastError;
  const allowed = ctx.updates.allowedUpdates;
  return {
    url: config?.url ?? "",
    has_custom_certificate: false,
    pending_update_count: ctx.updates.size,
    ...(config === undefined ? {} : { max_connections: config.maxConnections }),
    ...(config?.ipAddress === undefined ? {} : { ip_address: config.ipAddress }),
    ...(lastError === undefined
      ? {}
      : { last_error_date: lastError.date, last_error_message: lastError.message }),
    ...(allowed === undefined ? {} : { allowed_updates: allowed as WebhookInfo["allowed_updates"] }),
  };
}
