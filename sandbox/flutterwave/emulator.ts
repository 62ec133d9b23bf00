/**
 * A local Flutterwave v3 for tests and the offline demo: the merchant side speaks v3's JSON API
 * (Bearer FLWSECK_TEST-…, hosted payments, verify by id and by tx_ref, refunds); the shopper side is
 * a hosted pay page or `pay()`; `charge.completed` is POSTed with the `verif-hash` header and retried
 * until answered 2xx. Faults can be queued per API route and per event.
 */
import { EventEmitter } from "node:events";
import express, { type Request, type Response } from "express";
import { FaultInjector } from "../shared/fault-injector.js";
import { type HttpServerHandle, InFlightAnswers, listenApp } from "../shared/http-server.js";
import { DEFAULT_WAIT_MS, waitUntil } from "../shared/wait.js";
import { type WebhookDelivery as Delivery, sendWithFault, WebhookSender } from "../shared/webhook-sender.js";
import {
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_SECRET_HASH,
  DEFAULT_SECRET_KEY,
  type FlutterwaveEmulatorOptions,
} from "./options.js";
import { payPage } from "./pay-page.js";
import {
  type ChargeEvent,
  FlutterwaveApiError,
  FlutterwaveState,
  type HostedPayment,
  type PayMethod,
  type PayOptions,
  type RefundRecord,
  type TransactionRecord,
} from "./state.js";

export type FlutterwaveRoute =
  | "payments.create"
  | "transactions.verify"
  | "transactions.verify_by_reference"
  | "transactions.refund";
/** An API fault: answer this status (the 503 of providers-2 §2.5), or drop the connection unanswered. */
export type ApiFault = { readonly status: number } | { readonly drop: true };
/** What happens to an event's delivery: never sent, sent twice, sent late, sent with a wrong hash. */
export type WebhookFault = "drop" | "duplicate" | "late" | "forged";
/** How a delivery's `verif-hash` is made: the account's, a wrong one, or none. */
export type HashMode = "right" | "forged" | "none";
export type WebhookDelivery = Delivery<HashMode>;

export interface SendEventOptions {
  readonly hash?: HashMode;
  /** Sent this many times at once (a duplicate delivery). Default 1. */
  readonly copies?: number;
  /** Bytes sent instead of the event's JSON (a tampered or invented event). */
  readonly bodyOverride?: string;
}

type Events = { event: [ChargeEvent]; delivery: [WebhookDelivery]; closed: [] };

const idOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { data?: { id?: unknown } }).data?.id;
    return typeof id === "number" ? String(id) : undefined;
  } catch {
    return undefined;
  }
};

export class FlutterwaveEmulator {
  readonly secretKey: string;
  readonly secretHash: string;
  readonly apiFaults = new FaultInjector<ApiFault>();
  readonly webhookFaults = new FaultInjector<WebhookFault>();
  readonly internal = new EventEmitter<Events>();
  closed = false;
  private readonly state: FlutterwaveState;
  private readonly sender: WebhookSender<HashMode>;
  private webhookUrl: string | undefined;
  private handle: HttpServerHandle | undefined;

  constructor(private readonly options: FlutterwaveEmulatorOptions = {}) {
    this.secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
    this.secretHash = options.secretHash ?? DEFAULT_SECRET_HASH;
    this.webhookUrl = options.webhookUrl;
    this.sender = new WebhookSender<HashMode>({
      timeoutMs: options.webhookTimeoutMs ?? 10_000,
      onDelivery: (delivery) => this.internal.emit("delivery", delivery),
      idOf,
      headersOf: (_body, hash): Record<string, string> =>
        hash === "none"
          ? {}
          : { "verif-hash": hash === "forged" ? "forged-by-an-attacker" : this.secretHash },
    });
    this.state = new FlutterwaveState(
      (txRef) => `${this.baseUrl}/v3/hosted/pay/${encodeURIComponent(txRef)}`,
      (event) => this.dispatch(event),
    );
  }

  /** The API's root: the plugin's `baseUrl`. */
  get baseUrl(): string {
    if (!this.handle)
      throw new Error("The Flutterwave emulator is not listening: await createFlutterwaveEmulator()");
    return this.handle.origin;
  }

  async listen(): Promise<void> {
    const inFlight = new InFlightAnswers();
    const app = express();
    app.use(inFlight.trackAll);
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    this.routes(app);
    this.handle = await listenApp(app, this.options.host ?? "127.0.0.1", this.options.port ?? 0, inFlight);
  }

  setWebhookUrl(url: string | undefined): void {
    this.webhookUrl = url;
  }

  payment(txRef: string): HostedPayment | undefined {
    return this.state.payments.get(txRef);
  }

  transaction(id: number): TransactionRecord | undefined {
    return this.state.transactions.get(id);
  }

  refunds(): readonly RefundRecord[] {
    return this.state.refunds;
  }

