/**
 * A local Stripe for tests and the offline demo: the merchant side speaks Stripe's HTTP API
 * (form-encoded, bracket params, Bearer sk_test_, Idempotency-Key replay) so the official SDK talks
 * to it unchanged; the shopper side is a hosted pay page or `pay()`; events are POSTed signed with
 * `Stripe-Signature` and retried until answered 2xx. Faults can be queued per API route and per event.
 */
import { EventEmitter } from "node:events";
import express, { type Request, type Response } from "express";
import { FaultInjector } from "../shared/fault-injector.js";
import { type HttpServerHandle, InFlightAnswers, listenApp } from "../shared/http-server.js";
import { DEFAULT_WAIT_MS, waitUntil } from "../shared/wait.js";
import { sendWithFault } from "../shared/webhook-sender.js";
import { TEST_CARDS } from "./cards.js";
import { StripeApiError } from "./errors.js";
import {
  DEFAULT_MINIMUM_CHARGE,
  DEFAULT_RETRY_DELAYS_MS,
  DEFAULT_SECRET_KEY,
  DEFAULT_WEBHOOK_SECRET,
  type StripeEmulatorOptions,
} from "./options.js";
import { payPage } from "./pay-page.js";
import { type SignMode, type WebhookDelivery, WebhookSender } from "./sender.js";
import { type RefundRecord, type SessionRecord, type StripeEvent, StripeState } from "./state.js";

export type StripeRoute =
  | "sessions.create"
  | "sessions.retrieve"
  | "sessions.expire"
  | "refunds.create"
  | "refunds.list";
/** An API fault: answer this status (Stripe's api_error body), or drop the connection unanswered. */
export type ApiFault = { readonly status: number; readonly message?: string } | { readonly drop: true };
/** What happens to an event's delivery: never sent, sent twice, sent late, signed wrong or too old. */
export type WebhookFault = "drop" | "duplicate" | "late" | "forged" | "stale";

export interface ApiCall {
  readonly route: StripeRoute;
  readonly params: Record<string, unknown>;
  readonly idempotencyKey?: string;
  status?: number;
}

export interface SendEventOptions {
  readonly signWith?: SignMode;
  /** Sent this many times at once (a duplicate delivery). Default 1. */
  readonly copies?: number;
  readonly retryDelaysMs?: readonly number[];
  /** Bytes sent instead of the event's JSON (still signed as they are). */
  readonly bodyOverride?: string;
}

type Events = { event: [StripeEvent]; delivery: [WebhookDelivery]; closed: [] };

export class StripeEmulator {
  readonly secretKey: string;
  readonly webhookSecret: string;
  readonly apiFaults = new FaultInjector<ApiFault>();
  readonly webhookFaults = new FaultInjector<WebhookFault>();
  readonly internal = new EventEmitter<Events>();
  closed = false;
  private readonly callLog: ApiCall[] = [];
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private readonly state: StripeState;
  private readonly sender: WebhookSender;
  private webhookUrl: string | undefined;
  private handle: HttpServerHandle | undefined;
  private readonly retryDelaysMs: readonly number[];

  constructor(private readonly options: StripeEmulatorOptions = {}) {
    this.secretKey = options.secretKey ?? DEFAULT_SECRET_KEY;
    this.webhookSecret = options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
    this.webhookUrl = options.webhookUrl;
    this.retryDelaysMs = options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.sender = new WebhookSender(this.webhookSecret, options.webhookTimeoutMs ?? 10_000, (delivery) =>
      this.internal.emit("delivery", delivery),
    );
    this.state = new StripeState(
      (id) => `${this.baseUrl}/c/pay/${id}`,
      (event) => this.dispatch(event),
      options.minimumCharge ?? DEFAULT_MINIMUM_CHARGE,
    );
  }

  /** The API's root: the plugin's `apiBase`. */
  get baseUrl(): string {
    if (!this.handle) throw new Error("The Stripe emulator is not listening: await createStripeEmulator()");
    return this.handle.origin;
  }

