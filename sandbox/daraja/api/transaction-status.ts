import type { DarajaContext } from "../context.js";
import { invalidField } from "../errors.js";
import { newRequestId } from "../ids.js";
import { callbackUrlField, nonEmptyStringField, shortcodeField } from "../validation/fields.js";
import { asObject } from "./stk-push.js";
import type { ApiAnswer, ApiRequest } from "./types.js";

/**
 * `POST /mpesa/transactionstatus/v1/query` (providers-2.md §3.7): the fields are checked, the
 * answer only acknowledges, and the result is POSTed to `ResultURL` afterwards.
 */
export function transactionStatus(ctx: DarajaContext, request: ApiRequest): ApiAnswer {
  const body = asObject(request.body);
  const initiator = nonEmptyStringField(body, "Initiator");
  nonEmptyStringField(body, "SecurityCredential");
  if (body.CommandID !== "TransactionStatusQuery") throw invalidField("CommandID");
  const transactionId = nonEmptyStringField(body, "TransactionID");
  const partyA = shortcodeField(body, "PartyA");
  if (!["1", "2", "4"].includes(String(body.IdentifierType))) throw invalidField("IdentifierType");
  const resultUrl = callbackUrlField(body, "ResultURL");
  callbackUrlField(body, "QueueTimeOutURL");
  const conversationId = `AG_${newRequestId().replace(/\W/g, "")}`;
  const originatorConversationId = newRequestId();
  ctx.c2b.sendStatusResult({
    initiator,
    transactionId,
    partyA,
    resultUrl,
    conversationId,
    originatorConversationId,
    occasion: typeof body.Occasion === "string" ? body.Occasion : "",
  });
  return {
    status: 200,
    body: {
      OriginatorConversationID: originatorConversationId,
      ConversationID: conversationId,
      ResponseCode: "0",
      ResponseDescription: "Accept the service request successfully.",
    },
  };
}
