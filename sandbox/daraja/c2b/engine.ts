import { DarajaEmulatorError } from "../errors.js";
import { toDarajaTimestamp } from "../time.js";
import { c2bBody } from "./payload.js";
import type { C2bDelivery, C2bPayment, C2bPullRegistration, C2bRegistration } from "./types.js";

export interface C2bEngineDeps {
  now(): number;
  /** A transaction id no earlier payment got (the same generator as STK receipts). */
  newTransId(now: number): string;
  /** How long M-Pesa waits for a validation answer before applying ResponseType (Daraja: ~8 s). */
  readonly validationTimeoutMs: number;
  readonly callbackTimeoutMs: number;
}

export interface PayInput {
  readonly shortcode: string;
  readonly kind: "paybill" | "till";
  readonly amount: number;
  readonly msisdn: string;
  readonly account?: string;
  readonly firstName: string;
  readonly delivery: "normal" | "drop" | "duplicate" | "late";
  readonly copies: number;
}

export interface StatusQuery {
  readonly initiator: string;
  readonly transactionId: string;
  readonly partyA: string;
  readonly resultUrl: string;
  readonly conversationId: string;
  readonly originatorConversationId: string;
  readonly occasion: string;
}

interface PaymentState extends Omit<C2bPayment, "deliveries"> {
  readonly deliveries: C2bDelivery[];
}

/**
 * M-Pesa's C2B side: registered URLs per shortcode, payments made from the SIM menu (validation
 * first when enabled, then the confirmation), and confirmations held back for `late` delivery.
 * `pay()` resolves once every POST it made has been answered, so tests wait on it, not on time.
 */
export class C2bEngine {
  readonly registrations = new Map<string, C2bRegistration>();
  /** Shortcodes registered for Pull Transactions (the reconciliation query). */
  readonly pullRegistrations = new Map<string, C2bPullRegistration>();
  private readonly payments: PaymentState[] = [];
  private readonly validating = new Set<string>();
  private readonly held: { payment: PaymentState; url: string; body: Record<string, string> }[] = [];
  private readonly balances = new Map<string, number>();
  /** Each completed payment's confirmation body, sent or not (a dropped one can come later). */
  private readonly confirmations = new Map<string, Record<string, string>>();
  private readonly stopper = new AbortController();

  constructor(private readonly deps: C2bEngineDeps) {}

  /** External validation is off by default, as on Daraja (Safaricom switches it on per shortcode). */
  setValidation(shortcode: string, on: boolean): void {
    if (on) this.validating.add(shortcode);
    else this.validating.delete(shortcode);
  }

  async pay(input: PayInput): Promise<C2bPayment> {
    if (this.stopper.signal.aborted) throw new DarajaEmulatorError("closed", "The Daraja emulator is closed");
    const registration = this.registrations.get(input.shortcode);
    const epochMs = this.deps.now();
    const transId = this.deps.newTransId(epochMs);
    const payment: PaymentState = {
      transId,
      shortcode: input.shortcode,
      kind: input.kind,
      amount: input.amount,
      msisdn: input.msisdn,
      ...(input.account === undefined ? {} : { account: input.account }),
      status: "completed",
      transTime: new Date(epochMs).toISOString(),
      deliveries: [],
    };
    this.payments.push(payment);
    const body = (balance: string) =>
      c2bBody({
        ...input,
        transId,
        epochMs,
        version: registration?.version ?? "v2",
        balance,
      });
    if (registration?.validationUrl && this.validating.has(input.shortcode)) {
      const answer = await this.post(
        payment,
        "validation",
        registration.validationUrl,
        body(""),
        1,
        this.deps.validationTimeoutMs,
      );
      const code = validationCode(answer);
      const accepted = code === undefined ? registration.responseType === "Completed" : code === "0";
      if (!accepted) {
        Object.assign(payment, { status: "rejected", ...(code === undefined ? {} : { resultCode: code }) });
        return this.snapshot(payment);
      }
      if (code !== undefined) Object.assign(payment, { resultCode: code });
    }
    const balance = (this.balances.get(input.shortcode) ?? 0) + input.amount;
    this.balances.set(input.shortcode, balance);
    // No URLs registered: the payment completes silently (providers-2.md §3.1).
    if (!registration) return this.snapshot(payment);
    const confirmation = body(balance.toFixed(2));
    this.confirmations.set(transId, confirmation);
    if (input.delivery === "late") {
      this.held.push({ payment, url: registration.confirmationUrl, body: confirmation });
    } else if (input.delivery !== "drop") {
      const copies = input.delivery === "duplicate" ? input.copies : 1;
      await Promise.all(
        Array.from({ length: copies }, (_, index) =>
          this.post(
            payment,
            "confirmation",
            registration.confirmationUrl,
            confirmation,
            index + 1,
            this.deps.callbackTimeoutMs,
          ),
        ),
      );
    }
    return this.snapshot(payment);
  }