  async listen(): Promise<void> {
    const inFlight = new InFlightAnswers();
    const app = express();
    app.use(inFlight.trackAll);
    app.use(express.urlencoded({ extended: true }));
    this.routes(app);
    this.handle = await listenApp(app, this.options.host ?? "127.0.0.1", this.options.port ?? 0, inFlight);
  }

  setWebhookUrl(url: string | undefined): void {
    this.webhookUrl = url;
  }

  session(id: string): SessionRecord | undefined {
    return this.state.sessions.get(id);
  }

  refunds(): readonly RefundRecord[] {
    return this.state.refunds;
  }

  events(type?: string): readonly StripeEvent[] {
    return this.state.events.filter((event) => type === undefined || event.type === type);
  }

  calls(route?: StripeRoute): readonly ApiCall[] {
    return this.callLog.filter((call) => route === undefined || call.route === route);
  }

  deliveries(): readonly WebhookDelivery[] {
    return this.sender.deliveries;
  }

  /** The shopper pays on the hosted page with `card` (default: the 4242 success card). */
  pay(sessionId: string, card: string = TEST_CARDS.success) {
    return this.state.pay(sessionId, card);
  }

  /** The session expires now (as `POST …/expire` or the clock would), sending `checkout.session.expired`. */
  expire(sessionId: string): SessionRecord {
    return this.state.expire(sessionId);
  }

  /**
   * Sends an event (a recorded one by id, or any object as an event's body) to the webhook URL now,
   * outside the automatic flow: for redeliveries, duplicates and forged or tampered events.
   */
  async sendEvent(event: StripeEvent | string, options: SendEventOptions = {}): Promise<WebhookDelivery[]> {
    const found =
      typeof event === "string" ? this.state.events.find((candidate) => candidate.id === event) : event;
    if (!found) throw new Error(`No event ${String(event)} was recorded`);
    if (!this.webhookUrl) throw new Error("No webhook URL is set: setWebhookUrl() first");
    const outgoing = {
      url: this.webhookUrl,
      body: options.bodyOverride ?? JSON.stringify(found),
      signWith: options.signWith ?? "right",
      delaysMs: options.retryDelaysMs ?? this.retryDelaysMs,
    };
    const copies = await Promise.all(
      Array.from({ length: options.copies ?? 1 }, () => this.sender.send(outgoing)),
    );
    return copies.flat();
  }

  /** The last recorded event of `type` about the session (its `data.object.id`). */
  lastEventAbout(sessionId: string, type?: string): StripeEvent | undefined {
    return this.state.events.findLast(
      (event) =>
        (type === undefined || event.type === type) &&
        (event.data.object as { id?: unknown }).id === sessionId,
    );
  }

