import express, { type NextFunction, type Request, type Response } from "express";
import { type HttpServerHandle, InFlightAnswers, listenApp } from "../../shared/http-server.js";
import type { EmulatorContext } from "../context.js";
import { BotApiError } from "../errors.js";
import type { ApiAnswer } from "../invoke.js";
import { invokeMethod } from "../invoke.js";
import { Params } from "../params.js";
import { parseMultipart } from "./multipart.js";

const METHOD_PATH = /^\/bot([^/]+)\/([^/]*)$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;

function sendEnvelope(res: Response, answer: ApiAnswer): void {
  if (answer.body === undefined) {
    res.socket?.destroy();
    return;
  }
  if (!res.headersSent && !res.writableEnded) res.status(answer.status).json(answer.body);
}

function sendError(res: Response, error: BotApiError): void {
  sendEnvelope(res, {
    status: error.errorCode,
    body: { ok: false, error_code: error.errorCode, description: error.description },
  });
}

function queryValues(req: Request): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    values[key] = Array.isArray(value) ? value.at(-1) : value;
  }
  return values;
}

/**
 * The Bot API over HTTP: `/bot<token>/<method>` (GET or POST; query string, JSON, urlencoded or
 * multipart) and `/file/bot<token>/<file_path>` downloads. Everything else is a Telegram-shaped 404.
 */
export async function startHttpServer(ctx: EmulatorContext): Promise<HttpServerHandle> {
  const { botToken, maxUploadBytes, maxDownloadBytes, host, port } = ctx.options;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use(express.json({ limit: maxUploadBytes, type: ["application/json", "application/*+json"] }));
  app.use(express.urlencoded({ extended: false, limit: maxUploadBytes }));

  // close() waits only for method calls; downloads and errors are written in one go.
  const inFlight = new InFlightAnswers();

  app.use(async (req, res, next) => {
    const file = FILE_PATH.exec(req.path);
    if (file !== null) {
      if (decodeURIComponent(file[1] ?? "") !== botToken)
        return sendError(res, new BotApiError(401, "Unauthorized"));
      const stored = ctx.files.getByPath(decodeURIComponent(file[2] ?? ""));
      if (stored === undefined || stored.fileSize > maxDownloadBytes) {
        return sendError(res, new BotApiError(404, "Not Found"));
      }
      res.type(stored.mimeType ?? (stored.kind === "photo" ? "image/jpeg" : "application/octet-stream"));
      res.send(Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.byteLength));
      return;
    }

    const call = METHOD_PATH.exec(req.path);
    if (call === null) return next();
    if (decodeURIComponent(call[1] ?? "") !== botToken)
      return sendError(res, new BotApiError(401, "Unauthorized"));
    const method = call[2] ?? "";
    if (method === "") return sendError(res, new BotApiError(404, "Not Found: method not found"));

    inFlight.track(res);
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    let params: Params;
    try {
      if (req.is("multipart/form-data")) {
        const body = await parseMultipart(req, maxUploadBytes);
        params = new Params({ ...queryValues(req), ...body.fields }, body.uploads);
      } else {
        const body =
          typeof req.body === "object" && req.body !== null ? (req.body as Record<string, unknown>) : {};
        params = new Params({ ...queryValues(req), ...body });
      }
    } catch (error) {
      return sendError(res, error instanceof BotApiError ? error : new BotApiError(400, "Bad Request"));
    }
    const answer = await invokeMethod(ctx, method, params, { transport: "http", signal: controller.signal });
    if (!controller.signal.aborted) sendEnvelope(res, answer);
  });

  app.use((_req: Request, res: Response) => sendError(res, new BotApiError(404, "Not Found")));
  // Body-parser failures (bad JSON, too large) in Telegram's envelope.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status === 413) return sendError(res, new BotApiError(413, "Request Entity Too Large"));
    if (status !== undefined && status >= 400 && status < 500) {
      return sendError(res, new BotApiError(400, "Bad Request: can't parse JSON object"));
    }
    return sendError(res, new BotApiError(500, "Internal Server Error"));
  });

  return listenApp(app, host, port, inFlight);
}
