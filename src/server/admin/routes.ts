import express, { type ErrorRequestHandler, type Request, Router } from "express";
import { DukaError } from "../../domain/errors.js";
import { parseOrderReference } from "../../domain/reference.js";
import type { Deliveries, PaidOutcome } from "../../payments/cash-on-delivery/index.js";
import type { AttachOutcome, ReceivedMoney } from "../../payments/received-money.js";
import type { RefundOutcome, Refunds } from "../../payments/refunds.js";
import type { ProviderAdmin, ProviderView } from "../../payments/registry/admin.js";
import type { ProviderStats } from "../../payments/routing/provider-stats.js";
import { errorBody } from "../errors.js";
import { bearerAuth } from "./auth.js";
import {
  attachBody,
  createProviderBody,
  emptyBody,
  listQuery,
  orphansQuery,
  parseInput,
  statsQuery,
  testConnectionBody,
  updateProviderBody,
} from "./validate.js";

/** Where the app mounts the admin API. */
export const ADMIN_BASE = "/admin/api";

/** Provider configs are small; anything bigger is not one. */
const BODY_LIMIT = "32kb";

export interface AdminRoutesOptions {
  /** `ADMIN_TOKEN`: the bearer token every request must carry. */
  readonly token: string;
  /** The chat channels' own admin routes (the WhatsApp session and its login QR). */
  readonly channelRoutes?: readonly Router[];
  /** Refunds of paid orders (POST /orders/:ref/refund), in the shop's tenant. */
  readonly refunds: Refunds;
  /** Cash on delivery collected (POST /orders/:ref/paid), in the shop's tenant. */
  readonly deliveries: Deliveries;
  readonly tenantId: string;
  /** Each instance's success rate, time to settle and failure reasons (GET /providers/:id/stats). */
  readonly stats: ProviderStats;
  /** Paybill/Till money that matched no order (GET /orphans, POST /orphans/:transId/attach). */
  readonly receivedMoney: Pick<ReceivedMoney, "orphans" | "attach">;
}

const ATTACH_STATUS: Record<AttachOutcome["kind"], number> = {
  attached: 200,
  no_transaction: 404,
  no_order: 404,
  already_matched: 409,
  not_payable: 409,
};

const REFUND_STATUS: Record<RefundOutcome["kind"], number> = {
  refunded: 200,
  not_found: 404,
  not_refundable: 409,
  provider_refused: 502,
  // Accepted, not done: the refund reconciler settles it once the provider can be asked.
  unconfirmed: 202,
};

const PAID_STATUS: Record<PaidOutcome["kind"], number> = {
  paid: 200,
  not_found: 404,
  not_cash_on_delivery: 409,
  not_awaiting_delivery: 409,
};

/** A route's order reference, or a 404 naming what was given. */
function orderReferenceOf(request: Request): string {
  const ref = parseOrderReference(String(request.params.ref));
  if (!ref)
    throw new DukaError(
      "not_found",
      `"${String(request.params.ref).slice(0, 20)}" is not an order reference`,
    );
  return ref;
}

/**
 * The admin API, mounted under ADMIN_BASE: provider instances and the plugins they use. Every
 * request is authenticated before its body is read; every body is validated by a strict schema.
 * Errors go to the app's error middleware, except refused input, answered here with its issues:
 * `{ error: { code: "invalid", message, issues: [{ path, message }] } }` (422).
 */