  /** Resolves with the first delivery `check` accepts, as it happens (no polling). */
  waitForDelivery(
    check: (delivery: WebhookDelivery) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<WebhookDelivery> {
    const seen = this.sender.deliveries.length;
    return waitUntil(
      this,
      { wakeOn: ["delivery"], closedError: () => new Error("The Stripe emulator was closed while waiting") },
      () => this.sender.deliveries.slice(seen).find(check),
      timeoutMs,
      () => new Error("No matching Stripe webhook delivery in time"),
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

  /** Every event goes out unless no URL is set; a queued fault for its type changes how. */
  private dispatch(event: StripeEvent): void {
    this.internal.emit("event", event);
    if (!this.webhookUrl) return;
    const fault = this.webhookFaults.take(event.type);
    sendWithFault(
      fault,
      () => this.webhookUrl !== undefined && !this.closed,
      (copies) =>
        void this.sendEvent(event, {
          copies,
          signWith: fault === "forged" || fault === "stale" ? fault : "right",
        }),
    );
  }

  private routes(app: express.Express): void {
    const api = (route: StripeRoute, handle: (req: Request) => unknown) => (req: Request, res: Response) =>
      this.answer(route, req, res, handle);
    app.post(
      "/v1/checkout/sessions",
      api("sessions.create", (req) => this.state.createSession(req.body ?? {})),
    );
    app.get(
      "/v1/checkout/sessions/:id",
      api("sessions.retrieve", (req) => this.state.session(String(req.params.id))),
    );
    app.post(
      "/v1/checkout/sessions/:id/expire",
      api("sessions.expire", (req) => this.state.expire(String(req.params.id))),
    );
    app.post(
      "/v1/refunds",
      api("refunds.create", (req) => this.state.refund(req.body ?? {})),
    );
    app.get(
      "/v1/refunds",
      api("refunds.list", (req) => {
        const paymentIntent = typeof req.query.payment_intent === "string" ? req.query.payment_intent : "";
        return {
          object: "list",
          url: "/v1/refunds",
          has_more: false,
          data: this.state.refundsOf(paymentIntent),
        };
      }),
    );
    app.get("/c/pay/:id", (req, res) => this.page(res, String(req.params.id)));
    app.post("/c/pay/:id", (req, res) => {
      const id = String(req.params.id);
      const result = this.state.sessions.has(id) ? this.pay(id, String(req.body?.card ?? "")) : undefined;
      this.page(
        res,
        id,
        result?.paid === false ? result.decline.message : result ? "Payment succeeded." : "",
      );
    });
  }

  private page(res: Response, id: string, note = ""): void {
    const session = this.state.sessions.get(id);
    if (!session) res.status(404).type("text/plain").send("No such checkout session");
    else res.type("html").send(payPage(session, note));
  }

  /** Authenticates, applies a queued fault, replays an idempotent POST, or runs the handler. */
  private answer(route: StripeRoute, req: Request, res: Response, handle: (req: Request) => unknown): void {
    const key = req.get("idempotency-key");
    const params = (req.method === "GET" ? req.query : (req.body ?? {})) as Record<string, unknown>;
    const call: ApiCall = { route, params, ...(key ? { idempotencyKey: key } : {}) };
    this.callLog.push(call);
    const send = (status: number, body: unknown) => {
      call.status = status;
      res.status(status).json(body);
    };
    if (req.get("authorization") !== `Bearer ${this.secretKey}`) {
      send(401, new StripeApiError(401, "Invalid API Key provided", "invalid_request_error").toBody());
      return;
    }
    const fault = this.apiFaults.take(route);
    if (fault && "drop" in fault) {
      res.socket?.destroy();
      return;
    }
    if (fault) {
      send(
        fault.status,
        new StripeApiError(fault.status, fault.message ?? "An unknown error occurred", "api_error").toBody(),
      );
      return;
    }
    const fingerprint = `${req.method} ${req.path} ${JSON.stringify(params)}`;
    const saved = key && req.method === "POST" ? this.idempotent.get(key) : undefined;
    if (saved && saved.fingerprint !== fingerprint) {
      const error = new StripeApiError(
        400,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        "idempotency_error",
      );
      send(400, error.toBody());
      return;
    }
    if (saved) {
      res.set("idempotent-replayed", "true");
      send(saved.status, saved.body);
      return;
    }
    const [status, body] = this.run(handle, req);
    if (key && req.method === "POST") this.idempotent.set(key, { fingerprint, status, body });
    send(status, body);
  }

  private run(handle: (req: Request) => unknown, req: Request): [number, unknown] {
    try {
      return [200, structuredClone(handle(req))];
    } catch (error) {
      const known =
        error instanceof StripeApiError ? error : new StripeApiError(500, String(error), "api_error");
      return [known.status, known.toBody()];
    }
  }
}

/** Starts an emulator listening on a free port. */
export async function createStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const emulator = new StripeEmulator(options);
  await emulator.listen();
  return emulator;
}
