import type { HttpServerHandle } from "../shared/http-server.js";
import { DEFAULT_WAIT_MS, type WaitOptions, waitUntil } from "../shared/wait.js";
import type {
  C2bPayment,
  C2bPayOptions,
  C2bPullRegistration,
  C2bRegistration,
  PayBillOptions,
  PayTillOptions,
} from "./c2b/types.js";
import { completePush, deliverCallback, parseDeliveryOptions, parseOutcome } from "./completion.js";
import { createDarajaContext, type DarajaContext } from "./context.js";
import { closedError, DarajaEmulatorError } from "./errors.js";
import { DARAJA_PATHS } from "./http/routes.js";
import { startHttpServer } from "./http/server.js";
import { type DarajaEmulatorOptions, type ResolvedShortcode, resolveOptions } from "./options.js";
import { type PushState, toStkPush } from "./state/pushes.js";
import type {
  CallbackDelivery,
  CallbackDeliveryOptions,
  DarajaApp,
  DarajaCallRecord,
  DarajaEmulatorEvents,
  DarajaFault,
  StkOutcome,
  StkPush,
  StkPushStatus,
} from "./types.js";
import { PUSH_WAITS } from "./wait.js";

type Listener<K extends keyof DarajaEmulatorEvents> = (...args: DarajaEmulatorEvents[K]) => void;

export interface PushFilter {
  /** The MSISDN that got the prompt; "07…", "+254…" and "254…" forms are all accepted. */
  readonly phone?: string;
  readonly status?: StkPushStatus;
}

export interface NextPushOptions extends WaitOptions {
  /** Only a push to this MSISDN ("07…", "+254…" or "254…"). */
  readonly phone?: string;
}

/** "0708374149", "+254708374149", "708374149" → "254708374149"; anything else unchanged. */
export function toMsisdn(phone: string): string {
  const digits = phone.replace(/[\s-]/g, "").replace(/^\+/, "");
  if (/^0[17]\d{8}$/.test(digits)) return `254${digits.slice(1)}`;
  if (/^[17]\d{8}$/.test(digits)) return `254${digits}`;
  return digits;
}

/**
 * A local Daraja (M-Pesa Express) for tests and the offline demo. The client side is HTTP at
 * `baseUrl` (OAuth, STK push, STK query, exactly as providers.md §1 describes Daraja); the shopper
 * side is in-process: `nextPush()` to see a prompt, `complete()` to answer it, `callbacks()` and
 * `deliveryIdle()` to watch the callback POSTs. Always `close()` it.
 */
