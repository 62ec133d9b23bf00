import type { WhatsAppClientLike } from "../../src/bot/whatsapp/client.js";
import { DEFAULT_WAIT_MS, type WaitEvents, type WaitOptions, waitUntil } from "../shared/wait.js";
import { StandInClient } from "./client.js";
import { WhatsAppStandInError } from "./errors.js";
import { StandInState } from "./state.js";
import type { SentMessage, StandInEvents } from "./types.js";
import { WhatsAppUser } from "./user.js";

export interface WhatsAppStandInOptions {
  /** The shop's own number (the linked account), digits only. Default "254700000000". */
  readonly botPhone?: string;
  /**
   * Start unlinked: `initialize()` emits `qr` and waits for `scanQr()`. Default false (a stored
   * session: initialize goes straight to authenticated and ready).
   */
  readonly requireQr?: boolean;
}

/** What puppeteer reports when WhatsApp Web cannot be resolved, as on these machines. */
export const UNREACHABLE_REASON = "net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/";

const CLIENT_WAITS: WaitEvents<StandInEvents> = {
  wakeOn: ["client"],
  closedError: () => new WhatsAppStandInError("closed", "The WhatsApp stand-in was closed while waiting"),
};

function toDigits(phone: string): string {
  const digits = phone.replace(/@.*$/, "").replace(/\D/g, "");
  if (digits.length < 8 || digits.length > 15) {
    throw new WhatsAppStandInError(
      "invalid_use",
      `${JSON.stringify(phone)} is not a phone number with country code (8-15 digits, e.g. 254712345678)`,
    );
  }
  return digits;
}

/**
 * A stand-in for whatsapp-web.js: clients that behave like the library's `Client` (built by
 * `clientFactory`, one per (re)connect, the newest one linked), and user drivers that write to the
 * shop and read its replies. No browser, no network.
 */
export class WhatsAppStandIn {
  readonly #state: StandInState;
  readonly #users = new Map<string, WhatsAppUser>();

  constructor(options: WhatsAppStandInOptions = {}) {
    this.#state = new StandInState(
      `${toDigits(options.botPhone ?? "254700000000")}@c.us`,
      !options.requireQr,
    );
  }

  /** For the adapter's `clientFactory`: each call builds a new client, like `new Client(…)`. */
  readonly clientFactory = (): WhatsAppClientLike => this.createClient();

  createClient(): StandInClient {
    if (this.#state.closed) throw new WhatsAppStandInError("closed", "The WhatsApp stand-in is closed");
    const client = new StandInClient(this.#state, this.#state.clients.length + 1);
    this.#state.clients.push(client);
    this.#state.clientChanged();
    return client;
  }

  /** The newest client (the one WhatsApp delivers to); built now if none exists yet. */
  get client(): StandInClient {
    return this.#state.current ?? this.createClient();
  }

  /** Every client built so far, oldest first. */
  get clients(): readonly StandInClient[] {
    return [...this.#state.clients];
  }

  /** The shop's own chat id (`to` of inbound messages). */
  get botId(): string {
    return this.#state.botId;
  }

  /** The driver of the user with this number (the same driver for the same number). */
  user(phone: string, name = "Shopper"): WhatsAppUser {
    const digits = toDigits(phone);
    let user = this.#users.get(digits);
    if (!user) {
      user = new WhatsAppUser(this.#state, digits, name);
      this.#users.set(digits, user);
    }
    return user;
  }

  /** Everything the bot sent, in all chats, in order per chat. */
  sentMessages(): SentMessage[] {
    return [...this.#state.sent.values()].flat().sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime());
  }

  // --- controls ----------------------------------------------------------------------------------

  /** The next `times` initialize() calls reject with `reason` (Infinity: until `restoreInitialize`). */
  failInitialize(reason: string = UNREACHABLE_REASON, times = 1): void {
    this.#state.failInitialize(reason, times);
  }

  /** The next `times` initialize() calls never finish (a stalled page load) until the client is destroyed. */
  stallInitialize(times = 1): void {
    this.#state.stallInitialize(times);
  }

  restoreInitialize(): void {
    this.#state.failInitialize("", 0);
  }

  /** The phone scans the QR code the current client shows: authenticated, then ready. */
  scanQr(): void {
    const client = this.#state.current;
    if (client?.status !== "qr") {
      throw new WhatsAppStandInError(
        "invalid_use",
        `No client is showing a QR code (${client ? `client #${client.number} is ${client.status}` : "none was created"})`,
      );
    }
    this.#state.linked = true;
    client.becomeReady();
  }

  /**
   * WhatsApp drops the current client (`disconnected` with `reason`, e.g. UNPAIRED, CONFLICT, LOGOUT),
   * which then destroys itself; recovering needs a new client. `unlink` also forgets the stored
   * session, so the next client shows a QR code.
   */
  disconnect(reason = "UNPAIRED", options: { unlink?: boolean } = {}): void {
    if (options.unlink) this.#state.linked = false;
    this.requireClient("disconnect").disconnect(reason);
  }

  /** The stored session is refused (`auth_failure`); the client destroys itself. */
  authFailure(message = "Unable to log in. Are the session details valid?"): void {
    this.requireClient("authFailure").authFailure(message);
  }

  /** The next sendMessage calls reject with `error` (one per call). */
  failNextSend(
    error: Error = new Error("Evaluation failed: TypeError: Cannot read properties of undefined"),
  ): void {
    this.#state.failNextSend(error);
  }

  /** The next getContactLidAndPhone call rejects. */
  failNextLidLookup(error: Error = new Error("Evaluation failed: Error: lid lookup failed")): void {
    this.#state.failNextLidLookup(error);
  }

  // --- waiting -----------------------------------------------------------------------------------

  /** Resolves with the `count`-th client once it exists (event-driven). */
  waitForClients(count: number, options: WaitOptions = {}): Promise<StandInClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitUntil(
      this.#state,
      CLIENT_WAITS,
      () => this.#state.clients[count - 1],
      timeoutMs,
      () =>
        new WhatsAppStandInError(
          "timeout",
          `Waited ${timeoutMs} ms for client #${count}; ${this.describeClients()}`,
        ),
    );
  }

  /** Resolves once the newest client is ready (event-driven). */
  waitForReady(options: WaitOptions = {}): Promise<StandInClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return waitUntil(
      this.#state,
      CLIENT_WAITS,
      () => (this.#state.current?.status === "ready" ? this.#state.current : undefined),
      timeoutMs,
      () =>
        new WhatsAppStandInError(
          "timeout",
          `Waited ${timeoutMs} ms for a ready client; ${this.describeClients()}`,
        ),
    );
  }

  /** Ends every wait with a "closed" error; later sends by users throw. */
  close(): void {
    if (this.#state.closed) return;
    this.#state.closed = true;
    this.#state.internal.emit("closed");
  }

  private requireClient(action: string): StandInClient {
    const client = this.#state.current;
    if (!client || client.status === "destroyed" || client.status === "new") {
      throw new WhatsAppStandInError("invalid_use", `${action}: no live client; ${this.describeClients()}`);
    }
    return client;
  }

  private describeClients(): string {
    const clients = this.#state.clients;
    return clients.length === 0
      ? "no client was created"
      : `clients: ${clients.map((client) => `#${client.number} ${client.status}`).join(", ")}`;
  }
}

export function createWhatsAppStandIn(options: WhatsAppStandInOptions = {}): WhatsAppStandIn {
  return new WhatsAppStandIn(options);
}
