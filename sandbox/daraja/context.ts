import { EventEmitter } from "node:events";
import { FaultInjector } from "../shared/fault-injector.js";
import { C2bEngine } from "./c2b/engine.js";
import { newReceiptNumber } from "./ids.js";
import type { ResolvedDarajaEmulatorOptions, ResolvedShortcode } from "./options.js";
import { CallLog } from "./state/call-log.js";
import { CallbackSender } from "./state/callbacks.js";
import { PushStore } from "./state/pushes.js";
import { TokenStore } from "./state/tokens.js";
import type { DarajaEmulatorEvents, DarajaFault, StkPush } from "./types.js";

/** Events the shopper API waits on; kept apart from the public emitter so tests cannot unhook them. */
export interface InternalEvents {
  push: [push: StkPush];
  closed: [];
}

/** All emulator state, shared by the HTTP side and the shopper side. */
export interface DarajaContext {
  readonly options: ResolvedDarajaEmulatorOptions;
  readonly events: EventEmitter<DarajaEmulatorEvents>;
  readonly internal: EventEmitter<InternalEvents>;
  readonly calls: CallLog;
  readonly faults: FaultInjector<DarajaFault>;
  readonly tokens: TokenStore;
  readonly pushes: PushStore;
  readonly callbacks: CallbackSender;
  /** Paybill/Till payments (C2B): registered URLs, validations and confirmations. */
  readonly c2b: C2bEngine;
  shortcode(code: string): ResolvedShortcode | undefined;
  now(): number;
  /** A receipt number no earlier push got. */
  newReceipt(now: number): string;
  /** Set by close(). */
  closed: boolean;
}

export function createDarajaContext(options: ResolvedDarajaEmulatorOptions): DarajaContext {
  const events = new EventEmitter<DarajaEmulatorEvents>();
  const internal = new EventEmitter<InternalEvents>();
  internal.setMaxListeners(0);
  const receipts = new Set<string>();
  const shortcodes = new Map(options.shortcodes.map((entry) => [entry.shortcode, entry]));
  const newReceipt = (now: number) => {
    let receipt = newReceiptNumber(now);
    while (receipts.has(receipt)) receipt = newReceiptNumber(now);
    receipts.add(receipt);
    return receipt;
  };
  return {
    options,
    events,
    internal,
    calls: new CallLog(),
    faults: new FaultInjector<DarajaFault>(),
    tokens: new TokenStore(),
    pushes: new PushStore(),
    callbacks: new CallbackSender({
      timeoutMs: options.callbackTimeoutMs,
      onDelivery: (delivery) => events.emit("callback", delivery),
    }),
    c2b: new C2bEngine({
      now: () => options.clock(),
      newTransId: newReceipt,
      validationTimeoutMs: options.c2bValidationTimeoutMs,
      callbackTimeoutMs: options.callbackTimeoutMs,
    }),
    shortcode: (code) => shortcodes.get(code),
    now: () => options.clock(),
    newReceipt,
    closed: false,
  };
}
