/** Embedded defaults: the emulator and a Duka pointed at it agree with no variables set. */
export const DEFAULT_SECRET_KEY = "FLWSECK_TEST-dukaemulator0000000000000000000000-X";
export const DEFAULT_SECRET_HASH = "duka-emulator-secret-hash";

/**
 * The emulator's test data (providers-2 §2.5): Flutterwave's documented PIN-flow Mastercard, and an
 * M-Pesa number that is [unconfirmed] for Flutterwave (third-party pages list it for other gateways).
 */
export const TEST_CARD = "5531 8866 5214 2950";
export const TEST_MPESA_NUMBER = "254703456789";

export interface FlutterwaveEmulatorOptions {
  /** The only key the API accepts (Bearer). Default: DEFAULT_SECRET_KEY. */
  readonly secretKey?: string;
  /** Sent as `verif-hash` with every webhook. Default: DEFAULT_SECRET_HASH. */
  readonly secretHash?: string;
  /** Where webhooks are POSTed; unset: events are recorded, not sent. */
  readonly webhookUrl?: string;
  /** Waits before each redelivery of an event not answered 200. Default: [200, 1000] (3 attempts, as Flutterwave). */
  readonly webhookRetryDelaysMs?: readonly number[];
  /** Per delivery attempt. Default: 10 000 ms. */
  readonly webhookTimeoutMs?: number;
  /** Default 127.0.0.1, port 0 (any free port). */
  readonly host?: string;
  readonly port?: number;
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [200, 1000];
