import express, { type Request, type Response, type Router } from "express";
import type { EmulatorContext } from "../context.js";
import { PaystackEmulatorError } from "../errors.js";
import { cannotPay, payTransaction } from "../operations/charge.js";
import type { MutableCallRecord } from "../state/call-log.js";
import { faultMessage } from "../state/faults.js";
import type { TransactionState } from "../state/records.js";
import type { PaystackRoute } from "../types.js";
import { clientIp, finishCall, startCall } from "./calls.js";
import { alreadyPaidPage, checkoutPage, messagePage, successPage } from "./html.js";

type PageAnswer =
  | { readonly status: number; readonly html: string }
  | { readonly status: 303; readonly location: string }
  | { readonly drop: true };

const notFound = (): PageAnswer => ({
  status: 404,
  html: messagePage("Transaction not found", "This payment link is invalid."),
});

/** Card number as bin + last4, CVV hidden: the call log never holds a full card number. */
function maskedForm(form: Record<string, string>): Record<string, string> {
  const digits = (form.card_number ?? "").replace(/\D/g, "");
  return {
    ...form,
    ...(form.card_number === undefined
      ? {}
      : { card_number: digits.length > 10 ? `${digits.slice(0, 6)}…${digits.slice(-4)}` : "…" }),
    ...(form.cvv === undefined ? {} : { cvv: "***" }),
  };
}

/** The callback URL with `reference` and `trxref` set (Paystack appends both). */
export function callbackRedirect(callbackUrl: string, reference: string): string {
  const url = new URL(callbackUrl);
  url.searchParams.set("reference", reference);
  url.searchParams.set("trxref", reference);
  return url.toString();
}

function view(transaction: TransactionState): PageAnswer {
  if (transaction.status === "success" || transaction.status === "reversed") {
    return { status: 200, html: alreadyPaidPage(transaction) };
  }
  const refusal = cannotPay(transaction);
  if (refusal !== undefined)
    return { status: 200, html: messagePage("Card payments unavailable", refusal.message) };
  return { status: 200, html: checkoutPage(transaction) };
}

function submit(
  ctx: EmulatorContext,
  transaction: TransactionState,
  form: Record<string, string>,
  ip: string | null,
): PageAnswer {
  const refusal = cannotPay(transaction);
  if (refusal?.code === "already_paid") return { status: 409, html: alreadyPaidPage(transaction) };
  if (refusal !== undefined)
    return { status: 400, html: messagePage("Card payments unavailable", refusal.message) };
  const entered = { cardNumber: form.card_number ?? "", expiry: form.expiry ?? "" };
  try {
    payTransaction(
      ctx,
      transaction,
      { number: entered.cardNumber, expiry: entered.expiry, cvv: form.cvv ?? "" },
      ip,
    );
  } catch (error) {
    if (error instanceof PaystackEmulatorError && error.code === "invalid_card_details") {
      return { status: 400, html: checkoutPage(transaction, { ...entered, error: error.message }) };
    }
    throw error;
  }
  if (transaction.status !== "success") {
    const reason = transaction.message ?? transaction.gatewayResponse;
    return {
      status: 200,
      html: checkoutPage(transaction, { ...entered, error: `Payment failed: ${reason}` }),
    };
  }
  const callbackUrl = transaction.callbackUrl ?? transaction.account.callbackUrl;
  if (callbackUrl !== undefined) {
    return { status: 303, location: callbackRedirect(callbackUrl, transaction.reference) };
  }
  return { status: 200, html: successPage(transaction) };
}

function respond(ctx: EmulatorContext, record: MutableCallRecord, res: Response, answer: PageAnswer): void {
  if ("drop" in answer) {
    finishCall(ctx, record, { aborted: true });
    res.socket?.destroy();
    return;
  }
  finishCall(ctx, record, { status: answer.status });
  if ("location" in answer) res.redirect(303, answer.location);
  else res.status(answer.status).type("html").send(answer.html);
}

/**
 * The hosted checkout: `GET /checkout/:access_code` shows the amount, the merchant and a card form;
 * `POST` (urlencoded `card_number`, `expiry`, `cvv`) charges like `emulator.pay()`, then redirects
 * (303) to the callback URL with `?reference=…&trxref=…`, or shows a success page, or shows the
 * error with the form again.
 */
export function createCheckoutRouter(ctx: EmulatorContext): Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: "64kb" }));

  const handle =
    (route: PaystackRoute, run: (transaction: TransactionState, req: Request) => PageAnswer) =>
    (req: Request, res: Response) => {
      const record = startCall(ctx, route, req);
      const form = (typeof req.body === "object" && req.body !== null ? req.body : {}) as Record<
        string,
        string
      >;
      if (Object.keys(form).length > 0) record.body = maskedForm(form);
      ctx.events.emit("request", record);
      const answer = ((): PageAnswer => {
        const fault = ctx.faults.take(route);
        if (fault !== undefined) {
          record.injected = true;
          if ("dropConnection" in fault) return { drop: true };
          const message = faultMessage(fault.status, fault.message);
          return { status: fault.status, html: messagePage("Payment page unavailable", message) };
        }
        const transaction = ctx.transactions.byAccess(String(req.params.accessCode ?? ""));
        return transaction === undefined ? notFound() : run(transaction, req);
      })();
      respond(ctx, record, res, answer);
    };

  router.get(
    "/:accessCode",
    handle("checkout.view", (transaction) => view(transaction)),
  );
  router.post(
    "/:accessCode",
    handle("checkout.submit", (transaction, req) =>
      submit(ctx, transaction, (req.body ?? {}) as Record<string, string>, clientIp(req)),
    ),
  );
  return router;
}
