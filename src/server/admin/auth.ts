import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ConfigError, DukaError } from "../../domain/errors.js";

const BEARER = /^Bearer +([^\s]+) *$/i;

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/**
 * `Authorization: Bearer <token>`, compared in constant time over SHA-256 digests (equal
 * lengths whatever was sent, so neither the token's length nor a prefix leaks). No credentials:
 * 401 with `WWW-Authenticate: Bearer`; the wrong ones: 403. Runs before any body is read.
 */
export function bearerAuth(token: string): RequestHandler {
  if (token.length === 0) throw new ConfigError("ADMIN_TOKEN is empty; set it to a long random value");
  const expected = digest(token);
  return (request, response, next) => {
    const match = BEARER.exec(request.get("authorization") ?? "");
    if (!match) {
      response.set("WWW-Authenticate", 'Bearer realm="duka-admin"');
      next(new DukaError("unauthorized", "Send the admin token as: Authorization: Bearer <ADMIN_TOKEN>"));
      return;
    }
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      next(new DukaError("forbidden", "The admin token is not valid"));
      return;
    }
    next();
  };
}
