import { IdSequence, newAccessCode, newCustomerCode, newReference } from "../ids.js";
import type { PaystackTransaction } from "../types.js";
import type { AccountState } from "./accounts.js";
import type { CustomerState, TransactionState } from "./records.js";

export interface NewTransaction {
  readonly account: AccountState;
  readonly reference: string | undefined;
  readonly amount: number;
  readonly currency: string;
  readonly email: string;
  readonly metadata: Record<string, unknown> | undefined;
  readonly callbackUrl: string | undefined;
  readonly channels: readonly string[] | undefined;
  readonly createdAt: number;
}

const keyOf = (account: AccountState, reference: string) => `${account.publicKey}\n${reference}`;

/**
 * All transactions, in creation order. References are unique per account (as on Paystack: another
 * merchant's reference is "not found"); access codes and ids are unique across the emulator.
 */
export class TransactionStore {
  private readonly ordered: TransactionState[] = [];
  private readonly byReference = new Map<string, TransactionState>();
  private readonly byAccessCode = new Map<string, TransactionState>();
  private readonly byId = new Map<number, TransactionState>();
  private readonly customers = new Map<string, CustomerState>();
  private readonly ids = new IdSequence(5_000_000_001);
  private readonly customerIds = new IdSequence(180_000_001);
  /** Index of the first transaction `nextTransaction` has not returned. */
  cursor = 0;

  get all(): readonly TransactionState[] {
    return this.ordered;
  }

  hasReference(account: AccountState, reference: string): boolean {
    return this.byReference.has(keyOf(account, reference));
  }

  create(input: NewTransaction): TransactionState {
    let reference = input.reference;
    while (reference === undefined || this.byReference.has(keyOf(input.account, reference))) {
      reference = newReference();
    }
    let accessCode = newAccessCode();
    while (this.byAccessCode.has(accessCode)) accessCode = newAccessCode();
    const transaction: TransactionState = {
      id: this.ids.take(),
      account: input.account,
      reference,
      accessCode,
      amount: input.amount,
      currency: input.currency,
      customer: this.customer(input.account, input.email),
      metadata: input.metadata,
      callbackUrl: input.callbackUrl,
      channels: input.channels,
      createdAt: input.createdAt,
      status: "abandoned",
      gatewayResponse: "The transaction was not completed",
      message: null,
      authorization: undefined,
      paidAt: undefined,
      fees: null,
      ipAddress: null,
      attempts: 0,
      errors: 0,
      history: [],
    };
    this.ordered.push(transaction);
    this.byReference.set(keyOf(input.account, reference), transaction);
    this.byAccessCode.set(accessCode, transaction);
    this.byId.set(transaction.id, transaction);
    return transaction;
  }

  forAccount(account: AccountState, reference: string): TransactionState | undefined {
    return this.byReference.get(keyOf(account, reference));
  }

  /** By reference, or by numeric id (number or digit string), within one account. */
  byReferenceOrId(account: AccountState, key: string | number): TransactionState | undefined {
    if (typeof key === "string") {
      const found = this.forAccount(account, key);
      if (found !== undefined || !/^\d+$/.test(key)) return found;
    }
    const byId = this.byId.get(Number(key));
    return byId?.account === account ? byId : undefined;
  }

  byAccess(accessCode: string): TransactionState | undefined {
    return this.byAccessCode.get(accessCode);
  }

  /** For the in-process API: an access code, else a reference (of `account`, or of any account when unique). */
  find(key: string, account?: AccountState): TransactionState | undefined {
    const byAccess = this.byAccessCode.get(key);
    if (byAccess !== undefined && (account === undefined || byAccess.account === account)) return byAccess;
    if (account !== undefined) return this.forAccount(account, key);
    const matches = this.ordered.filter((transaction) => transaction.reference === key);
    return matches.length === 1 ? matches[0] : undefined;
  }

  private customer(account: AccountState, email: string): CustomerState {
    const key = `${account.publicKey}\n${email.toLowerCase()}`;
    let customer = this.customers.get(key);
    if (customer === undefined) {
      customer = { id: this.customerIds.take(), code: newCustomerCode(), email };
      this.customers.set(key, customer);
    }
    return customer;
  }
}

export function toTransaction(
  transaction: TransactionState,
  baseUrl: string,
  refundedAmount: number,
): PaystackTransaction {
  const card = transaction.authorization;
  return {
    id: transaction.id,
    domain: transaction.account.domain,
    publicKey: transaction.account.publicKey,
    reference: transaction.reference,
    accessCode: transaction.accessCode,
    authorizationUrl: `${baseUrl}/checkout/${transaction.accessCode}`,
    status: transaction.status,
    amount: transaction.amount,
    currency: transaction.currency,
    email: transaction.customer.email,
    metadata: transaction.metadata === undefined ? undefined : structuredClone(transaction.metadata),
    callbackUrl: transaction.callbackUrl,
    channels: transaction.channels === undefined ? undefined : [...transaction.channels],
    gatewayResponse: transaction.gatewayResponse,
    message: transaction.message,
    card:
      card === undefined
        ? undefined
        : {
            authorizationCode: card.authorizationCode,
            bin: card.bin,
            last4: card.last4,
            expMonth: card.expMonth,
            expYear: card.expYear,
            brand: card.brand,
            bank: card.bank,
            signature: card.signature,
          },
    fees: transaction.fees,
    attempts: transaction.attempts,
    refundedAmount,
    createdAt: new Date(transaction.createdAt),
    paidAt: transaction.paidAt === undefined ? undefined : new Date(transaction.paidAt),
  };
}
