/**
 * The payment providers' emulators every reliability shop talks to (sandbox/paystack,
 * sandbox/daraja), and the environment that points Duka's plugins at them.
 */
import { createDarajaEmulator, type DarajaEmulator, stkPushEnv } from "../../../sandbox/daraja/index.js";
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
      ...stkPushEnv(daraja),
    },
    close: async () => {
      await Promise.all([paystack.close(), daraja.close()]);
    },
  };
}
