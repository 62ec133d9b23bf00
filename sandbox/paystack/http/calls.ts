import type { Request } from "express";
import type { EmulatorContext } from "../context.js";
import type { MutableCallRecord } from "../state/call-log.js";
import type { PaystackRoute } from "../types.js";

export function queryValues(req: Request): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (typeof last === "string") values[key] = last;
  }
  return values;
}

/** Logs an arriving request; the caller fills `body`/`publicKey`, then calls `finishCall`. */
export function startCall(
  ctx: EmulatorContext,
  route: PaystackRoute | "unknown",
  req: Request,
): MutableCallRecord {
  return ctx.calls.start({ route, method: req.method, path: req.path, query: queryValues(req) });
}

export function finishCall(
  ctx: EmulatorContext,
  record: MutableCallRecord,
  outcome: { status: number; response?: unknown } | { aborted: true },
): void {
  record.finishedAt = Date.now();
  if ("aborted" in outcome) record.aborted = true;
  else {
    record.status = outcome.status;
    if (outcome.response !== undefined) record.response = outcome.response;
  }
  ctx.events.emit("response", record);
}

/** The client's address without the IPv4-mapped prefix ("::ffff:127.0.0.1" → "127.0.0.1"). */
export function clientIp(req: Request): string | null {
  const address = req.socket.remoteAddress;
  if (address === undefined) return null;
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
