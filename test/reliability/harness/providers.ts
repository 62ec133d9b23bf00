/**
 * The payment providers' emulators every reliability shop talks to (sandbox/paystack,
 * sandbox/daraja), and the environment that points Duka's plugins at them.
 */
import {
  createDarajaEmulator,
  type DarajaEmulator,
  DEFAULT_CONSUMER_KEY,
  DEFAULT_CONSUMER_SECRET,
  SANDBOX_PASSKEY,
  SANDBOX_SHORTCODE,
} from "../../../sandbox/daraja/index.js";
import {
  createPaystackEmulator,
  DEFAULT_SECRET_KEY,
  type PaystackEmulator,
  type PaystackEmulatorOptions,
} from "../../../sandbox/paystack/index.js";

export interface ProviderEmulators {
  readonly paystack: PaystackEmulator;
  readonly daraja: DarajaEmulator;
  /** PAYSTACK_* and MPESA_* for a Duka that pays through these emulators. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export async function startProviderEmulators(
  paystackOptions: PaystackEmulatorOptions = {},
): Promise<ProviderEmulators> {
  const [paystack, daraja] = await Promise.all([
    createPaystackEmulator(paystackOptions),
    createDarajaEmulator(),
  ]);
  return {
    paystack,
    daraja,
    env: {
      PAYSTACK_SECRET_KEY: DEFAULT_SECRET_KEY,
      PAYSTACK_BASE_URL: paystack.baseUrl,
      MPESA_CONSUMER_KEY: DEFAULT_CONSUMER_KEY,
      MPESA_CONSUMER_SECRET: DEFAULT_CONSUMER_SECRET,
      MPESA_SHORTCODE: SANDBOX_SHORTCODE,
      MPESA_PASSKEY: SANDBOX_PASSKEY,
      MPESA_BASE_URL: daraja.baseUrl,
    },
    close: async () => {
      await Promise.all([paystack.close(), daraja.close()]);
    },
  };
}
