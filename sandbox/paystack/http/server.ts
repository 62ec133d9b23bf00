import express, { type NextFunction, type Request, type Response } from "express";
import { type HttpServerHandle, InFlightAnswers, listenApp } from "../../shared/http-server.js";
import type { EmulatorContext } from "../context.js";
import { invalidKey, PaystackApiError } from "../errors.js";
import type { AccountState } from "../state/accounts.js";
import { faultMessage } from "../state/faults.js";
import { API_ROUTES, type ApiRoute } from "./api-routes.js";
import { finishCall, queryValues, startCall } from "./calls.js";
import { createCheckoutRouter } from "./checkout.js";

/** What to send: a status and JSON body, or `drop` to destroy the socket. */
type ApiAnswer =
  | { readonly status: number; readonly body: Record<string, unknown> }
  | { readonly drop: true };

const errorAnswer = (error: PaystackApiError): ApiAnswer => ({
  status: error.httpStatus,
  body: error.toBody(),
});

function authenticate(ctx: EmulatorContext, header: string | undefined): AccountState | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] === undefined ? undefined : ctx.accounts.bySecretKey(match[1]);
}

/** JSON (Paystack's format) or urlencoded; an empty body is `{}`. Throws 400 on malformed JSON. */
function parseBody(req: Request): Record<string, unknown> {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return {};
  const text = raw.toString("utf8");
  if (req.is("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PaystackApiError(400, "Invalid JSON in request body", {
      type: "validation_error",
      code: "invalid_params",
      nextStep: "Send a valid JSON object with content-type application/json",
    });
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

/**
 * One API request: logged, authenticated (401 `Invalid key`), faulted if a fault is queued, then
 * handled; answers Paystack's envelope. Unknown routes answer 404 before authentication.
 */
function answerApi(ctx: EmulatorContext, route: ApiRoute | undefined, req: Request, res: Response): void {
  const record = startCall(ctx, route?.name ?? "unknown", req);
  let body: Record<string, unknown> = {};
  let bodyError: PaystackApiError | undefined;
  try {
    body = parseBody(req);
    if (Object.keys(body).length > 0) record.body = body;
  } catch (error) {
    bodyError = error as PaystackApiError;
  }
  ctx.events.emit("request", record);

  const answer = ((): ApiAnswer => {
    if (route === undefined) return errorAnswer(new PaystackApiError(404, "Route not found"));
    const account = authenticate(ctx, req.get("authorization"));
    if (account === undefined) return errorAnswer(invalidKey());
    record.publicKey = account.publicKey;
    const fault = ctx.faults.take(route.name);
    if (fault !== undefined) {
      record.injected = true;
      if ("dropConnection" in fault) return { drop: true };
      return {
        status: fault.status,
        body: { status: false, message: faultMessage(fault.status, fault.message) },
      };
    }
    if (bodyError !== undefined) return errorAnswer(bodyError);
    try {
      const result = route.handler({
        ctx,
        account,
        params: req.params as Record<string, string>,
        query: queryValues(req),
        body,
      });
      const envelope: Record<string, unknown> = { status: true, message: result.message, data: result.data };
      if (result.meta !== undefined) envelope.meta = result.meta;
      return { status: result.httpStatus ?? 200, body: envelope };
    } catch (error) {
      if (error instanceof PaystackApiError) return errorAnswer(error);
      // A bug in the emulator: say so instead of pretending Paystack failed for a reason.
      const detail = error instanceof Error ? error.message : String(error);
      return { status: 500, body: { status: false, message: `Emulator failure: ${detail}` } };
    }
  })();

  if ("drop" in answer) {
    finishCall(ctx, record, { aborted: true });
    res.socket?.destroy();
    return;
  }
  finishCall(ctx, record, { status: answer.status, response: answer.body });
  res.status(answer.status).json(answer.body);
}

/**
 * Paystack's API (the routes in API_ROUTES, Bearer secret key), the hosted checkout under
 * `/checkout/:access_code`, and a JSON 404 for everything else.
 */
export async function startHttpServer(ctx: EmulatorContext): Promise<HttpServerHandle> {
  const { host, port } = ctx.options;
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");

  const inFlight = new InFlightAnswers();
  app.use(inFlight.trackAll);

  app.use("/checkout", createCheckoutRouter(ctx));
  const api = express.Router();
  api.use(express.raw({ type: () => true, limit: "1mb" }));
  for (const route of API_ROUTES)
    api[route.method](route.path, (req, res) => answerApi(ctx, route, req, res));
  api.use((req, res) => answerApi(ctx, undefined, req, res));
  app.use(api);
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (res.headersSent) return;
    if (status === 413) res.status(413).json({ status: false, message: "Request entity too large" });
    else if (status !== undefined && status >= 400 && status < 500) {
      res.status(400).json({ status: false, message: "Bad request" });
    } else res.status(500).json({ status: false, message: "Emulator failure" });
  });

  return listenApp(app, host, port, inFlight);
}
