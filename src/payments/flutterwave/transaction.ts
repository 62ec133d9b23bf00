import { formatMoney, fromMajor, type Money, toMajor } from "../../domain/money.js";
import type { Payment } from "../../domain/payment.js";
import { type InitiateRequest, type InitiateResult, ProviderError, type VerifyResult } from "../plugin.js";
import type { ProviderAnswer } from "../provider-http.js";
import type { FlutterwaveClient } from "./client.js";
import type { FlutterwaveConfig } from "./config.js";
import {
  type FlutterwaveErrorBody,
  NEEDS_EMAIL,
  REFUND_FAILED,
  toProviderError,
  unexpectedAnswer,
} from "./errors.js";

export const PAYMENTS_PATH = "/v3/payments";
export const VERIFY_BY_REFERENCE_PATH = "/v3/transactions/verify_by_reference";
export const transactionPath = (id: string) => `/v3/transactions/${encodeURIComponent(id)}`;

/**
 * The tx_ref of a payment: its id, as is. A pure function of the id, so verify can always ask by it
 * (an initiate whose answer was lost included) and never needs a stored provider reference.
 */
export const txRefOf = (payment: Pick<Payment, "_id">): string => payment._id;

const asRecord = (json: unknown): Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};

/** `data` of `{ status: "success", data: {…} }`, or undefined (the 200-shaped "error" included). */
export function dataOf(json: unknown): Record<string, unknown> | undefined {
  const body = asRecord(json);
  if (body.status !== "success" || typeof body.data !== "object" || body.data === null) return undefined;
  return asRecord(body.data);
}

/** The `POST /v3/payments` body (providers-2 §2.2): amounts in major units, `phone_number` (not `phonenumber`). */
export function toPaymentRequest(request: InitiateRequest, config: FlutterwaveConfig, publicUrl: string) {
  const { payment, payer } = request;
  const email = payer.email?.trim();
  if (!email) {
    throw new ProviderError("needs_email", "A Flutterwave payment needs the shopper's e-mail", {
      retryable: false,
      shopperMessage: NEEDS_EMAIL,
    });
  }
  const phone = payer.phone?.trim();
  return {
    tx_ref: txRefOf(payment),
    amount: toMajor(payment.amount),
    currency: payment.amount.currency,
    redirect_url: config.redirectUrl ?? publicUrl,
    payment_options: config.paymentOptions.join(", "),
    customer: { email, ...(phone ? { phone_number: phone } : {}) },
    customizations: { title: `Order ${payment.orderRef}` },
    meta: { tenant_id: payment.tenantId, order_id: payment.orderId, payment_id: payment._id },
  };
}

/** Creates the hosted payment: "pending" with its link. A lost answer is found by verify (same tx_ref). */
export async function createPayment(
  client: FlutterwaveClient,
  config: FlutterwaveConfig,
  publicUrl: string,
  request: InitiateRequest,
): Promise<InitiateResult> {
  const body = toPaymentRequest(request, config, publicUrl);
  const answer = await client.post(PAYMENTS_PATH, body, "payment create");
  if (!answer.ok) throw toProviderError("payment create", answer.failure);
  const link = dataOf(answer.json)?.link;
  if (typeof link !== "string" || !URL.canParse(link))
    throw unexpectedAnswer("payment create", "no data.link");
  return {
    status: "pending",
    providerRef: body.tx_ref,
    action: { kind: "link", url: link, label: `Pay ${formatMoney(request.payment.amount)}` },
  };
}

/** What a transaction says was paid, as our Money (major units, maybe decimal), or undefined. */
function amountOf(data: Record<string, unknown>): Money | undefined {
  const currency = typeof data.currency === "string" ? data.currency.toUpperCase() : "";
  if (typeof data.amount !== "number") return undefined;
  try {
    return fromMajor(data.amount, currency);
  } catch {
    return undefined;
  }
}

/**
 * What a transaction says (providers-2 §2.3). Only `successful` for our tx_ref is a payment, with
 * Flutterwave's `amount` and currency (not `charged_amount`, which includes a fee the customer may
 * bear): settlement compares them with ours, so a short or foreign-currency payment never settles.
 * A transaction for another tx_ref is "pending": it can neither settle nor fail ours.
 */
