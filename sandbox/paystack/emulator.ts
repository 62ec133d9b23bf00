import type { HttpServerHandle } from "../shared/http-server.js";
import { DEFAULT_WAIT_MS, type WaitOptions, waitUntil } from "../shared/wait.js";
import { TEST_CARDS } from "./cards.js";
import { createEmulatorContext, type EmulatorContext } from "./context.js";
import { PaystackEmulatorError } from "./errors.js";
import { startHttpServer } from "./http/server.js";
import { payTransaction } from "./operations/charge.js";
import { processRefunds } from "./operations/refunds.js";
import { type PaystackEmulatorOptions, resolveOptions } from "./options.js";
import { transactionData } from "./serialize.js";
import type { AccountState } from "./state/accounts.js";
import type { TransactionState } from "./state/records.js";
import { toRefund } from "./state/refunds.js";
import type {
  ApiCallRecord,
  CardDetails,
  PaystackEmulatorEvents,
  PaystackEvent,
  PaystackFault,
  PaystackRefund,
  PaystackRoute,
  PaystackTransaction,
  SignMode,
  WebhookDelivery,
} from "./types.js";
import { TRANSACTION_WAITS } from "./wait.js";
import { paystackSignature, signBody } from "./webhooks/signature.js";

type Listener<K extends keyof PaystackEmulatorEvents> = (...args: PaystackEmulatorEvents[K]) => void;

/** An account as the emulator runs it (the secret key is there: this is a test double). */
export interface PaystackAccountInfo {
  readonly secretKey: string;
  readonly publicKey: string;
  readonly currency: string;
  readonly currencies: readonly string[];
  readonly domain: "test" | "live";
  readonly integration: number;
  readonly businessName: string;
  readonly webhookUrl: string | undefined;
  readonly callbackUrl: string | undefined;
}

export interface PayOptions {
  /** A card number (spaces optional) or full details. Default: the success test card, CVV 408. */
  readonly card?: string | CardDetails;
  /** Reported as `ip_address`. Default: null. */
  readonly ipAddress?: string;
}

export interface NextTransactionOptions extends WaitOptions {
  /** Only transactions for which this is true; others passed over are consumed too. */
  readonly match?: (transaction: PaystackTransaction) => boolean;
}

export interface SendWebhookOptions {
  /** Deliveries of the same bytes and signature, all started at once. Default: 1. */
  readonly copies?: number;
  /** How to sign (see `SignMode`). Default: "right". */
  readonly signWith?: SignMode;
  /** Exact bytes to send instead of `JSON.stringify(event)`; signing modes apply to these bytes. */
  readonly bodyOverride?: string | Uint8Array;
  /** Header value to send as is (wins over `signWith`); null sends no header. */
  readonly signature?: string | null;
  /** Target URL. Default: the account's webhook URL. */
  readonly url?: string;
  /**
   * Account (public or secret key) whose key signs and whose URL is the default. Default: the
   * transaction's account when `event` is a reference, else the first account.
   */
  readonly account?: string;
  /** Retry delays for these deliveries. Default: `webhookRetry.delaysMs`; [] = one attempt. */
  readonly retryDelaysMs?: readonly number[];
}

/**
 * A local Paystack for tests and the offline demo. Point the client's base URL at `baseUrl`; shoppers
 * pay on the hosted checkout (`authorization_url`) or in-process with `pay()`; events go to each
 * account's webhook URL, signed like Paystack's. Always `close()` it.
 */