export function createAdminRoutes(admin: ProviderAdmin, options: AdminRoutesOptions): Router {
  const router = Router();
  router.use(bearerAuth(options.token));
  router.use((_request, response, next) => {
    // Views carry masked secrets and webhook URLs: nothing here belongs in a shared cache.
    response.set("Cache-Control", "no-store");
    next();
  });
  router.use(express.json({ limit: BODY_LIMIT }));

  const providerUrl = (request: Request, view: ProviderView) => `${request.baseUrl}/providers/${view.id}`;
  const id = (request: Request) => String(request.params.id);
  const noBody = (request: Request) => {
    if (request.body !== undefined) parseInput(emptyBody, request.body, "body");
  };

  router.get("/plugins", (_request, response) => {
    response.json(admin.plugins());
  });

  router.post("/plugins/:name/test", async (request, response) => {
    const body = parseInput(testConnectionBody, request.body, "body");
    response.json(
      await admin.testConnection(String(request.params.name), body.config, body.testMode ?? false),
    );
  });

  router.get("/providers", async (request, response) => {
    const query = parseInput(listQuery, { ...request.query }, "query");
    response.json(await admin.list(query.tenantId));
  });

  router.post("/providers", async (request, response) => {
    const body = parseInput(createProviderBody, request.body, "body");
    const view = await admin.create(body);
    response.status(201).location(providerUrl(request, view)).json(view);
  });

  router.get("/providers/:id", async (request, response) => {
    response.json(await admin.get(id(request)));
  });

  router.get("/providers/:id/stats", async (request, response) => {
    const query = parseInput(statsQuery, { ...request.query }, "query");
    response.json(await options.stats.of(id(request), query.days));
  });

  router.patch("/providers/:id", async (request, response) => {
    const body = parseInput(updateProviderBody, request.body, "body");
    response.json(await admin.update(id(request), body));
  });

  router.delete("/providers/:id", async (request, response) => {
    await admin.remove(id(request));
    response.status(204).end();
  });

  router.post("/providers/:id/activate", async (request, response) => {
    noBody(request);
    response.json(await admin.update(id(request), { active: true }));
  });

  router.post("/providers/:id/deactivate", async (request, response) => {
    noBody(request);
    response.json(await admin.update(id(request), { active: false }));
  });

  router.post("/providers/:id/health", async (request, response) => {
    noBody(request);
    response.json(await admin.checkNow(id(request)));
  });

  router.post("/providers/:id/register-urls", async (request, response) => {
    noBody(request);
    response.json(await admin.registerWebhooks(id(request)));
  });

  router.get("/orphans", async (request, response) => {
    const { limit } = parseInput(orphansQuery, request.query, "query");
    response.json({ orphans: await options.receivedMoney.orphans(options.tenantId, limit ?? 50) });
  });

  router.post("/orphans/:transId/attach", async (request, response) => {
    const { orderRef } = parseInput(attachBody, request.body, "body");
    const outcome = await options.receivedMoney.attach(
      options.tenantId,
      String(request.params.transId),
      orderRef,
      "admin",
    );
    const body =
      outcome.kind === "attached"
        ? {
            attached: true,
            received: outcome.received,
            order: { ref: outcome.order.ref, status: outcome.order.status },
          }
        : outcome.kind === "already_matched"
          ? {
              error: {
                code: "conflict",
                message: `Already attached to ${outcome.received.orderRef ?? "an order"}`,
              },
            }
          : outcome.kind === "not_payable"
            ? { error: { code: "conflict", message: `${outcome.order.ref} cannot take it: ${outcome.why}` } }
            : outcome.kind === "no_order"
              ? { error: { code: "not_found", message: `No order ${outcome.orderRef.slice(0, 20)}` } }
              : {
                  error: {
                    code: "not_found",
                    message: `No payment received with transaction ${outcome.transId.slice(0, 20)}`,
                  },
                };
    response.status(ATTACH_STATUS[outcome.kind]).json(body);
  });

  for (const channelRoutes of options.channelRoutes ?? []) router.use(channelRoutes);

  router.post("/orders/:ref/refund", async (request, response) => {
    noBody(request);
    const ref = orderReferenceOf(request);
    const outcome = await options.refunds.refund(options.tenantId, ref, "admin");
    const body =
      outcome.kind === "refunded"
        ? { refunded: true, orderRef: ref, amount: outcome.payment.amount }
        : outcome.kind === "not_found"
          ? { error: { code: "not_found", message: `No order ${ref}` } }
          : outcome.kind === "not_refundable"
            ? {
                error: {
                  code: outcome.why,
                  message: `Order ${ref} cannot be refunded here (${outcome.why})`,
                },
              }
            : outcome.kind === "unconfirmed"
              ? {
                  refunded: false,
                  orderRef: ref,
                  message: `The provider did not answer about the refund of ${ref}; Duka will ask it again`,
                }
              : { error: { code: "provider_refused", message: outcome.message } };
    response.status(REFUND_STATUS[outcome.kind]).json(body);
  });

  // The merchant collected the cash on delivery: the same as `/paid REF` in the merchant's chat.
  router.post("/orders/:ref/paid", async (request, response) => {
    noBody(request);
    const ref = orderReferenceOf(request);
    const outcome = await options.deliveries.markPaid(options.tenantId, ref, "admin");
    const body =
      outcome.kind === "paid"
        ? { paid: true, orderRef: ref, status: outcome.order.status, alreadyDone: outcome.alreadyDone }
        : outcome.kind === "not_found"
          ? { error: { code: "not_found", message: `No order ${ref}` } }
          : {
              error: {
                code: outcome.kind,
                message:
                  outcome.kind === "not_cash_on_delivery"
                    ? `Order ${ref} is not paid on delivery`
                    : `Order ${ref} is ${outcome.order.status}, not awaiting delivery`,
              },
            };
    response.status(PAID_STATUS[outcome.kind]).json(body);
  });

  // Unknown routes under the admin base answer here, behind the token, so they reveal nothing.
  router.use((request, _response, next) => {
    next(new DukaError("not_found", `No route ${request.method} ${request.baseUrl}${request.path}`));
  });
  router.use(withIssues);
  return router;
}

/** Refused input keeps its list of issues; everything else goes to the app's error middleware. */
const withIssues: ErrorRequestHandler = (error, _request, response, next) => {
  if (error instanceof DukaError && error.code === "invalid" && hasIssues(error)) {
    response
      .status(422)
      .json({ error: { ...errorBody(error.code, error.message).error, issues: error.issues } });
    return;
  }
  next(error);
};

function hasIssues(
  error: DukaError,
): error is DukaError & { issues: readonly { path: string; message: string }[] } {
  return Array.isArray((error as { issues?: unknown }).issues);
}