export function toVerifyResult(data: Record<string, unknown>, txRef: string): VerifyResult {
  const status = typeof data.status === "string" ? data.status : "";
  if (data.tx_ref !== txRef) return { outcome: "pending", providerCode: "tx_ref_mismatch" };
  if (status === "successful") {
    const amount = amountOf(data);
    if (amount === undefined)
      throw unexpectedAnswer("verify", "a successful transaction without a usable amount");
    const receipt = typeof data.flw_ref === "string" && data.flw_ref !== "" ? data.flw_ref : txRef;
    return { outcome: "succeeded", amount, receipt, providerCode: status };
  }
  if (status === "failed") {
    return { outcome: "failed", reason: "The payment did not go through.", providerCode: status };
  }
  // pending, and anything new: the reconciler asks again and expires the payment in the end.
  return { outcome: "pending", ...(status === "" ? {} : { providerCode: status }) };
}

/** A verify answer as a result; unknown (the 200-shaped "No transaction was found") is "pending". */
function toVerifyAnswer(answer: ProviderAnswer<FlutterwaveErrorBody>, txRef: string): VerifyResult {
  if (!answer.ok) {
    if (answer.failure.status === 404 || answer.failure.status === 400) {
      return { outcome: "pending", providerCode: "not_found" };
    }
    throw toProviderError("verify", answer.failure);
  }
  const data = dataOf(answer.json);
  return data === undefined ? { outcome: "pending", providerCode: "not_found" } : toVerifyResult(data, txRef);
}

/** The transaction for a tx_ref as Flutterwave holds it, raw (for its numeric id), or undefined. */
async function transactionByReference(client: FlutterwaveClient, txRef: string) {
  const answer = await client.get(
    `${VERIFY_BY_REFERENCE_PATH}?tx_ref=${encodeURIComponent(txRef)}`,
    "verify",
  );
  return { answer, data: answer.ok ? dataOf(answer.json) : undefined };
}

/** Verify for the reconciler: by tx_ref, which is always known. */
export async function verifyByReference(client: FlutterwaveClient, txRef: string): Promise<VerifyResult> {
  return toVerifyAnswer((await transactionByReference(client, txRef)).answer, txRef);
}

/** Verify for a webhook: by the event's transaction id, then held to the event's tx_ref. */
export async function verifyById(
  client: FlutterwaveClient,
  id: string,
  txRef: string,
): Promise<VerifyResult> {
  return toVerifyAnswer(await client.get(`${transactionPath(id)}/verify`, "verify"), txRef);
}

/**
 * Refunds `amount` (all or part) of a paid payment (providers-2 §2.5): the transaction's numeric id
 * comes from verify by tx_ref. Flutterwave refuses more than is left. No findRefund: v3 documents no
 * way to list a transaction's refunds [unconfirmed], so a refund whose answer was lost is left to an
 * operator, as the contract says.
 */
export async function createRefund(
  client: FlutterwaveClient,
  payment: Payment,
  amount: Money,
): Promise<{ readonly providerRef: string }> {
  if (amount.currency !== payment.amount.currency || amount.amount <= 0) {
    throw new ProviderError(
      "invalid_amount",
      `Cannot refund ${amount.amount} ${amount.currency} of a ${formatMoney(payment.amount)} payment`,
      { retryable: false, shopperMessage: REFUND_FAILED },
    );
  }
  const { answer, data } = await transactionByReference(client, txRefOf(payment));
  if (!answer.ok) throw toProviderError("verify", answer.failure);
  if (data === undefined || typeof data.id !== "number")
    throw unexpectedAnswer("refund", `no transaction for ${txRefOf(payment)}`);
  const refunded = await client.post(
    `${transactionPath(String(data.id))}/refund`,
    { amount: toMajor(amount), comments: `Duka refund of ${payment._id}` },
    "refund",
  );
  if (!refunded.ok) throw toProviderError("refund", refunded.failure, "refund_refused");
  const id = dataOf(refunded.json)?.id;
  if (typeof id !== "number" && typeof id !== "string") throw unexpectedAnswer("refund", "no refund id");
  return { providerRef: String(id) };
}