export class PaystackEmulator {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly ctx: EmulatorContext,
    private readonly server: HttpServerHandle,
  ) {}

  /** @internal use createPaystackEmulator(). */
  static async start(options?: PaystackEmulatorOptions): Promise<PaystackEmulator> {
    const ctx = createEmulatorContext(resolveOptions(options));
    const server = await startHttpServer(ctx);
    ctx.baseUrl = server.origin;
    return new PaystackEmulator(ctx, server);
  }

  /** Use in place of https://api.paystack.co, e.g. "http://127.0.0.1:41234" (no trailing slash). */
  get baseUrl(): string {
    return this.server.origin;
  }

  get port(): number {
    return this.server.port;
  }

  /** The default (first) account's secret key. */
  get secretKey(): string {
    return this.ctx.accounts.default.secretKey;
  }

  /** The default (first) account's public key. */
  get publicKey(): string {
    return this.ctx.accounts.default.publicKey;
  }

  accounts(): PaystackAccountInfo[] {
    return this.ctx.accounts.list.map((account) => ({
      secretKey: account.secretKey,
      publicKey: account.publicKey,
      currency: account.currency,
      currencies: [...account.currencies],
      domain: account.domain,
      integration: account.integration,
      businessName: account.businessName,
      webhookUrl: account.webhookUrl,
      callbackUrl: account.callbackUrl,
    }));
  }

  /** Sets (or with undefined, removes) an account's webhook URL; later events go there. */
  setWebhookUrl(url: string | undefined, account?: string): void {
    if (url !== undefined && !URL.canParse(url)) {
      throw new PaystackEmulatorError("invalid_use", `Not a URL: ${url}`);
    }
    this.account(account).webhookUrl = url;
  }

  /** All transactions (every account), oldest first. */
  transactions(): PaystackTransaction[] {
    return this.ctx.transactions.all.map((transaction) => this.ctx.snapshot(transaction));
  }

  /** By access code or reference (a reference shared by several accounts needs `account`). */
  transaction(referenceOrAccessCode: string, account?: string): PaystackTransaction | undefined {
    const found = this.ctx.transactions.find(referenceOrAccessCode, this.optionalAccount(account));
    return found === undefined ? undefined : this.ctx.snapshot(found);
  }

  /** What verify answers as `data` now (also the `data` of `charge.success`); a base for forged events. */
  transactionData(referenceOrAccessCode: string, account?: string): Record<string, unknown> {
    return transactionData(this.require(referenceOrAccessCode, account));
  }

  /**
   * The next transaction created that no earlier call returned (a read cursor over creation order,
   * like the Telegram emulator's `nextMessage`): resolves at once if there is one, else waits for
   * initialize. Non-matching transactions it passes over are consumed as well.
   */
  nextTransaction(options: NextTransactionOptions = {}): Promise<PaystackTransaction> {
    const store = this.ctx.transactions;
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitUntil(
      this.ctx,
      TRANSACTION_WAITS,
      () => {
        while (store.cursor < store.all.length) {
          const candidate = store.all[store.cursor++];
          if (candidate === undefined) continue;
          const snapshot = this.ctx.snapshot(candidate);
          if (options.match === undefined || options.match(snapshot)) return snapshot;
        }
        return undefined;
      },
      timeoutMs,
      () => new PaystackEmulatorError("timeout", `No new transaction was initialized within ${timeoutMs} ms`),
    );
  }

  /**
   * Pays like the checkout form: the success card settles the transaction and sends `charge.success`
   * (without waiting for its delivery: see `webhookIdle`); declined, insufficient-funds and unknown
   * cards leave it "failed" with the reason. Throws `PaystackEmulatorError` for an unknown reference,
   * an already paid transaction, or malformed/expired card details.
   */
  async pay(referenceOrAccessCode: string, options: PayOptions = {}): Promise<PaystackTransaction> {
    this.assertOpen();
    const transaction = this.require(referenceOrAccessCode);
    payTransaction(this.ctx, transaction, options.card ?? TEST_CARDS.success, options.ipAddress ?? null);
    return this.ctx.snapshot(transaction);
  }

  /** All refunds, oldest first. */
  refunds(): PaystackRefund[] {
    return this.ctx.refunds.all.map(toRefund);
  }

  refund(id: number): PaystackRefund | undefined {
    const refund = this.ctx.refunds.get(id);
    return refund === undefined ? undefined : toRefund(refund);
  }

  /**
   * Moves pending refunds (all, or `ids`) on: "processed" (the transaction becomes "reversed" once
   * refunds cover its amount), or "failed"/"needs-attention" for the refund test cards; sends
   * `refund.<status>` events. Returns the refunds it moved.
   */
  async processRefunds(ids?: readonly number[]): Promise<PaystackRefund[]> {
    this.assertOpen();
    return processRefunds(this.ctx, ids).map(toRefund);
  }

  /**
   * Delivers an event now: `event` is a body, or a reference/access code for that transaction's
   * `charge.success` as it stands. Signs per `signWith` (default "right") and retries like automatic
   * events. Resolves with every attempt once all copies are delivered or given up.
   */
  async sendWebhook(
    event: PaystackEvent | string,
    options: SendWebhookOptions = {},
  ): Promise<WebhookDelivery[]> {
    this.assertOpen();
    let account: AccountState;
    let body: PaystackEvent;
    if (typeof event === "string") {
      const transaction = this.require(event, options.account);
      account = transaction.account;
      body = this.ctx.chargeSuccessEvent(transaction);
    } else {
      account = this.account(options.account);
      body = event;
    }
    const url = options.url ?? account.webhookUrl;
    if (url === undefined) {
      throw new PaystackEmulatorError(
        "no_webhook_url",
        "No webhook URL: set one with setWebhookUrl() or pass url",
      );
    }
    const raw =
      options.bodyOverride === undefined
        ? Buffer.from(JSON.stringify(body), "utf8")
        : Buffer.from(options.bodyOverride);
    const signWith = options.signWith ?? "right";
    const signed = signBody(raw, account.secretKey, signWith);
    const signature = options.signature === undefined ? signed.signature : (options.signature ?? undefined);
    const copies = options.copies ?? 1;
    if (!Number.isInteger(copies) || copies < 1) {
      throw new PaystackEmulatorError("invalid_use", "copies must be a positive integer");
    }
    const runs = Array.from({ length: copies }, () =>
      this.ctx.webhooks.send({
        url,
        publicKey: account.publicKey,
        bytes: signed.bytes,
        signature,
        signWith,
        source: "manual",
        delaysMs: options.retryDelaysMs ?? this.ctx.options.webhookRetry.delaysMs,
      }),
    );
    return (await Promise.all(runs)).flat();
  }

  /** The right `x-paystack-signature` for these bytes under an account's secret key. */
  sign(body: string | Uint8Array, account?: string): string {
    return paystackSignature(body, this.account(account).secretKey);
  }

  /** Every webhook attempt so far (automatic and manual), oldest first. */
  webhookDeliveries(): WebhookDelivery[] {
    return [...this.ctx.webhooks.deliveries];
  }

  clearWebhookDeliveries(): void {
    this.ctx.webhooks.deliveries.length = 0;
  }

  /** Resolves when no webhook delivery is in flight (retries waiting count as in flight). */
  webhookIdle(): Promise<void> {
    return this.ctx.webhooks.idle();
  }

  /** Recorded requests (API and checkout), oldest first; `route` filters. */
  calls(route?: PaystackRoute | "unknown"): ApiCallRecord[] {
    return this.ctx.calls.list(route);
  }

  clearCalls(): void {
    this.ctx.calls.clear();
  }

  /**
   * The next `count` calls of `route` ("*" for any) fail with `fault`, after authentication and
   * before any effect: `{ status, message? }` answers `{ status: false, message }`.
   */
  failNext(route: PaystackRoute | "*", fault: PaystackFault, count = 1): void {
    this.ctx.faults.failNext(route, fault, count);
  }

  /** Each call of `route` ("*" for any) fails with `fault` with the given probability; returns a remover. */
  failRandomly(
    route: PaystackRoute | "*",
    fault: PaystackFault,
    probability: number,
    random: () => number = Math.random,
  ): () => void {
    return this.ctx.faults.failRandomly(route, fault, probability, random);
  }

  clearFaults(): void {
    this.ctx.faults.clear();
  }

  on<K extends keyof PaystackEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.on as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  once<K extends keyof PaystackEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.once as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  off<K extends keyof PaystackEmulatorEvents>(event: K, listener: Listener<K>): this {
    (this.ctx.events.off as (event: K, listener: Listener<K>) => unknown)(event, listener);
    return this;
  }

  /** Stops webhook delivery (in-flight attempts are aborted), rejects pending waits, closes the server. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.ctx.closed = true;
      this.ctx.webhooks.close();
      this.ctx.internal.emit("closed");
      await this.server.close();
      await this.ctx.webhooks.idle();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.ctx.closed) throw new PaystackEmulatorError("closed", "The Paystack emulator is closed");
  }

  private account(key: string | undefined): AccountState {
    const account = this.ctx.accounts.resolve(key);
    if (account === undefined) throw new PaystackEmulatorError("not_found", "No account with that key");
    return account;
  }

  private optionalAccount(key: string | undefined): AccountState | undefined {
    return key === undefined ? undefined : this.account(key);
  }

  private require(referenceOrAccessCode: string, account?: string): TransactionState {
    const found = this.ctx.transactions.find(referenceOrAccessCode, this.optionalAccount(account));
    if (found === undefined) {
      throw new PaystackEmulatorError(
        "not_found",
        `No transaction with access code or reference "${referenceOrAccessCode}" (a reference used by several accounts needs the account)`,
      );
    }
    return found;
  }
}

export function createPaystackEmulator(options?: PaystackEmulatorOptions): Promise<PaystackEmulator> {
  return PaystackEmulator.start(options);
}
