import express, { type NextFunction, type Request, type Response } from "express";
import { type HttpServerHandle, InFlightAnswers, listenApp } from "../../shared/http-server.js";
import type { ApiAnswer } from "../api/types.js";
import type { DarajaContext } from "../context.js";
import {
  DarajaApiError,
  invalidAccessToken,
  invalidField,
  methodNotAllowed,
  resourceNotFound,
} from "../errors.js";
import { newRequestId } from "../ids.js";
import type { MutableCallRecord } from "../state/call-log.js";
import { faultError } from "../state/faults.js";
import type { DarajaCallRecord } from "../types.js";
import { DARAJA_PATHS, ROUTES } from "./routes.js";

function errorAnswer(error: DarajaApiError): ApiAnswer {
  return {
    status: error.status,
    body: { requestId: newRequestId(), errorCode: error.errorCode, errorMessage: error.errorMessage },
  };
}

function authScheme(header: string | undefined): DarajaCallRecord["auth"] {
  if (header === undefined || header === "") return "none";
  if (/^basic /i.test(header)) return "basic";
  if (/^bearer /i.test(header)) return "bearer";
  return "other";
}

function queryValues(req: Request): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    const last = Array.isArray(value) ? value.at(-1) : value;
    if (typeof last === "string") values[key] = last;
  }
  return values;
}

function parseBody(raw: unknown): { body: unknown; malformed: boolean } {
  if (typeof raw !== "string" || raw.trim() === "") return { body: undefined, malformed: false };
  try {
    return { body: JSON.parse(raw) as unknown, malformed: false };
  } catch {
    return { body: raw, malformed: true };
  }
}

/**
 * Answers one request in Daraja's order: unknown path (404 `404.001.01`), wrong method (405
 * `405.001`), injected fault, access token (404 `404.001.03`), JSON body, then the endpoint.
 * `undefined` means "drop the connection".
 */
function answer(
  ctx: DarajaContext,
  req: Request,
  record: MutableCallRecord,
  body: unknown,
  malformed: boolean,
): ApiAnswer | undefined {
  const route = ROUTES.get(req.path);
  if (route === undefined) return errorAnswer(resourceNotFound());
  if (req.method !== route.method) return errorAnswer(methodNotAllowed());
  const fault = ctx.faults.take(req.path);
  if (fault !== undefined) {
    record.injected = true;
    return "dropConnection" in fault ? undefined : errorAnswer(faultError(fault));
  }
  const authorization = req.get("authorization");
  if (route.auth === "bearer") {
    const token = /^bearer (.+)$/i.exec(authorization ?? "")?.[1]?.trim();
    if (token === undefined || !ctx.tokens.isValid(token, ctx.now()))
      return errorAnswer(invalidAccessToken());
    if (malformed) return errorAnswer(invalidField("JSON"));
  }
  try {
    return route.handle(ctx, { query: record.query, authorization, body });
  } catch (error) {
    if (error instanceof DarajaApiError) return errorAnswer(error);
    // A bug in the emulator: say so instead of pretending Daraja failed for a reason.
    const detail = error instanceof Error ? error.message : String(error);
    return errorAnswer(
      new DarajaApiError(500, "500.003.1001", `Internal Server Error: emulator failure: ${detail}`),
    );
  }
}

function respond(
  ctx: DarajaContext,
  res: Response,
  record: MutableCallRecord,
  result: ApiAnswer | undefined,
) {
  record.finishedAt = Date.now();
  if (result === undefined) {
    res.socket?.destroy();
  } else {
    record.status = result.status;
    record.response = result.body;
    const { errorCode, errorMessage } = result.body;
    if (typeof errorCode === "string") record.errorCode = errorCode;
    if (typeof errorMessage === "string") record.errorMessage = errorMessage;
    if (!res.headersSent) res.status(result.status).json(result.body);
  }
  ctx.events.emit("response", record);
}

/** Daraja over HTTP: the OAuth, STK push and STK query endpoints, everything else a Daraja-shaped 404. */
export async function startHttpServer(ctx: DarajaContext): Promise<HttpServerHandle> {
  const { host, port } = ctx.options;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  // Any content type is read as text and parsed here, so a bad body gets a Daraja-shaped answer.
  app.use(express.text({ type: () => true, limit: "1mb" }));

  const inFlight = new InFlightAnswers();
  app.use(inFlight.trackAll);

  const start = (req: Request, body: unknown) => {
    const record = ctx.calls.start({
      method: req.method,
      path: req.path,
      query: queryValues(req),
      body,
      auth: authScheme(req.get("authorization")),
    });
    if (req.path === DARAJA_PATHS.oauth) ctx.tokens.requests++;
    ctx.events.emit("request", record);
    return record;
  };

  app.use((req: Request, res: Response) => {
    const { body, malformed } = parseBody(req.body);
    const record = start(req, body);
    respond(ctx, res, record, answer(ctx, req, record, body, malformed));
  });
  // Body-reading failures (too large, bad encoding).
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const record = start(req, undefined);
    const status = (error as { status?: number }).status;
    const failure =
      status === 413
        ? new DarajaApiError(413, "400.002.02", "Bad Request - Request Entity Too Large")
        : invalidField("Body");
    respond(ctx, res, record, errorAnswer(failure));
  });

  return listenApp(app, host, port, inFlight);
}
