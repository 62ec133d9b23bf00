import type { EmulatorContext } from "../context.js";
import { PaystackApiError } from "../errors.js";
import { initializeTransaction } from "../operations/initialize.js";
import { createRefund } from "../operations/refunds.js";
import { refundCreatedData, refundData, transactionData } from "../serialize.js";
import type { AccountState } from "../state/accounts.js";
import type { PaystackRoute } from "../types.js";

export interface ApiRequest {
  readonly ctx: EmulatorContext;
  readonly account: AccountState;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/** A successful answer: `{ status: true, message, data, meta? }` with HTTP `httpStatus` (default 200). */
export interface ApiSuccess {
  readonly message: string;
  readonly data: unknown;
  readonly meta?: unknown;
  readonly httpStatus?: number;
}

export interface ApiRoute {
  readonly name: PaystackRoute;
  readonly method: "get" | "post";
  /** express path; more specific paths come first. */
  readonly path: string;
  readonly handler: (request: ApiRequest) => ApiSuccess;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** The Paystack API surface this emulator serves; everything else is 404. */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    name: "transaction.initialize",
    method: "post",
    path: "/transaction/initialize",
    handler: ({ ctx, account, body }) => {
      const transaction = initializeTransaction(ctx, account, body);
      return {
        message: "Authorization URL created",
        data: {
          authorization_url: `${ctx.baseUrl}/checkout/${transaction.accessCode}`,
          access_code: transaction.accessCode,
          reference: transaction.reference,
        },
      };
    },
  },
  {
    name: "transaction.verify",
    method: "get",
    path: "/transaction/verify/:reference",
    handler: ({ ctx, account, params }) => {
      const transaction = ctx.transactions.forAccount(account, params.reference ?? "");
      // Live HTTP status unconfirmed (400 or 404, providers.md §2.2); one integration observed 400.
      if (transaction === undefined) throw new PaystackApiError(400, "Transaction reference not found");
      // 200 whatever the outcome: only data.status tells.
      return { message: "Verification successful", data: transactionData(transaction) };
    },
  },
  {
    name: "transaction.fetch",
    method: "get",
    path: "/transaction/:id",
    handler: ({ ctx, account, params }) => {
      const id = params.id ?? "";
      const transaction = /^\d+$/.test(id)
        ? ctx.transactions.byReferenceOrId(account, Number(id))
        : undefined;
      if (transaction === undefined) throw new PaystackApiError(404, "Transaction not found");
      return { message: "Transaction retrieved", data: transactionData(transaction) };
    },
  },
  {
    name: "refund.create",
    method: "post",
    path: "/refund",
    handler: ({ ctx, account, body }) => ({
      message: "Refund has been queued for processing",
      data: refundCreatedData(createRefund(ctx, account, body)),
    }),
  },
  {
    name: "refund.list",
    method: "get",
    path: "/refund",
    handler: ({ ctx, account, query }) => {
      const perPage = positiveInt(query.perPage, 50);
      const page = positiveInt(query.page, 1);
      const currency = query.currency?.toUpperCase();
      const matching = ctx.refunds.all
        .filter((refund) => refund.transaction.account === account)
        .filter(
          (refund) => query.transaction === undefined || String(refund.transaction.id) === query.transaction,
        )
        .filter((refund) => currency === undefined || refund.currency === currency)
        .reverse();
      const skipped = (page - 1) * perPage;
      return {
        message: "Refunds retrieved",
        data: matching.slice(skipped, skipped + perPage).map(refundData),
        meta: {
          total: matching.length,
          skipped,
          perPage,
          page,
          pageCount: Math.ceil(matching.length / perPage),
        },
      };
    },
  },
  {
    name: "refund.fetch",
    method: "get",
    path: "/refund/:id",
    handler: ({ ctx, account, params }) => {
      const id = params.id ?? "";
      const refund = /^\d+$/.test(id) ? ctx.refunds.get(Number(id), account) : undefined;
      if (refund === undefined) throw new PaystackApiError(404, "Refund not found");
      return { message: "Refund retrieved", data: refundData(refund) };
    },
  },
];
