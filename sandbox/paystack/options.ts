import { z } from "zod";

/** One Paystack integration (a merchant account): the keys a client uses and where its events go. */
export interface PaystackAccount {
  /** `sk_test_…` or `sk_live_…`; the Bearer token the API accepts and the webhook signing key. */
  readonly secretKey: string;
  /** `pk_test_…` or `pk_live_…` (same mode as the secret key). Names the account in call logs. */
  readonly publicKey: string;
  /** The integration's currency: the default for initialize. Default: "KES". */
  readonly currency?: string;
  /** Currencies initialize accepts. Default: [currency]. Others get "Currency not supported by merchant". */
  readonly currencies?: readonly string[];
  /** Where events are POSTed; change it at run time with `emulator.setWebhookUrl()`. Default: none (no events). */
  readonly webhookUrl?: string;
  /** The dashboard callback URL, used when initialize has no `callback_url`. Default: none. */
  readonly callbackUrl?: string;
  /** Shown on the checkout page. Default: "Duka Test Shop". */
  readonly businessName?: string;
  /** The merchant user that appears as `refunded_by`. Default: "merchant@duka.test". */
  readonly email?: string;
}

/**
 * When a webhook attempt is not acknowledged (non-2xx, network error or timeout), the next attempt
 * waits `delaysMs[i]`; after `delaysMs.length + 1` attempts the delivery is given up. Paystack's real
 * schedule (providers.md §2.3): live, every 3 min for 4 tries then hourly for 72 h; test, hourly for
 * 10 h. The default compresses that to 4 tries 200 ms apart; the R-test harness uses e.g.
 * `[3000, 3000, 3000, ...Array(12).fill(10_000)]` (4× every 3 s, then every 10 s up to 2 min).
 */
export interface PaystackWebhookRetry {
  /** Waits before the 2nd, 3rd, … attempt. Default: [200, 200, 200]. */
  readonly delaysMs?: readonly number[];
  /** Per-attempt timeout (Paystack: 30 s). Default: 5000 ms. */
  readonly timeoutMs?: number;
  /**
   * Which answers acknowledge a delivery. Paystack documents "200 OK"; whether other 2xx count is
   * unconfirmed. Default: "2xx".
   */
  readonly ack?: "2xx" | "200";
}

export interface PaystackEmulatorOptions {
  /** TCP port; 0 picks a free one. Default: 0. */
  readonly port?: number;
  /** Interface to listen on. Default: "127.0.0.1". */
  readonly host?: string;
  /** Integrations; the first is the default for the in-process API. Default: one test account (KES). */
  readonly accounts?: readonly PaystackAccount[];
  readonly webhookRetry?: PaystackWebhookRetry;
  /** `fees` on a successful transaction = round(amount × feeRate). Not Paystack's price list. Default: 0.029. */
  readonly feeRate?: number;
  /** Clock for created_at, paid_at and refund dates (ms since epoch). Default: Date.now. */
  readonly now?: () => number;
}

/** Secret key of the default test account (not a real Paystack key). */
export const DEFAULT_SECRET_KEY = "sk_test_3f6a1c0e9b7d4e2a8c5f0b1d6e9a2c4f7b0d3e5a";
/** Public key of the default test account (not a real Paystack key). */
export const DEFAULT_PUBLIC_KEY = "pk_test_8e2c4a6f0b1d3e5a7c9f2b4d6e8a0c1f3b5d7e9a";

export const defaultPaystackEmulatorOptions = {
  port: 0,
  host: "127.0.0.1",
  accounts: [{ secretKey: DEFAULT_SECRET_KEY, publicKey: DEFAULT_PUBLIC_KEY, currency: "KES" }],
  webhookRetry: { delaysMs: [200, 200, 200], timeoutMs: 5000, ack: "2xx" as const },
  feeRate: 0.029,
  now: Date.now,
};

const DEFAULT_ACCOUNT = {
  currency: "KES",
  businessName: "Duka Test Shop",
  email: "merchant@duka.test",
};

const currency = z.string().regex(/^[A-Z]{3}$/, "currency must be an ISO 4217 code like KES");
const httpUrl = z.url({ protocol: /^https?$/ });

const accountSchema = z
  .object({
    secretKey: z.string().regex(/^sk_(test|live)_[A-Za-z0-9]+$/, "secretKey must look like sk_test_<alnum>"),
    publicKey: z.string().regex(/^pk_(test|live)_[A-Za-z0-9]+$/, "publicKey must look like pk_test_<alnum>"),
    currency,
    currencies: z.array(currency).min(1),
    webhookUrl: httpUrl.optional(),
    callbackUrl: httpUrl.optional(),
    businessName: z.string().min(1),
    email: z.email(),
  })
  .refine((account) => account.secretKey.slice(3, 7) === account.publicKey.slice(3, 7), {
    message: "secretKey and publicKey must both be test keys or both be live keys",
  })
  .refine((account) => account.currencies.includes(account.currency), {
    message: "currencies must include the account's currency",
  });

const schema = z.object({
  port: z.number().int().min(0).max(65_535),
  host: z.string().min(1),
  accounts: z
    .array(accountSchema)
    .min(1)
    .refine(
      (list) => new Set(list.map((a) => a.secretKey)).size === list.length,
      "secret keys must be unique",
    )
    .refine(
      (list) => new Set(list.map((a) => a.publicKey)).size === list.length,
      "public keys must be unique",
    ),
  webhookRetry: z.object({
    delaysMs: z.array(z.number().min(0)),
    timeoutMs: z.number().positive(),
    ack: z.enum(["2xx", "200"]),
  }),
  feeRate: z.number().min(0).max(1),
  now: z.custom<() => number>((value) => typeof value === "function", "now must be a function"),
});

export type ResolvedPaystackEmulatorOptions = z.infer<typeof schema>;
export type ResolvedPaystackAccount = ResolvedPaystackEmulatorOptions["accounts"][number];

export function resolveOptions(options: PaystackEmulatorOptions = {}): ResolvedPaystackEmulatorOptions {
  const given: readonly PaystackAccount[] = options.accounts ?? defaultPaystackEmulatorOptions.accounts;
  const accounts = given.map((account) => {
    const withDefaults = { ...DEFAULT_ACCOUNT, ...account };
    return { ...withDefaults, currencies: account.currencies ?? [withDefaults.currency] };
  });
  return schema.parse({
    ...defaultPaystackEmulatorOptions,
    ...options,
    accounts,
    webhookRetry: { ...defaultPaystackEmulatorOptions.webhookRetry, ...options.webhookRetry },
  });
}
