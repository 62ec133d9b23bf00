import type { StkPush, StkResult } from "../types.js";
import type { StkPushFields } from "../validation/stk-push.js";

/** The mutable record behind the `StkPush` snapshots handed out. */
export interface PushState {
  readonly fields: Omit<StkPushFields, "password">;
  readonly checkoutRequestId: string;
  readonly merchantRequestId: string;
  readonly request: Readonly<Record<string, unknown>>;
  readonly requestedAt: Date;
  result: StkResult | undefined;
  /** Queries still to answer "being processed" whatever the state (queryPendingFor / queryPendingFirst). */
  forcedPendingQueries: number;
  /** Already returned by nextPush(). */
  taken: boolean;
  autoCompleteTimer: NodeJS.Timeout | undefined;
}

export function toStkPush(state: PushState): StkPush {
  const { fields } = state;
  return {
    checkoutRequestId: state.checkoutRequestId,
    merchantRequestId: state.merchantRequestId,
    businessShortCode: fields.businessShortCode,
    timestamp: fields.timestamp,
    transactionType: fields.transactionType,
    amount: fields.amount,
    partyA: fields.partyA,
    partyB: fields.partyB,
    phoneNumber: fields.phoneNumber,
    callBackUrl: fields.callBackUrl,
    accountReference: fields.accountReference,
    transactionDesc: fields.transactionDesc,
    request: state.request,
    requestedAt: state.requestedAt,
    status: state.result === undefined ? "pending" : "completed",
    result: state.result,
  };
}

/** Accepted pushes in arrival order, by CheckoutRequestID. A phone with a pending push is locked. */
export class PushStore {
  private readonly all: PushState[] = [];
  private readonly byId = new Map<string, PushState>();

  has(checkoutRequestId: string): boolean {
    return this.byId.has(checkoutRequestId);
  }

  add(state: PushState): void {
    this.all.push(state);
    this.byId.set(state.checkoutRequestId, state);
  }

  get(checkoutRequestId: string): PushState | undefined {
    return this.byId.get(checkoutRequestId);
  }

  /** The pending push holding the lock on this MSISDN, if any. */
  pendingFor(phoneNumber: string): PushState | undefined {
    return this.all.find((state) => state.result === undefined && state.fields.phoneNumber === phoneNumber);
  }

  list(): readonly PushState[] {
    return this.all;
  }
}