  events(): readonly ChargeEvent[] {
    return this.state.events;
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.sender.deliveries;
  }

  /** The shopper pays on the hosted page (default: by card, successfully, the amount asked). */
  pay(txRef: string, options: PayOptions = {}): TransactionRecord {
    return this.state.pay(txRef, options);
  }

  /** Sends an event now, outside the automatic flow: redeliveries, duplicates, forged or invented events. */
  async sendEvent(event: ChargeEvent, options: SendEventOptions = {}): Promise<WebhookDelivery[]> {
    if (!this.webhookUrl) throw new Error("No webhook URL is set: setWebhookUrl() first");
    const outgoing = {
      url: this.webhookUrl,
      body: options.bodyOverride ?? JSON.stringify(event),
      signWith: options.hash ?? "right",
      delaysMs: this.options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    };
    const copies = await Promise.all(
      Array.from({ length: options.copies ?? 1 }, () => this.sender.send(outgoing)),
    );
    return copies.flat();
  }

  /** Resolves with the first delivery `check` accepts, as it happens (no polling). */
  waitForDelivery(
    check: (delivery: WebhookDelivery) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<WebhookDelivery> {
    const seen = this.sender.deliveries.length;
    return waitUntil(
      this,
      {
        wakeOn: ["delivery"],
        closedError: () => new Error("The Flutterwave emulator was closed while waiting"),
      },
      () => this.sender.deliveries.slice(seen).find(check),
      timeoutMs,
      () => new Error("No matching Flutterwave webhook delivery in time"),
    );
  }

  webhookIdle(): Promise<void> {
    return this.sender.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sender.close();
    this.internal.emit("closed");
    await this.handle?.close();
  }

  /** Every event goes out unless no URL is set; a queued fault changes how. */
  private dispatch(event: ChargeEvent): void {
    this.internal.emit("event", event);
    if (!this.webhookUrl) return;
    const fault = this.webhookFaults.take(event.event);
    sendWithFault(
      fault,
      () => this.webhookUrl !== undefined && !this.closed,
      (copies) => void this.sendEvent(event, { copies, hash: fault === "forged" ? "forged" : "right" }),
    );
  }

  private routes(app: express.Express): void {
    const api =
      (route: FlutterwaveRoute, handle: (req: Request) => unknown) => (req: Request, res: Response) =>
        this.answer(route, req, res, handle);
    app.post(
      "/v3/payments",
      api("payments.create", (req) => this.state.createPayment(req.body)),
    );
    app.get(
      "/v3/transactions/verify_by_reference",
      api("transactions.verify_by_reference", (req) =>
        this.state.verifyByReference(String(req.query.tx_ref ?? "")),
      ),
    );
    app.get(
      "/v3/transactions/:id/verify",
      api("transactions.verify", (req) => this.state.verifyById(String(req.params.id))),
    );
    app.post(
      "/v3/transactions/:id/refund",
      api("transactions.refund", (req) => this.state.refund(String(req.params.id), req.body)),
    );
    app.get("/v3/hosted/pay/:txRef", (req, res) => this.page(res, String(req.params.txRef)));
    app.post("/v3/hosted/pay/:txRef", (req, res) => {
      const txRef = String(req.params.txRef);
      const method: PayMethod = req.body?.method === "mpesa" ? "mpesa" : "card";
      if (this.state.payments.has(txRef)) this.pay(txRef, { method });
      this.page(res, txRef, "Payment successful.");
    });
  }

  private page(res: Response, txRef: string, note = ""): void {
    const payment = this.state.payments.get(txRef);
    if (!payment) res.status(404).type("text/plain").send("No such payment");
    else res.type("html").send(payPage(payment, note));
  }

  /** Authenticates, applies a queued fault, or runs the handler. */
  private answer(
    route: FlutterwaveRoute,
    req: Request,
    res: Response,
    handle: (req: Request) => unknown,
  ): void {
    if (req.get("authorization") !== `Bearer ${this.secretKey}`) {
      res.status(401).json(new FlutterwaveApiError(401, "Invalid authorization key").toBody());
      return;
    }
    const fault = this.apiFaults.take(route);
    if (fault && "drop" in fault) {
      res.socket?.destroy();
      return;
    }
    if (fault) {
      res
        .status(fault.status)
        .json(new FlutterwaveApiError(fault.status, "An error occurred. Please contact support").toBody());
      return;
    }
    try {
      res.status(200).json(handle(req));
    } catch (error) {
      const known =
        error instanceof FlutterwaveApiError ? error : new FlutterwaveApiError(500, String(error));
      res.status(known.status).json(known.toBody());
    }
  }
}

/** Starts an emulator listening on a free port. */
export async function createFlutterwaveEmulator(
  options: FlutterwaveEmulatorOptions = {},
): Promise<FlutterwaveEmulator> {
  const emulator = new FlutterwaveEmulator(options);
  await emulator.listen();
  return emulator;
}
