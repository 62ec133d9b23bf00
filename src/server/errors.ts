import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { DukaError, type ErrorCode } from "../domain/errors.js";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid: 422,
  payload_too_large: 413,
  unavailable: 503,
  config: 500,
};

/** Other codes (a provider's, an internal one) are not the client's to act on: they answer 503. */
const isHttpCode = (code: string): code is ErrorCode => Object.hasOwn(STATUS, code);

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export const notFound: RequestHandler = (request, response) => {
  response.status(404).json(errorBody("not_found", `No route ${request.method} ${request.path}`));
};

/**
 * Maps errors to the JSON error shape. Body-parser errors (bad JSON, too large, wrong charset)
 * are the client's: 4xx. A 5xx means only that we could not record a valid request.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _request, response, _next) => {
    if (error instanceof DukaError && isHttpCode(error.code)) {
      response.status(STATUS[error.code]).json(errorBody(error.code, error.message));
      return;
    }
    const status = typeof error?.status === "number" ? error.status : 500;
    if (status >= 400 && status < 500) {
      const code = status === 413 ? "payload_too_large" : "bad_request";
      const message = status === 413 ? "The request body is too large" : "The request body could not be read";
      response.status(status).json(errorBody(code, message));
      return;
    }
    logger.error({ err: error }, "request failed");
    response
      .status(503)
      .json(errorBody("unavailable", "The service could not handle the request; retry later"));
  };
}
