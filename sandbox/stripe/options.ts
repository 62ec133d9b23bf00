/** Embedded defaults: the emulator and a Duka pointed at it agree with no variables set. */
export const DEFAULT_SECRET_KEY = "sk_test_dukaEmulator0000000000";
export const DEFAULT_WEBHOOK_SECRET = "whsec_dukaEmulator0000000000";

export interface StripeEmulatorOptions {
  /** The only key the API accepts (Bearer). Default: DEFAULT_SECRET_KEY. */
  readonly secretKey?: string;
  /** Signs every event (Stripe-Signature). Default: DEFAULT_WEBHOOK_SECRET. */
  readonly webhookSecret?: string;
  /** Where events are POSTed; unset: events are recorded, not sent. */
  readonly webhookUrl?: string;
  /** Waits before each redelivery of an event not answered 2xx. Default: [200, 1000] (3 attempts). */
  readonly webhookRetryDelaysMs?: readonly number[];
  /** Per delivery attempt. Default: 10 000 ms. */
  readonly webhookTimeoutMs?: number;
  /**
   * The smallest session total per lowercase currency, in minor units; below it `amount_too_small`.
   * Default: `{ usd: 50 }` (Stripe's floor is set per settlement currency, so others float with FX).
   */
  readonly minimumCharge?: Readonly<Record<string, number>>;
  /** Default 127.0.0.1, port 0 (any free port). */
  readonly host?: string;
  readonly port?: number;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 1000];

export const DEFAULT_MINIMUM_CHARGE: Readonly<Record<string, number>> = { usd: 50 };
