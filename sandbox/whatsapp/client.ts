/**
 * A stand-in for one whatsapp-web.js `Client`: the same events, the same life cycle (initialize →
 * qr / authenticated → ready; `disconnected` destroys it for good), the bot's sends recorded by the
 * stand-in instead of going to WhatsApp.
 */
import { EventEmitter } from "node:events";
import type {
  MessageMediaLike,
  WhatsAppClientEvent,
  WhatsAppClientEvents,
  WhatsAppClientLike,
  WhatsAppSendOptions,
} from "../../src/bot/whatsapp/client.js";
import type { StandInState } from "./state.js";

export type StandInClientStatus = "new" | "initializing" | "qr" | "ready" | "failed" | "destroyed";

/** puppeteer's wording when the page or browser is gone, which is what a dead client throws. */
export const SESSION_CLOSED =
  "Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed.";

export class StandInClient implements WhatsAppClientLike {
  readonly #emitter = new EventEmitter();
  #status: StandInClientStatus = "new";
  #destroyCalls = 0;
  #onDestroyed: (() => void) | undefined;

  constructor(
    private readonly state: StandInState,
    /** 1 for the first client the stand-in built, 2 for the next… */
    readonly number: number,
  ) {}

  get status(): StandInClientStatus {
    return this.#status;
  }

  /** How many times `destroy()` was called (the adapter may call it on a client already dead). */
  get destroyCalls(): number {
    return this.#destroyCalls;
  }

  on<E extends WhatsAppClientEvent>(event: E, listener: (...args: WhatsAppClientEvents[E]) => void): this {
    this.#emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  removeAllListeners(event?: WhatsAppClientEvent): this {
    if (event === undefined) this.#emitter.removeAllListeners();
    else this.#emitter.removeAllListeners(event);
    return this;
  }

  listenerCount(event: WhatsAppClientEvent): number {
    return this.#emitter.listenerCount(event);
  }

  /** Emits as the library would; used by the stand-in's controls. */
  emit<E extends WhatsAppClientEvent>(event: E, ...args: WhatsAppClientEvents[E]): boolean {
    return this.#emitter.emit(event, ...args);
  }

  async initialize(): Promise<void> {
    if (this.#status === "destroyed") throw new Error(SESSION_CLOSED);
    if (this.#status !== "new") throw new Error("This client was already initialized");
    this.setStatus("initializing");
    // Launching the browser and loading the page take a while; never synchronous.
    await new Promise((resolve) => setImmediate(resolve));
    // destroy() may have come meanwhile (read through the getter: TypeScript cannot see that).
    if (this.status !== "initializing") throw new Error(SESSION_CLOSED);
    if (this.state.takeStall()) {
      // Like a navigation that never finishes: it ends only when the browser is closed.
      await new Promise<void>((resolve) => {
        this.#onDestroyed = resolve;
      });
      throw new Error(SESSION_CLOSED);
    }
    const failure = this.state.takeInitializeFailure();
    if (failure !== undefined) {
      this.setStatus("failed");
      throw new Error(failure);
    }
    if (this.state.linked) {
      // Restoring a stored session: authenticated, then ready, after initialize resolved.
      setImmediate(() => this.becomeReady());
    } else {
      setImmediate(() => {
        if (this.#status !== "initializing") return;
        this.setStatus("qr");
        this.emit("qr", this.state.nextQr());
      });
    }
  }

  /** The phone scanned the QR code (or the stored session was restored). */
  becomeReady(): void {
    if (this.#status !== "initializing" && this.#status !== "qr") return;
    this.emit("authenticated");
    this.setStatus("ready");
    this.emit("ready");
  }

  /** Like the library on `disconnected`: emit, then destroy itself. */
  disconnect(reason: string): void {
    if (this.#status === "destroyed") return;
    this.emit("disconnected", reason);
    void this.destroyInternally();
  }

  /** Like the library when a stored session cannot be restored: emit, then destroy itself. */
  authFailure(message: string): void {
    if (this.#status === "destroyed") return;
    this.emit("auth_failure", message);
    void this.destroyInternally();
  }

  async destroy(): Promise<void> {
    this.#destroyCalls += 1;
    await this.destroyInternally();
  }

  async sendMessage(
    chatId: string,
    content: string | MessageMediaLike,
    options: WhatsAppSendOptions = {},
  ): Promise<unknown> {
    if (this.#status !== "ready") throw new Error(SESSION_CLOSED);
    const fault = this.state.takeSendFailure();
    if (fault !== undefined) throw fault;
    return this.state.recordSend(chatId, content, options);
  }

  async getContactLidAndPhone(ids: string[]): Promise<{ lid?: string; pn?: string }[]> {
    if (this.#status !== "ready") throw new Error(SESSION_CLOSED);
    const fault = this.state.takeLidLookupFailure();
    if (fault !== undefined) throw fault;
    return ids.map((id) => this.state.lidAndPhone(id));
  }

  private async destroyInternally(): Promise<void> {
    if (this.#status === "destroyed") return;
    this.setStatus("destroyed");
    this.#onDestroyed?.();
  }

  private setStatus(status: StandInClientStatus): void {
    this.#status = status;
    this.state.clientChanged();
  }
}
