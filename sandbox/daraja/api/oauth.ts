import type { DarajaContext } from "../context.js";
import { DarajaApiError } from "../errors.js";
import type { ApiAnswer, ApiRequest } from "./types.js";

export const invalidGrantType = () => new DarajaApiError(400, "400.008.02", "Invalid grant type passed");
export const invalidAuthenticationType = () =>
  new DarajaApiError(400, "400.008.01", "Invalid authentication type passed");
/** Wrong key/secret: Daraja's exact answer is [unconfirmed]; community code reports this 400. */
export const invalidAuthentication = () =>
  new DarajaApiError(400, "400.008.01", "Invalid Authentication passed");

function decodeBasic(authorization: string): { key: string; secret: string } | undefined {
  const encoded = authorization.slice("basic ".length).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * `GET /oauth/v1/generate?grant_type=client_credentials` with Basic auth. Checks the grant type, then
 * the auth scheme, then the pair; a new token invalidates the app's previous one.
 */
export function generateToken(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  if (request.query.grant_type !== "client_credentials") throw invalidGrantType();
  const authorization = request.authorization ?? "";
  if (!/^basic /i.test(authorization)) throw invalidAuthenticationType();
  const pair = decodeBasic(authorization);
  const app = ctx.options.apps.find(
    (candidate) => candidate.consumerKey === pair?.key && candidate.consumerSecret === pair?.secret,
  );
  if (app === undefined) throw invalidAuthentication();
  const ttl = ctx.options.tokenTtlSeconds;
  const accessToken = ctx.tokens.issue(app.consumerKey, ctx.now(), ttl);
  return {
    status: 200,
    body: {
      access_token: accessToken,
      expires_in: ctx.options.expiresInType === "string" ? String(ttl) : ttl,
    },
  };
}
