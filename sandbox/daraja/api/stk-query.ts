import type { DarajaContext } from "../context.js";
import { BEING_PROCESSED, invalidField, merchantError } from "../errors.js";
import { parseStkQueryFields } from "../validation/stk-push.js";
import { authenticateMerchant } from "./merchant.js";
import { asObject } from "./stk-push.js";
import type { ApiAnswer, ApiRequest } from "./types.js";

export const QUERY_ACCEPTED_DESCRIPTION = "The service request has been accepted successfully";

/**
 * `POST /mpesa/stkpushquery/v1/query`. While the push is pending (or forced pending by
 * `queryPendingFor`), HTTP 500 `500.001.1001` "The transaction is being processed"; once final, 200
 * with `ResultCode` as a string. An id this shortcode never issued: 400 "Invalid CheckoutRequestID".
 */
export function queryPush(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  const fields = parseStkQueryFields(asObject(request.body), ctx.now(), ctx.options.timestampToleranceMs);
  authenticateMerchant(ctx, fields.businessShortCode, fields.password, fields.timestamp);
  const state = ctx.pushes.get(fields.checkoutRequestId);
  if (state === undefined || state.fields.businessShortCode !== fields.businessShortCode) {
    throw invalidField("CheckoutRequestID");
  }
  if (state.forcedPendingQueries > 0) {
    state.forcedPendingQueries--;
    throw merchantError(BEING_PROCESSED);
  }
  const result = state.result;
  if (result === undefined) throw merchantError(BEING_PROCESSED);
  return {
    status: 200,
    body: {
      ResponseCode: "0",
      ResponseDescription: QUERY_ACCEPTED_DESCRIPTION,
      MerchantRequestID: state.merchantRequestId,
      CheckoutRequestID: state.checkoutRequestId,
      ResultCode: String(result.resultCode),
      ResultDesc: result.resultDesc,
    },
  };
}
