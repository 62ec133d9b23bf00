/**
 * What the emulated Flutterwave account holds: hosted payments by tx_ref, the transactions that paid
 * them (numeric ids), refunds and `charge.completed` events, with v3's rules (providers-2 §2.2–2.5).
 */
import { randomBytes } from "node:crypto";

/** An API refusal: `{ status: "error", message, data: null }` with an HTTP status. */
export class FlutterwaveApiError extends Error {
  override name = "FlutterwaveApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  toBody() {
    return { status: "error", message: this.message, data: null };
  }
}

export interface HostedPayment {
  readonly tx_ref: string;
  readonly amount: number;
  readonly currency: string;
  readonly email: string;
  readonly phone_number?: string;
  readonly payment_options: string;
  readonly redirect_url?: string;
  readonly link: string;
}

export type PayMethod = "card" | "mpesa";

export interface TransactionRecord {
  readonly id: number;
  readonly tx_ref: string;
  readonly flw_ref: string;
  readonly amount: number;
  readonly currency: string;
  readonly charged_amount: number;
  readonly status: "successful" | "failed" | "pending";
  readonly payment_type: PayMethod;
  readonly auth_model: string;
  readonly created_at: string;
  readonly customer: { readonly email: string; readonly phone_number: string | null };
  amount_refunded: number;
}

export interface RefundRecord {
  readonly id: number;
  readonly tx_id: number;
  readonly flw_ref: string;
  readonly amount_refunded: number;
  readonly status: "completed";
  readonly destination: "payment_source";
  readonly created_at: string;
}

export interface ChargeEvent {
  readonly event: "charge.completed";
  readonly data: TransactionRecord;
  readonly "event.type": string;
}

export interface PayOptions {
  /** Default "card". */
  readonly method?: PayMethod;
  /** Default "successful". */
  readonly status?: "successful" | "failed";
  /** What was paid, in major units; default: what was asked (a short payment for tests). */
  readonly amount?: number;
}

type Body = Record<string, unknown>;
const record = (value: unknown): Body =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Body) : {};

export class FlutterwaveState {
  readonly payments = new Map<string, HostedPayment>();
  readonly transactions = new Map<number, TransactionRecord>();
  readonly refunds: RefundRecord[] = [];
  readonly events: ChargeEvent[] = [];
  private nextId = 1_000_001;

  constructor(
    private readonly linkOf: (txRef: string) => string,
    private readonly onEvent: (event: ChargeEvent) => void,
  ) {}

  /** `POST /v3/payments`: a hosted link per tx_ref; the same tx_ref again answers the same link. */
  createPayment(input: unknown): { status: "success"; message: "Hosted Link"; data: { link: string } } {
    const body = record(input);
    const customer = record(body.customer);
    const txRef = typeof body.tx_ref === "string" ? body.tx_ref : "";
    if (txRef === "") throw new FlutterwaveApiError(400, "tx_ref is required");
    if (typeof body.amount !== "number" || !(body.amount > 0))
      throw new FlutterwaveApiError(400, "amount is invalid");
    if (typeof customer.email !== "string" || !customer.email.includes("@")) {
      throw new FlutterwaveApiError(400, "customer.email is required");
    }
    const existing = this.payments.get(txRef);
    const payment: HostedPayment = existing ?? {
      tx_ref: txRef,
      amount: body.amount,
      currency: typeof body.currency === "string" ? body.currency : "NGN",
      email: customer.email,
      ...(typeof customer.phone_number === "string" ? { phone_number: customer.phone_number } : {}),
      payment_options: typeof body.payment_options === "string" ? body.payment_options : "card",
      ...(typeof body.redirect_url === "string" ? { redirect_url: body.redirect_url } : {}),
      link: this.linkOf(txRef),
    };
    this.payments.set(txRef, payment);
    return { status: "success", message: "Hosted Link", data: { link: payment.link } };
  }

  /** The shopper pays (or fails) on the hosted page: a transaction and its `charge.completed`. */
  pay(txRef: string, options: PayOptions = {}): TransactionRecord {
    const payment = this.payments.get(txRef);
    if (!payment) throw new Error(`No payment with tx_ref ${txRef}`);
    const method = options.method ?? "card";
    const amount = options.amount ?? payment.amount;
    const transaction: TransactionRecord = {
      id: this.nextId++,
      tx_ref: txRef,
      flw_ref: `${method === "mpesa" ? "DRT" : "FLW-MOCK-"}${randomBytes(6).toString("hex").toUpperCase()}`,
      amount,
      currency: payment.currency,
      charged_amount: amount,
      status: options.status ?? "successful",
      payment_type: method,
      auth_model: method === "mpesa" ? "LIPA_MPESA" : "PIN",
      created_at: new Date().toISOString(),
      customer: { email: payment.email, phone_number: payment.phone_number ?? null },
      amount_refunded: 0,
    };
    this.transactions.set(transaction.id, transaction);
    const event: ChargeEvent = {
      event: "charge.completed",
      data: transaction,
      "event.type": method === "mpesa" ? "MPESA_TRANSACTION" : "CARD_TRANSACTION",
    };
    this.events.push(event);
    this.onEvent(event);
    return transaction;
  }

  /** Verify by id: unknown answers HTTP 200 with `status: "error"` (providers-2 §2.3). */
  verifyById(id: string): unknown {
    return this.verified(this.transactions.get(Number(id)), "No transaction was found for this id");
  }

  /** Verify by tx_ref: the newest transaction for it. */
  verifyByReference(txRef: string): unknown {
    const found = [...this.transactions.values()].findLast((transaction) => transaction.tx_ref === txRef);
    return this.verified(found, "No transaction was found for this tx_ref");
  }

  /** `POST /v3/transactions/:id/refund`: only a successful transaction, never more than is left. */
  refund(id: string, input: unknown): unknown {
    const transaction = this.transactions.get(Number(id));
    if (!transaction) throw new FlutterwaveApiError(404, "No transaction was found for this id");
    if (transaction.status !== "successful")
      throw new FlutterwaveApiError(400, "Only successful transactions can be refunded");
    const body = record(input);
    const left = transaction.amount - transaction.amount_refunded;
    const amount = body.amount === undefined ? left : body.amount;
    if (typeof amount !== "number" || !(amount > 0)) throw new FlutterwaveApiError(400, "amount is invalid");
    if (amount > left) throw new FlutterwaveApiError(400, `Refund amount cannot exceed ${left}`);
    transaction.amount_refunded += amount;
    const refund: RefundRecord = {
      id: this.nextId++,
      tx_id: transaction.id,
      flw_ref: transaction.flw_ref,
      amount_refunded: amount,
      status: "completed",
      destination: "payment_source",
      created_at: new Date().toISOString(),
    };
    this.refunds.push(refund);
    return { status: "success", message: "Transaction refund initiated", data: refund };
  }

  private verified(transaction: TransactionRecord | undefined, notFound: string): unknown {
    return transaction
      ? { status: "success", message: "Transaction fetched successfully", data: transaction }
      : { status: "error", message: notFound, data: null };
  }
}
