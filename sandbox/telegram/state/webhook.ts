import type { Update } from "grammy/types";
import { describeFetchFailure, sleep } from "../../shared/delivery.js";
import type { WebhookDelivery } from "../types.js";
import type { UpdateQueue } from "./update-queue.js";

/** Words Telegram uses for a failed delivery. */
const FAILURE_WORDING = { timeout: "Read timeout expired" };

export interface WebhookConfig {
  readonly url: string;
  readonly secretToken: string | undefined;
  readonly maxConnections: number;
  readonly ipAddress: string | undefined;
  /** Bumped by every setWebhook/deleteWebhook so stale delivery loops stop. */
  readonly generation: number;
}

export interface WebhookRetryPolicy {
  /** Attempts per update before it is dropped. */
  readonly attempts: number;
  /** Delay before the 2nd attempt; doubles each time. */
  readonly initialDelayMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
}

export interface WebhookSenderDeps {
  readonly queue: UpdateQueue;
  readonly retry: WebhookRetryPolicy;
  readonly onDelivery: (delivery: WebhookDelivery) => void;
  /** A 2xx answer whose JSON body names a `method` is executed as a Bot API call ("webhook reply"). */
  readonly onWebhookReply: (method: string, params: Record<string, unknown>) => Promise<void>;
}

/** The chat an update belongs to: Telegram delivers one chat's updates in order, chats in parallel. */
function laneOf(update: Update): string {
  const payload = Object.values(update).find((value) => typeof value === "object" && value !== null) as
    | { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } }; from?: { id?: unknown } }
    | undefined;
  const id = payload?.chat?.id ?? payload?.message?.chat?.id ?? payload?.from?.id;
  return id === undefined ? "global" : String(id);
}

/**
 * Pushes queued updates to the webhook URL as JSON, with the secret token header when set. Updates of
 * one chat go strictly in order; a non-2xx answer or network error is retried with exponential
 * backoff, and after the last attempt the update is dropped and recorded as the last error (Telegram
 * keeps retrying for longer; tests want a bounded run). Updates still queued when the webhook is
 * deleted stay available to getUpdates.
 */
export class WebhookSender {
  private current: WebhookConfig | undefined;
  private generation = 0;
  private readonly inFlight = new Set<number>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly stopper = new AbortController();
  /** Aborted on every setWebhook/deleteWebhook so loops sleeping in backoff re-check the config. */
  private configChanged = new AbortController();
  private lastErrorValue: { date: number; message: string } | undefined;
  readonly deliveries: WebhookDelivery[] = [];

  constructor(private readonly deps: WebhookSenderDeps) {}

  get config(): WebhookConfig | undefined {
    return this.current;
  }

  get lastError(): { date: number; message: string } | undefined {
    return this.lastErrorValue;
  }

  set(
    url: string,
    secretToken: string | undefined,
    maxConnections: number,
    ipAddress: string | undefined,
  ): void {
    this.generation++;
    this.current = { url, secretToken, maxConnections, ipAddress, generation: this.generation };
    this.lastErrorValue = undefined;
    this.kick();
  }

  delete(): void {
    this.bumpGeneration();
    this.current = undefined;
  }

  private bumpGeneration(): void {
    this.generation++;
    this.configChanged.abort();
    this.configChanged = new AbortController();
  }

  /** Schedules every queued update that is not already on its way. */
  kick(): void {
    const config = this.current;
    if (config === undefined || this.stopper.signal.aborted) return;
    for (const update of this.deps.queue.peek(Number.POSITIVE_INFINITY)) {
      if (this.inFlight.has(update.update_id)) continue;
      this.inFlight.add(update.update_id);
      const lane = laneOf(update);
      const previous = this.lanes.get(lane) ?? Promise.resolve();
      // A throwing "webhook" event listener must not break the lane or surface as an unhandled rejection.
      const next = previous.then(() => this.deliver(update, config.generation)).catch(() => undefined);
      this.lanes.set(lane, next);
      void next.finally(() => {
        if (this.lanes.get(lane) === next) this.lanes.delete(lane);
      });
    }
  }

  /** Resolves when every scheduled delivery has finished. */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.allSettled([...this.lanes.values()]);
  }

  close(): void {
    this.stopper.abort();
    this.current = undefined;
  }

  private async deliver(update: Update, generation: number): Promise<void> {
    const { retry } = this.deps;
    try {
      for (let attempt = 1; ; attempt++) {
        const config = this.current;
        if (config === undefined || config.generation !== generation || this.stopper.signal.aborted) return;
        if (!this.deps.queue.has(update.update_id)) return;
        const started = Date.now();
        let status: number | undefined;
        let failure: string;
        try {
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (config.secretToken !== undefined)
            headers["x-telegram-bot-api-secret-token"] = config.secretToken;
          const response = await fetch(config.url, {
            method: "POST",
            headers,
            body: JSON.stringify(update),
            signal: AbortSignal.any([this.stopper.signal, AbortSignal.timeout(retry.timeoutMs)]),
          });
          status = response.status;
          const body = await response.text();
          if (status >= 200 && status < 300) {
            this.deps.queue.remove(update.update_id);
            this.record({ update, config, attempt, status, delivered: true, final: true, started });
            await this.webhookReply(response.headers.get("content-type"), body);
            return;
          }
          failure = `Wrong response from the webhook: ${status} ${response.statusText}`.trim();
        } catch (error) {
          if (this.stopper.signal.aborted) return;
          failure = describeFetchFailure(error, FAILURE_WORDING);
        }
        this.lastErrorValue = { date: Math.floor(Date.now() / 1000), message: failure };
        const final = attempt >= retry.attempts;
        if (final) this.deps.queue.remove(update.update_id);
        this.record({ update, config, attempt, status, error: failure, delivered: false, final, started });
        if (final) return;
        const interrupt = AbortSignal.any([this.stopper.signal, this.configChanged.signal]);
        await sleep(retry.initialDelayMs * 2 ** (attempt - 1), interrupt);
      }
    } finally {
      this.inFlight.delete(update.update_id);
      // A webhook set while this loop was running may still want the update.
      if (this.current !== undefined && this.current.generation !== generation) this.kick();
    }
  }

  private record(input: {
    update: Update;
    config: WebhookConfig;
    attempt: number;
    status?: number | undefined;
    error?: string;
    delivered: boolean;
    final: boolean;
    started: number;
  }): void {
    const delivery: WebhookDelivery = {
      updateId: input.update.update_id,
      url: input.config.url,
      attempt: input.attempt,
      ...(input.status === undefined ? {} : { status: input.status }),
      ...(input.error === undefined ? {} : { error: input.error }),
      delivered: input.delivered,
      final: input.final,
      durationMs: Date.now() - input.started,
    };
    this.deliveries.push(delivery);
    this.deps.onDelivery(delivery);
  }

  private async webhookReply(contentType: string | null, body: string): Promise<void> {
    if (!contentType?.includes("application/json") || body.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== "object" || parsed === null) return;
    const { method, ...params } = parsed as Record<string, unknown>;
    if (typeof method === "string") await this.deps.onWebhookReply(method, params);
  }
}
