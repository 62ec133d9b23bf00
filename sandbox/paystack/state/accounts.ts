import type { ResolvedPaystackAccount } from "../options.js";
import type { PaystackDomain } from "../types.js";

/** An account at run time: its options plus what tests can change (the webhook URL). */
export interface AccountState {
  readonly secretKey: string;
  readonly publicKey: string;
  readonly currency: string;
  readonly currencies: readonly string[];
  readonly callbackUrl: string | undefined;
  readonly businessName: string;
  readonly email: string;
  readonly domain: PaystackDomain;
  /** Paystack's integration id, shown in refund data. */
  readonly integration: number;
  webhookUrl: string | undefined;
}

export class AccountRegistry {
  readonly list: readonly AccountState[];

  constructor(accounts: readonly ResolvedPaystackAccount[]) {
    this.list = accounts.map((account, index) => ({
      secretKey: account.secretKey,
      publicKey: account.publicKey,
      currency: account.currency,
      currencies: account.currencies,
      callbackUrl: account.callbackUrl,
      businessName: account.businessName,
      email: account.email,
      domain: account.secretKey.startsWith("sk_live_") ? "live" : "test",
      integration: 412_801 + index,
      webhookUrl: account.webhookUrl,
    }));
  }

  get default(): AccountState {
    return this.list[0]!;
  }

  bySecretKey(secretKey: string): AccountState | undefined {
    return this.list.find((account) => account.secretKey === secretKey);
  }

  /** By public or secret key; undefined selects the default account. */
  resolve(key: string | undefined): AccountState | undefined {
    if (key === undefined) return this.default;
    return this.list.find((account) => account.publicKey === key || account.secretKey === key);
  }
}
