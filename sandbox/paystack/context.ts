import { EventEmitter } from "node:events";
import { FaultInjector } from "../shared/fault-injector.js";
import type { ResolvedPaystackEmulatorOptions } from "./options.js";
import { transactionData } from "./serialize.js";
import { AccountRegistry, type AccountState } from "./state/accounts.js";
import { CallLog } from "./state/call-log.js";
import type { RefundState, TransactionState } from "./state/records.js";
import { RefundStore, toRefund } from "./state/refunds.js";
import { TransactionStore, toTransaction } from "./state/transactions.js";
import type { PaystackEmulatorEvents, PaystackEvent, PaystackFault, PaystackTransaction } from "./types.js";
import { WebhookSender } from "./webhooks/sender.js";
import { signBody } from "./webhooks/signature.js";

/** Events the in-process waits listen to; kept apart from the public emitter so tests cannot unhook them. */
export interface InternalEvents {
  transaction: [];
  closed: [];
}

/** All emulator state, shared by the HTTP side (API, checkout) and the in-process API. */
export interface EmulatorContext {
  readonly options: ResolvedPaystackEmulatorOptions;
  readonly accounts: AccountRegistry;
  readonly transactions: TransactionStore;
  readonly refunds: RefundStore;
  readonly calls: CallLog;
  readonly faults: FaultInjector<PaystackFault>;
  readonly webhooks: WebhookSender;
  readonly events: EventEmitter<PaystackEmulatorEvents>;
  readonly internal: EventEmitter<InternalEvents>;
  /** Origin the server listens on ("http://127.0.0.1:41234"); set once it listens. */
  baseUrl: string;
  /** Set by close(). */
  closed: boolean;
  now(): number;
  snapshot(transaction: TransactionState): PaystackTransaction;
  /** Announces a created or changed transaction. */
  transactionChanged(transaction: TransactionState): void;
  refundChanged(refund: RefundState): void;
  /** Sends one of the emulator's own events to the account's webhook URL (none set: nothing is sent). */
  emitEvent(account: AccountState, event: PaystackEvent): void;
  chargeSuccessEvent(transaction: TransactionState): PaystackEvent;
}

export function createEmulatorContext(options: ResolvedPaystackEmulatorOptions): EmulatorContext {
  const events = new EventEmitter<PaystackEmulatorEvents>();
  const internal = new EventEmitter<InternalEvents>();
  internal.setMaxListeners(0);
  const refunds = new RefundStore();
  const webhooks = new WebhookSender({
    timeoutMs: options.webhookRetry.timeoutMs,
    ack: options.webhookRetry.ack,
    onDelivery: (delivery) => events.emit("webhook", delivery),
  });

  const context: EmulatorContext = {
    options,
    accounts: new AccountRegistry(options.accounts),
    transactions: new TransactionStore(),
    refunds,
    calls: new CallLog(),
    faults: new FaultInjector<PaystackFault>(),
    webhooks,
    events,
    internal,
    baseUrl: "",
    closed: false,
    now: () => options.now(),
    snapshot(transaction) {
      return toTransaction(transaction, context.baseUrl, refunds.claimed(transaction));
    },
    transactionChanged(transaction) {
      internal.emit("transaction");
      if (events.listenerCount("transaction") > 0) events.emit("transaction", context.snapshot(transaction));
    },
    refundChanged(refund) {
      if (events.listenerCount("refund") > 0) events.emit("refund", toRefund(refund));
    },
    emitEvent(account, event) {
      const url = account.webhookUrl;
      if (url === undefined || context.closed) return;
      const signed = signBody(Buffer.from(JSON.stringify(event), "utf8"), account.secretKey, "right");
      void webhooks.send({
        url,
        publicKey: account.publicKey,
        bytes: signed.bytes,
        signature: signed.signature,
        signWith: "right",
        source: "auto",
        delaysMs: options.webhookRetry.delaysMs,
      });
    },
    chargeSuccessEvent(transaction) {
      return { event: "charge.success", data: transactionData(transaction) };
    },
  };
  return context;
}
