import type { DarajaContext } from "../context.js";
import { DarajaApiError, invalidField } from "../errors.js";
import { newRequestId } from "../ids.js";
import { amountField, callbackUrlField, msisdnField, shortcodeField } from "../validation/fields.js";
import { asObject } from "./stk-push.js";
import type { ApiAnswer, ApiRequest } from "./types.js";

const RESPONSE_TYPES = ["Completed", "Cancelled"] as const;

/** Production registers once per shortcode (providers-2.md §3.2); the sandbox overwrites freely. */
export const ALREADY_REGISTERED = new DarajaApiError(500, "500.003.1001", "Urls are already registered");

/**
 * `POST /mpesa/c2b/{v1,v2}/registerurl`: `ShortCode` must be configured, `ResponseType` exactly
 * `Completed` or `Cancelled` (sentence case), both URLs absolute http(s) without forbidden words.
 */
export function registerUrl(version: "v1" | "v2") {
  return (ctx: DarajaContext, request: ApiRequest): ApiAnswer => {
    const body = asObject(request.body);
    const shortcode = shortcodeField(body, "ShortCode");
    if (!ctx.shortcode(shortcode)) throw invalidField("ShortCode");
    const responseType = body.ResponseType;
    if (!RESPONSE_TYPES.includes(responseType as (typeof RESPONSE_TYPES)[number]))
      throw invalidField("ResponseType");
    const confirmationUrl = callbackUrlField(body, "ConfirmationURL");
    const validationUrl =
      body.ValidationURL === undefined ? undefined : callbackUrlField(body, "ValidationURL");
    if (ctx.options.c2bRegisterOnce && ctx.c2b.registrations.has(shortcode)) throw ALREADY_REGISTERED;
    ctx.c2b.registrations.set(shortcode, {
      shortcode,
      version,
      responseType: responseType as (typeof RESPONSE_TYPES)[number],
      confirmationUrl,
      ...(validationUrl === undefined ? {} : { validationUrl }),
    });
    return {
      status: 200,
      body: { OriginatorCoversationID: newRequestId(), ResponseCode: "0", ResponseDescription: "Success" },
    };
  };
}

/**
 * `POST /mpesa/c2b/{v1,v2}/simulate` (sandbox): a shopper pays the shortcode. Answers at once; the
 * validation and confirmation follow as for a payment made from the SIM menu.
 */
export function simulate(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  const body = asObject(request.body);
  const shortcode = shortcodeField(body, "ShortCode");
  if (!ctx.shortcode(shortcode)) throw invalidField("ShortCode");
  const commandId = body.CommandID;
  if (commandId !== "CustomerPayBillOnline" && commandId !== "CustomerBuyGoodsOnline")
    throw invalidField("CommandID");
  const amount = amountField(body);
  const msisdn = msisdnField(body, "Msisdn");
  const account = typeof body.BillRefNumber === "string" ? body.BillRefNumber : undefined;
  void ctx.c2b
    .pay({
      shortcode,
      kind: commandId === "CustomerBuyGoodsOnline" ? "till" : "paybill",
      amount,
      msisdn,
      ...(account === undefined ? {} : { account }),
      firstName: "JOHN",
      delivery: "normal",
      copies: 1,
    })
    .catch(() => undefined);
  return {
    status: 200,
    body: {
      OriginatorCoversationID: newRequestId(),
      ResponseCode: "0",
      ResponseDescription: "Accept the service request successfully.",
    },
  };
}