  /**
   * The Transaction Status result for a query (providers-2.md §3.7), POSTed to its ResultURL: the
   * payment's details when this shortcode received it, else a failure [emulator's choice of code].
   * Kept in `statusResults` with the receiver's status.
   */
  sendStatusResult(query: StatusQuery): void {
    if (this.stopper.signal.aborted) return;
    const payment = this.payments.find(
      (candidate) => candidate.transId === query.transactionId && candidate.shortcode === query.partyA,
    );
    const found = payment?.status === "completed";
    const result = {
      Result: {
        ResultType: 0,
        ResultCode: found ? 0 : "R000001",
        ResultDesc: found
          ? "The service request is processed successfully."
          : "The transaction could not be found.",
        OriginatorConversationID: query.originatorConversationId,
        ConversationID: query.conversationId,
        TransactionID: query.transactionId,
        ...(found && payment
          ? {
              ResultParameters: {
                ResultParameter: [
                  { Key: "ReceiptNo", Value: payment.transId },
                  { Key: "TransactionStatus", Value: "Completed" },
                  { Key: "Amount", Value: payment.amount },
                  { Key: "DebitPartyName", Value: `${payment.msisdn} - JOHN` },
                  { Key: "CreditPartyName", Value: `${payment.shortcode} - Duka Shop` },
                  { Key: "ReasonType", Value: payment.kind === "till" ? "Buy Goods" : "Pay Bill Online" },
                  { Key: "FinalisedTime", Value: toDarajaTimestamp(Date.parse(payment.transTime)) },
                ],
              },
            }
          : {}),
        ReferenceData: { ReferenceItem: { Key: "Occasion", Value: query.occasion } },
      },
    };
    this.pendingResults++;
    void fetch(query.resultUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(result),
      signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(this.deps.callbackTimeoutMs)]),
    })
      .then(
        (response) =>
          this.statusResults.push({ transactionId: query.transactionId, status: response.status }),
        () => this.statusResults.push({ transactionId: query.transactionId }),
      )
      .finally(() => {
        this.pendingResults--;
        if (this.pendingResults === 0) for (const wake of this.resultWaiters.splice(0)) wake();
      });
  }

  /** Results POSTed so far, with the receiver's HTTP status (absent: no answer). */
  readonly statusResults: { transactionId: string; status?: number }[] = [];
  private pendingResults = 0;
  private readonly resultWaiters: (() => void)[] = [];

  /** Resolves when no Transaction Status result is being POSTed. */
  statusResultsIdle(): Promise<void> {
    return this.pendingResults === 0
      ? Promise.resolve()
      : new Promise((resolve) => this.resultWaiters.push(resolve));
  }

  /** Sends the confirmations held by `late` delivery; resolves when they were answered. */
  async releaseLate(): Promise<number> {
    const jobs = this.held.splice(0);
    await Promise.all(
      jobs.map((job) =>
        this.post(
          job.payment,
          "confirmation",
          job.url,
          job.body,
          job.payment.deliveries.length + 1,
          this.deps.callbackTimeoutMs,
        ),
      ),
    );
    return jobs.length;
  }

  heldCount(): number {
    return this.held.length;
  }

  /**
   * Sends a completed payment's confirmation again (a duplicate that comes later), or at last when
   * it was dropped.
   */
  async redeliver(transId: string): Promise<C2bPayment> {
    const payment = this.find(transId);
    const registration = this.registrations.get(payment.shortcode);
    const confirmation = this.confirmations.get(transId);
    if (payment.status !== "completed" || !registration || !confirmation) {
      throw new DarajaEmulatorError(
        "invalid_use",
        `C2B payment ${transId} has no confirmation to send again`,
      );
    }
    const copy = payment.deliveries.filter((delivery) => delivery.kind === "confirmation").length + 1;
    await this.post(
      payment,
      "confirmation",
      registration.confirmationUrl,
      confirmation,
      copy,
      this.deps.callbackTimeoutMs,
    );
    return this.snapshot(payment);
  }

  find(transId: string): PaymentState {
    const payment = this.payments.find((candidate) => candidate.transId === transId);
    if (!payment) throw new DarajaEmulatorError("invalid_use", `No C2B payment ${JSON.stringify(transId)}`);
    return payment;
  }

  list(): C2bPayment[] {
    return this.payments.map((payment) => this.snapshot(payment));
  }

  close(): void {
    this.stopper.abort();
    this.held.length = 0;
    for (const wake of this.resultWaiters.splice(0)) wake();
  }

  private snapshot(payment: PaymentState): C2bPayment {
    return { ...payment, deliveries: [...payment.deliveries] };
  }

  private async post(
    payment: PaymentState,
    kind: C2bDelivery["kind"],
    url: string,
    body: Record<string, string>,
    copy: number,
    timeoutMs: number,
  ): Promise<C2bDelivery> {
    let delivery: C2bDelivery;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(timeoutMs)]),
      });
      const text = await response.text();
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        answer = undefined;
      }
      delivery = { transId: payment.transId, kind, url, body, copy, status: response.status, answer };
    } catch (error) {
      delivery = {
        transId: payment.transId,
        kind,
        url,
        body,
        copy,
        error: error instanceof Error ? error.message : String(error),
      };
    }
    payment.deliveries.push(delivery);
    return delivery;
  }
}

/** The validation answer's ResultCode as text ("0" or 0 both accept); undefined: no usable answer. */
function validationCode(delivery: C2bDelivery): string | undefined {
  if (delivery.status === undefined || delivery.status >= 300) return undefined;
  const code = (delivery.answer as { ResultCode?: unknown } | undefined)?.ResultCode;
  return typeof code === "string" || typeof code === "number" ? String(code) : undefined;
}
