import { registerUrl, simulate } from "../api/c2b.js";
import { generateToken } from "../api/oauth.js";
import { queryPull, registerPull } from "../api/pull-transactions.js";
import { processRequest } from "../api/stk-push.js";
import { queryPush } from "../api/stk-query.js";
import { transactionStatus } from "../api/transaction-status.js";
import type { ApiAnswer, ApiRequest } from "../api/types.js";
import type { DarajaContext } from "../context.js";

/** The paths the emulator serves (relative to `baseUrl`, like Daraja's to its base URL). */
export const DARAJA_PATHS = {
  oauth: "/oauth/v1/generate",
  stkPush: "/mpesa/stkpush/v1/processrequest",
  stkQuery: "/mpesa/stkpushquery/v1/query",
  c2bRegisterV1: "/mpesa/c2b/v1/registerurl",
  c2bRegisterV2: "/mpesa/c2b/v2/registerurl",
  c2bSimulateV1: "/mpesa/c2b/v1/simulate",
  c2bSimulateV2: "/mpesa/c2b/v2/simulate",
  transactionStatus: "/mpesa/transactionstatus/v1/query",
  pullRegister: "/pulltransactions/v1/register",
  pullQuery: "/pulltransactions/v1/query",
} as const;

export interface Route {
  readonly method: "GET" | "POST";
  /** "basic": the OAuth endpoint checks its own header; "bearer": a valid access token is required. */
  readonly auth: "basic" | "bearer";
  readonly handle: (ctx: DarajaContext, request: ApiRequest) => ApiAnswer;
}

export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [DARAJA_PATHS.oauth, { method: "GET", auth: "basic", handle: generateToken }],
  [DARAJA_PATHS.stkPush, { method: "POST", auth: "bearer", handle: processRequest }],
  [DARAJA_PATHS.stkQuery, { method: "POST", auth: "bearer", handle: queryPush }],
  [DARAJA_PATHS.c2bRegisterV1, { method: "POST", auth: "bearer", handle: registerUrl("v1") }],
  [DARAJA_PATHS.c2bRegisterV2, { method: "POST", auth: "bearer", handle: registerUrl("v2") }],
  [DARAJA_PATHS.c2bSimulateV1, { method: "POST", auth: "bearer", handle: simulate }],
  [DARAJA_PATHS.c2bSimulateV2, { method: "POST", auth: "bearer", handle: simulate }],
  [DARAJA_PATHS.transactionStatus, { method: "POST", auth: "bearer", handle: transactionStatus }],
  [DARAJA_PATHS.pullRegister, { method: "POST", auth: "bearer", handle: registerPull }],
  [DARAJA_PATHS.pullQuery, { method: "POST", auth: "bearer", handle: queryPull }],
]);