export class DarajaEmulator {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly ctx: DarajaContext,
    private readonly server: HttpServerHandle,
  ) {}

  /** @internal use createDarajaEmulator(). */
  static async start(options?: DarajaEmulatorOptions): Promise<DarajaEmulator> {
    const ctx = createDarajaContext(resolveOptions(options));
    const server = await startHttpServer(ctx);
    return new DarajaEmulator(ctx, server);
  }

  /** Use in place of https://sandbox.safaricom.co.ke, e.g. "http://127.0.0.1:41234" (no trailing slash). */
  get baseUrl(): string {
    return this.server.origin;
  }

  get port(): number {
    return this.server.port;
  }

  /** The apps whose consumer key/secret buy tokens. */
  get apps(): readonly DarajaApp[] {
    return this.ctx.options.apps;
  }

  /** The known shortcodes, with their accepted TransactionType and PartyB filled in. */
  get shortcodes(): readonly ResolvedShortcode[] {
    return this.ctx.options.shortcodes;
  }

  /** Requests to `/oauth/v1/generate` so far, whatever their outcome. */
  tokenRequestCount(): number {
    return this.ctx.tokens.requests;
  }

  /** Invalidates the current token of one app, or of all apps (as if it expired): the next call gets 404.001.03. */
  revokeTokens(consumerKey?: string): void {
    this.ctx.tokens.revoke(consumerKey);
  }

  /** Accepted pushes, oldest first (snapshots). */
  pushes(filter: PushFilter = {}): StkPush[] {
    const phone = filter.phone === undefined ? undefined : toMsisdn(filter.phone);
    return this.ctx.pushes
      .list()
      .map(toStkPush)
      .filter(
        (push) =>
          (phone === undefined || push.phoneNumber === phone) &&
          (filter.status === undefined || push.status === filter.status),
      );
  }

  /** One push by CheckoutRequestID, as it is now. */
  push(checkoutRequestId: string): StkPush | undefined {
    const state = this.ctx.pushes.get(checkoutRequestId);
    return state === undefined ? undefined : toStkPush(state);
  }

  /**
   * The shopper's phone: resolves with the oldest pending push (to `phone`, if given) that no earlier
   * nextPush returned, at once or when it arrives (event-driven). Rejects with a `DarajaEmulatorError`
   * ("timeout") after `timeoutMs` (default 5000) listing the pushes and recent rejected requests.
   */
  nextPush(options: NextPushOptions = {}): Promise<StkPush> {
    const phone = options.phone === undefined ? undefined : toMsisdn(options.phone);
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitUntil(
      this.ctx,
      PUSH_WAITS,
      () => {
        const state = this.ctx.pushes
          .list()
          .find(
            (candidate) =>
              !candidate.taken &&
              candidate.result === undefined &&
              (phone === undefined || candidate.fields.phoneNumber === phone),
          );
        if (state === undefined) return undefined;
        state.taken = true;
        return toStkPush(state);
      },
      timeoutMs,
      () => this.nextPushTimeout(phone, timeoutMs),
    );
  }

  /**
   * The shopper answers a pending push. Records the final result (Query reports it; the phone is
   * unlocked) and POSTs the callback to its CallBackURL as `outcome.delivery` says. `resultCode: 0`
   * is a payment with a fresh 10-character receipt; other codes fail with the §1.4 description.
   * Throws `DarajaEmulatorError` ("invalid_use") for an unknown or already completed push.
   */
  complete(checkoutRequestId: string, outcome: StkOutcome): StkPush {
    return completePush(this.ctx, this.state(checkoutRequestId), parseOutcome(outcome));
  }

  /**
   * The shopper pays a push M-Pesa already reported failed (a phone that was unreachable comes
   * back and the PIN is entered late): the new result replaces the old one for Query and its
   * callback is sent too. **[emulator's choice]**: whether Daraja sends a second callback or only
   * Query changes is [unconfirmed]; either way the money moved. Throws ("invalid_use") unless the
   * push failed before.
   */
  payLate(checkoutRequestId: string, outcome: Omit<StkOutcome, "resultCode"> = {}): StkPush {
    const state = this.state(checkoutRequestId);
    if (state.result === undefined || state.result.resultCode === 0) {
      throw new DarajaEmulatorError(
        "invalid_use",
        `STK push ${checkoutRequestId} did not fail; payLate() follows a failed result`,
      );
    }
    return completePush(this.ctx, state, parseOutcome({ ...outcome, resultCode: 0 }), { correcting: true });
  }

  /**
   * Sends the recorded callback of a completed push again (a duplicate that arrives later, e.g. after
   * the client settled through Query). Copies are numbered on from the earlier POSTs.
   */
  redeliver(checkoutRequestId: string, options: CallbackDeliveryOptions = {}): void {
    const state = this.state(checkoutRequestId);
    if (state.result === undefined) {
      throw new DarajaEmulatorError(
        "invalid_use",
        `STK push ${checkoutRequestId} is still pending; complete() it before redelivering its callback`,
      );
    }
    deliverCallback(this.ctx, state, parseDeliveryOptions(options));
  }

  /** Sends callbacks held by `delivery: "late"` (of one push, or all); returns how many were held. */
  releaseLateCallbacks(checkoutRequestId?: string): number {
    this.assertOpen();
    return this.ctx.callbacks.releaseHeld(checkoutRequestId);
  }

  /** Callbacks held by `delivery: "late"` and not yet released. */
  heldCallbackCount(): number {
    return this.ctx.callbacks.heldCount();
  }

  /** Every callback POST so far (of one push, or all), in the order they finished. */
  callbacks(checkoutRequestId?: string): CallbackDelivery[] {
    const all = this.ctx.callbacks.deliveries;
    return checkoutRequestId === undefined
      ? [...all]
      : all.filter((delivery) => delivery.checkoutRequestId === checkoutRequestId);
  }

  /** Resolves when no callback is waiting out its delay or being POSTed (held late callbacks do not count). */
  deliveryIdle(): Promise<void> {
    return this.ctx.callbacks.idle();
  }

  /**
   * The next `count` Queries for this push answer "The transaction is being processed" (HTTP 500
   * `500.001.1001`), even once it is completed (reliability test R18). Replaces any earlier count.
   */
  queryPendingFor(checkoutRequestId: string, count: number): void {
    if (!Number.isInteger(count) || count < 0) {
      throw new DarajaEmulatorError("invalid_use", `queryPendingFor needs a whole count ≥ 0, got ${count}`);
    }
    this.state(checkoutRequestId).forcedPendingQueries = count;
  }

  /**
   * The next `count` requests to `path` (e.g. `DARAJA_PATHS.stkPush`, or "*" for any) fail with
   * `fault` before any effect: `{ errorCode: "500.003.02" }` answers HTTP 500 with Daraja's Spike
   * Arrest body; `{ dropConnection: true }` closes the socket without an answer.
   */
  failNext(path: string, fault: DarajaFault, count = 1): void {
    this.ctx.faults.failNext(path, fault, count);
  }

  /** Each request to `path` ("*" for any) fails with `fault` with the given probability; returns a remover. */
  failRandomly(
    path: string,
    fault: DarajaFault,
    probability: number,
    random: () => number = Math.random,
  ): () => void {
    return this.ctx.faults.failRandomly(path, fault, probability, random);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  /** Recorded HTTP requests (to one exact path, or all), oldest first. */
  calls(path?: string): DarajaCallRecord[] {
    return this.ctx.calls.list(path);
  }

  clearCalls(): void {
    this.ctx.calls.clear();
  }

  on<K extends keyof DarajaEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.on as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  once<K extends keyof DarajaEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.once as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  off<K extends keyof DarajaEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.off as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  // ── C2B: Paybill and Till payments made from the SIM menu ──

  /** What Register URL stored for a shortcode (the last registration in sandbox mode). */
  registeredUrls(shortcode: string): C2bRegistration | undefined {
    return this.ctx.c2b.registrations.get(shortcode);
  }

  /** What Pull Transactions registration stored for a shortcode. */
  pullRegistration(shortcode: string): C2bPullRegistration | undefined {
    return this.ctx.c2b.pullRegistrations.get(shortcode);
  }

  /** Daraja posts validations for this shortcode (Safaricom switches it on per shortcode; off by default). */
  enableC2bValidation(shortcode: string, on = true): void {
    this.ctx.c2b.setValidation(shortcode, on);
  }

  /**
   * A shopper pays a Paybill with an account number: validation first when enabled, then the
   * confirmation as `delivery` says. Resolves when every POST it made was answered.
   */
  payBill(options: PayBillOptions): Promise<C2bPayment> {
    this.assertOpen();
    const shortcode =
      options.shortcode ??
      this.ctx.options.shortcodes.find((entry) => entry.transactionType === "CustomerPayBillOnline")
        ?.shortcode;
    if (!shortcode || !this.ctx.shortcode(shortcode)) {
      throw new DarajaEmulatorError(
        "invalid_use",
        `No Paybill shortcode ${options.shortcode ?? "configured"}`,
      );
    }
    return this.ctx.c2b.pay({ ...c2bInput(options), shortcode, kind: "paybill", account: options.account });
  }

  /** A shopper pays a Till (Buy Goods): no account number; the shortcode whose Till it is gets the callbacks. */
  payTill(options: PayTillOptions): Promise<C2bPayment> {
    this.assertOpen();
    const owner = this.ctx.options.shortcodes.find(
      (entry) =>
        entry.transactionType === "CustomerBuyGoodsOnline" &&
        (entry.partyB === options.till || entry.shortcode === options.till),
    );
    if (!owner)
      throw new DarajaEmulatorError("invalid_use", `No Buy Goods shortcode has Till ${options.till}`);
    return this.ctx.c2b.pay({ ...c2bInput(options), shortcode: owner.shortcode, kind: "till" });
  }

  /** C2B payments so far, oldest first, with the POSTs made for each. */
  c2bPayments(): C2bPayment[] {
    return this.ctx.c2b.list();
  }

  /** Sends confirmations held by `delivery: "late"`; resolves with how many when they were answered. */
  releaseLateConfirmations(): Promise<number> {
    this.assertOpen();
    return this.ctx.c2b.releaseLate();
  }

  /** Transaction Status results POSTed so far, with the receiver's HTTP status. */
  statusResults(): readonly { transactionId: string; status?: number }[] {
    return [...this.ctx.c2b.statusResults];
  }

  /** Resolves when no Transaction Status result is being POSTed. */
  statusResultsIdle(): Promise<void> {
    return this.ctx.c2b.statusResultsIdle();
  }

  /** Sends a completed C2B payment's confirmation once more (a late duplicate). */
  redeliverConfirmation(transId: string): Promise<C2bPayment> {
    this.assertOpen();
    return this.ctx.c2b.redeliver(transId);
  }

  /**
   * Cancels auto-completions and delayed or held callbacks, aborts callback POSTs in progress, rejects
   * pending waits, and closes the server and its connections. Pending pushes stay pending. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ctx.closed = true;
      for (const state of this.ctx.pushes.list()) {
        if (state.autoCompleteTimer !== undefined) clearTimeout(state.autoCompleteTimer);
        state.autoCompleteTimer = undefined;
      }
      this.ctx.callbacks.close();
      this.ctx.c2b.close();
      this.ctx.internal.emit("closed");
      await this.server.close();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.ctx.closed) throw closedError();
  }

  private state(checkoutRequestId: string): PushState {
    this.assertOpen();
    const state = this.ctx.pushes.get(checkoutRequestId);
    if (state !== undefined) return state;
    const known = this.ctx.pushes
      .list()
      .slice(-5)
      .map((push) => push.checkoutRequestId);
    throw new DarajaEmulatorError(
      "invalid_use",
      `No STK push with CheckoutRequestID ${JSON.stringify(checkoutRequestId)}; latest known: ${known.length === 0 ? "none" : known.join(", ")}`,
    );
  }

  private nextPushTimeout(phone: string | undefined, timeoutMs: number): DarajaEmulatorError {
    const pushes = this.ctx.pushes.list().map((state) => {
      const status = state.result === undefined ? "pending" : `completed ${String(state.result.resultCode)}`;
      return `${state.checkoutRequestId} to ${state.fields.phoneNumber} (${status}${state.taken ? ", already returned" : ""})`;
    });
    const requests = this.ctx.calls
      .list(DARAJA_PATHS.stkPush)
      .slice(-5)
      .map((call) =>
        `${call.status ?? "no answer"} ${call.errorCode ?? ""} ${call.errorMessage ?? ""}`.trim(),
      );
    return new DarajaEmulatorError(
      "timeout",
      [
        `nextPush waited ${timeoutMs} ms for a pending STK push${phone === undefined ? "" : ` to ${phone}`} that no earlier nextPush returned.`,
        `Pushes: ${pushes.length === 0 ? "none" : pushes.join("; ")}.`,
        `Last processrequest answers: ${requests.length === 0 ? "none (the client never called processrequest)" : requests.join("; ")}.`,
      ].join("\n"),
    );
  }
}

/** The engine's input from a shopper's options: defaults for name and delivery, the phone as an MSISDN. */
function c2bInput(options: C2bPayOptions) {
  const msisdn = toMsisdn(options.phone);
  if (!/^254(7|1)\d{8}$/.test(msisdn) || !Number.isSafeInteger(options.amount) || options.amount < 1) {
    throw new DarajaEmulatorError(
      "invalid_use",
      "A C2B payment needs a Kenyan MSISDN and a whole amount ≥ 1",
    );
  }
  return {
    amount: options.amount,
    msisdn,
    firstName: options.firstName ?? "JOHN",
    delivery: options.delivery ?? "normal",
    copies: options.copies ?? 2,
  } as const;
}

export function createDarajaEmulator(options?: DarajaEmulatorOptions): Promise<DarajaEmulator> {
  return DarajaEmulator.start(options);
}
